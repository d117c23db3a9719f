/**
 * Set-up for the linked-accounts e2e tests: the tracking harness with the bot's own RA account
 * (RA_USERNAME) configured, and a way to let the follower watcher and the proofs look once.
 */
import { expect } from 'vitest';
import type { InteractionHandle } from '../fakes/discord/index.js';
import type { HarnessOptions } from './harness.js';
import { startTracking, type TrackingSetup } from './tracking-helpers.js';

export const BOT_RA = 'CheevoBot';

export async function startLinks(
  options: Omit<HarnessOptions, 'world' | 'now'> & { env?: Record<string, string> } = {},
): Promise<TrackingSetup> {
  const s = await startTracking({ ...options, env: { RA_USERNAME: BOT_RA, ...options.env } });
  s.world.addUser({ username: BOT_RA });
  return s;
}

/**
 * Time passes enough for the watcher's next read of the follower list (one RA request), then the
 * pending proofs look at it (none). Returns the RA requests the proofs' look made.
 */
export async function followerTick(s: TrackingSetup): Promise<number> {
  s.clock.advance(10_000);
  const watcher = s.h.bot.followers;
  expect(watcher).not.toBeNull();
  await watcher!.step();
  const before = s.h.ra.requests.count();
  await s.h.bot.linkProofs.checkNow();
  return s.h.ra.requests.count() - before;
}

export function replyText(handle: InteractionHandle): string {
  return handle.reply?.content ?? '';
}
