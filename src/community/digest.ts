/**
 * The weekly digest: which servers are due (pure slot maths in digest-schedule.ts), what goes in
 * one (read from SQLite when it is queued, so a late post still shows the week it is about), and
 * queueing it exactly once per slot.
 */

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DigestPayload } from '../domain/community.js';
import type { Store } from '../store/index.js';
import { type DigestWindow, dueDigest } from './digest-schedule.js';
import { rankEntries } from './ranking.js';

export const DIGEST_TOP_GAINERS = 5;
/** Masteries and beatens listed before "+K more". */
export const DIGEST_MAX_AWARDS = 15;

export function buildDigest(
  store: Store,
  guildId: string,
  { from, to: slotMs }: DigestWindow,
  timeZone: string,
): DigestPayload {
  const entries = store.leaderboard.period(guildId, from, slotMs);
  const gainers = rankEntries(entries, 'points')
    .slice(0, DIGEST_TOP_GAINERS)
    .map((e) => ({
      ulid: e.ulid,
      displayName: e.displayName,
      points: e.points,
      unlocks: e.unlocks ?? 0,
      rank: e.rank,
    }));
  const awards = store.community
    .awardsBetween(guildId, from, slotMs)
    .filter((a) => a.kind === 'mastered' || a.kind === 'completed' || a.kind.startsWith('beaten'));
  return {
    version: 1,
    kind: 'digest',
    from: new Date(from).toISOString(),
    to: new Date(slotMs).toISOString(),
    timeZone,
    trackedCount: entries.length,
    gainers,
    awards: awards.slice(0, DIGEST_MAX_AWARDS),
    moreAwards: Math.max(0, awards.length - DIGEST_MAX_AWARDS),
    rarest: store.community.rarestUnlock(guildId, from, slotMs),
    mostPlayed: store.community.mostPlayedGame(guildId, from, slotMs),
  };
}

/**
 * Digests built per event-loop turn: each reads the server's week from SQLite (~0.3 ms), and
 * servers often share a slot (500 due at once held the loop ~170 ms in the simulated day).
 */
export const DIGESTS_PER_TURN = 20;

/**
 * Queues every due digest (see `dueDigest`): only the LATEST slot is ever queued, so after long
 * downtime a missed digest is posted late once, never one per missed week. A server whose digest
 * fails (`failed` hears of it) holds up no other; it is tried again next time. Servers go in
 * guild order, `DIGESTS_PER_TURN` digests per event-loop turn; after a turn each server's
 * schedule is read again (a /digest command may have changed it meanwhile). Resolves to how many
 * were queued.
 */
export async function queueDueDigests(
  store: Store,
  now: Date,
  failed: (guildId: string, error: unknown) => void,
): Promise<number> {
  let queued = 0;
  let built = 0;
  let yielded = false;
  for (const listed of store.community.guildsWithDigest()) {
    try {
      if (built >= DIGESTS_PER_TURN) {
        await yieldToEventLoop();
        built = 0;
        yielded = true;
      }
      const guild = yielded ? store.community.get(listed.guildId) : listed;
      const schedule = guild.digest;
      if (schedule === null) continue;
      const window = dueDigest(schedule, guild.digestLastPeriod, now.getTime());
      if (window === null) continue;
      built++;
      const payload = buildDigest(store, guild.guildId, window, schedule.timeZone);
      // A digest route (/settings route digest) wins over the channel given to /digest.
      const channelId = store.routes.routes(guild.guildId).digest ?? schedule.channelId;
      const post = { guildId: guild.guildId, channelId, kind: 'digest' as const, payload };
      if (store.community.queueDigest(guild.guildId, window.to, post, now)) queued++;
    } catch (error) {
      failed(listed.guildId, error);
    }
  }
  return queued;
}
