/** Shared set-up for the community e2e tests (leaderboard, milestones, AotW, digest). */
import { expect } from 'vitest';
import type { Harness } from './harness.js';
import { startTracking, type TrackingSetup } from './tracking-helpers.js';

const started: Harness[] = [];

/** startTracking, remembered so `stopCommunity` (an afterEach) checks and stops it. */
export async function startCommunity(options?: Parameters<typeof startTracking>[0]): Promise<TrackingSetup> {
  const s = await startTracking(options);
  started.push(s.h);
  return s;
}

/** Use as `afterEach(stopCommunity)`: the fake Discord saw no violation or error, then stop. */
export async function stopCommunity(): Promise<void> {
  for (const h of started.splice(0)) {
    try {
      expect(h.discord.violations).toEqual([]);
      expect(h.discord.errors).toEqual([]);
    } finally {
      await h.stop();
    }
  }
}
