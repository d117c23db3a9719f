/**
 * Shutdown while work is stuck: the bot gives a running poll a short budget, then abandons it by
 * closing the RA client, and still stops; nothing the poll was reading is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { addGame, announcedAchievementIds, startTracking } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The reads a poll of a user's new unlocks makes. */
const ACTIVITY_READS = ['GetUserRecentAchievements', 'GetAchievementsEarnedBetween'] as const;

describe('stopping the bot', () => {
  it('abandons a poll hung on RA, stops, and the restarted bot announces what that poll missed once', async () => {
    const s = await startTracking({ overrides: { ra: { maxRetries: 0, baseBackoffMs: 10 } } });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 50, 'Shinobi', 4);
    await h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Scott' } });
    await h.pollAndDrain(); // the first poll: Scott's window starts here

    s.world.unlock('Scott', ids[0]!);
    const reads = () => ACTIVITY_READS.reduce((n, endpoint) => n + h!.ra.requests.count(endpoint), 0);
    const before = reads();
    for (const endpoint of ACTIVITY_READS)
      h.ra.faults.add(endpoint, { type: 'hang' }, Number.POSITIVE_INFINITY);
    void h.bot.schedule.tick(); // a POLL_CRON tick: the schedule polls Scott, and RA never answers
    await h.discord.waitUntil(() => reads() > before, 5_000, 'the poll reaching RA');

    await h.restart(() => h!.ra.faults.clear());
    expect(h.logs.some((line) => line.includes('poll cycle still running at shutdown; abandoning it'))).toBe(
      true,
    );
    expect(h.discord.channelMessages(h.channel.id)).toEqual([]);

    await h.pollAndDrain();
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);
  });
});
