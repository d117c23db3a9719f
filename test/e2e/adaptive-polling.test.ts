/**
 * The adaptive schedule through the real bot: follower watcher -> schedule runner -> poller ->
 * outbox -> channel, and POLL_CRON rounds for everyone else, against both fakes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { addGame, startTracking, track } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(h.discord.violations).toEqual([]);
  await h?.stop();
  h = undefined;
});

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const DETECTOR_PERIOD_MS = 400;

describe('adaptive polling', () => {
  it('posts a follower’s unlock after one followers read and one poll, with no POLL_CRON tick', async () => {
    const s = await startTracking({
      env: { RA_USERNAME: 'cheevobot' },
      overrides: {
        followers: { firstPageEveryMs: DETECTOR_PERIOD_MS, otherPagesEveryMs: 4 * DETECTOR_PERIOD_MS },
      },
    });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.follow('Scott');
    s.world.pointsLagMs = 100; // RA's totals trail the unlock
    const [first] = addGame(s.world, 1, 'Sonic the Hedgehog', 3);
    await track(h, 'Scott');
    const followers = h.bot.followers!;
    await until(() => followers.count !== null, 5_000, 'the first followers read');
    h.ra.requests.clear();

    s.world.unlock('Scott', first!, { hardcore: true });
    const unlockedAt = Date.now();
    await until(() => h!.discord.channelMessages(h!.channel.id).length === 1, 15_000, 'the announcement');
    const tookMs = Date.now() - unlockedAt;

    // Exactly one poll of Scott: the activity read and the game's progress.
    expect(h.ra.requests.count('GetUserRecentAchievements')).toBe(1);
    expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(1);
    // The poll came after a followers read that saw the points move: at most the lag plus one period.
    const poll = h.ra.requests.of('GetUserRecentAchievements')[0]!;
    const readsBefore = h.ra.requests.of('GetUsersFollowingMe').filter((r) => r.atMs < poll.atMs).length;
    expect(readsBefore).toBeGreaterThanOrEqual(1);
    expect(readsBefore).toBeLessThanOrEqual(2);
    console.info(`follower unlock -> post: ${tookMs} ms (detector period ${DETECTOR_PERIOD_MS} ms)`);
  });

  it('still announces a user who does not follow the bot, on the POLL_CRON round', async () => {
    const s = await startTracking({
      env: { RA_USERNAME: 'cheevobot', POLL_CRON: '* * * * * *' },
      overrides: {
        followers: { firstPageEveryMs: DETECTOR_PERIOD_MS, otherPagesEveryMs: 4 * DETECTOR_PERIOD_MS },
      },
    });
    h = s.h;
    s.world.addUser({ username: 'Bob' });
    const [first] = addGame(s.world, 2, 'Columns', 2);
    await track(h, 'Bob');
    await until(() => h!.bot.followers!.count !== null, 5_000, 'the first followers read');
    expect(h.bot.followers!.isFollower(s.world.user('Bob').ulid)).toBe(false);
    s.world.unlock('Bob', first!);
    await until(() => h!.discord.channelMessages(h!.channel.id).length === 1, 15_000, 'the announcement');
    expect(h.bot.schedule.counts.cold).toBeGreaterThanOrEqual(1);
  });

  it('without RA_USERNAME the watcher is off and POLL_CRON rounds still announce', async () => {
    const s = await startTracking({ env: { POLL_CRON: '* * * * * *' } });
    h = s.h;
    s.world.addUser({ username: 'Bob' });
    const [first] = addGame(s.world, 2, 'Columns', 2);
    await track(h, 'Bob');
    expect(h.bot.followers).toBeNull();
    s.world.unlock('Bob', first!);
    await until(() => h!.discord.channelMessages(h!.channel.id).length === 1, 15_000, 'the announcement');
    expect(h.ra.requests.count('GetUsersFollowingMe')).toBe(0);
  });
});
