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
 * Ten seconds pass, with every read of the follower list due in them (page 1, a proof's search),
 * then the pending proofs look at it (none). Returns the RA requests the proofs' look made.
 */
export async function followerTick(s: TrackingSetup): Promise<number> {
  const watcher = s.h.bot.followers;
  expect(watcher).not.toBeNull();
  const end = s.clock.now().getTime() + 10_000;
  for (;;) {
    const at = Math.max(watcher!.nextDueAt(), s.clock.now().getTime());
    if (at > end) break;
    s.clock.advance(at - s.clock.now().getTime());
    await watcher!.step();
  }
  s.clock.advance(Math.max(0, end - s.clock.now().getTime()));
  const before = s.h.ra.requests.count();
  await s.h.bot.linkProofs.checkNow();
  return s.h.ra.requests.count() - before;
}

export function replyText(handle: InteractionHandle): string {
  return handle.reply?.content ?? '';
}

/** `n` more RA users who all follow the bot's account (a list of n / 500 pages). */
export function addFollowers(s: TrackingSetup, n: number): void {
  for (let i = 0; i < n; i++) {
    s.world.addUser({ username: `Fan${i}` });
    s.world.follow(`Fan${i}`);
  }
}

/**
 * Virtual time runs the follower watcher on its own schedule (each read when it is due) with the
 * pending proofs looking after every read, until `done()` holds or `limitMs` has passed. Returns
 * the virtual time it took, or null when `done()` never held.
 */
export async function runFollowers(
  s: TrackingSetup,
  limitMs: number,
  done: () => boolean = () => false,
): Promise<number | null> {
  const watcher = s.h.bot.followers!;
  const start = s.clock.now().getTime();
  for (;;) {
    if (done()) return s.clock.now().getTime() - start;
    const at = Math.max(watcher.nextDueAt(), s.clock.now().getTime());
    if (at - start > limitMs) return null;
    s.clock.advance(at - s.clock.now().getTime());
    await watcher.step();
    await s.h.bot.linkProofs.checkNow();
  }
}
