/**
 * The adaptive schedule through the real bot: follower watcher -> schedule runner -> poller ->
 * outbox -> channel, and POLL_CRON rounds for everyone else, against both fakes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { ephemeralError, progress } from './progress-helpers.js';
import { addGame, messageText, startTracking, track } from './tracking-helpers.js';

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
  /**
   * Scott either follows the bot's RA account or is followed by it (an admin followed him from the
   * bot's account; he did nothing): his unlock is posted after one read of that list and one poll.
   */
  async function postsAfterOneListRead(direction: 'follows' | 'followed') {
    const s = await startTracking({
      env: { RA_USERNAME: 'cheevobot' },
      overrides: {
        followers: { firstPageEveryMs: DETECTOR_PERIOD_MS, otherPagesEveryMs: 4 * DETECTOR_PERIOD_MS },
      },
    });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.pointsLagMs = 100; // RA's totals trail the unlock
    const [first] = addGame(s.world, 1, 'Sonic the Hedgehog', 3);
    await track(h, 'Scott');
    const scott = s.world.user('Scott').ulid;
    const [watcher, other] =
      direction === 'follows' ? [h.bot.followers!, h.bot.following!] : [h.bot.following!, h.bot.followers!];
    await until(() => watcher.count !== null && other.count !== null, 10_000, 'the first reads');
    if (direction === 'follows') s.world.follow('Scott');
    else s.world.botFollow('Scott');
    // Newly listed, Scott is polled once (he just joined the list); that poll is one request.
    await until(
      () => watcher.isFollower(scott) === true && h!.ra.requests.count('GetUserRecentAchievements') >= 1,
      10_000,
      'a read of the list that has Scott, and his first poll',
    );
    expect(other.isFollower(scott)).toBe(false);
    h.ra.requests.clear();

    s.world.unlock('Scott', first!, { hardcore: true });
    const unlockedAt = Date.now();
    // The test clock stands still unless moved: let RA's totals catch up with the unlock.
    s.clock.advance(200);
    await until(() => h!.discord.channelMessages(h!.channel.id).length === 1, 15_000, 'the announcement');
    const tookMs = Date.now() - unlockedAt;

    // Exactly one poll of Scott: the activity read and the game's progress.
    expect(h.ra.requests.count('GetUserRecentAchievements')).toBe(1);
    expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(1);
    // The poll came after a list read that saw the points move: at most the lag plus one period.
    const poll = h.ra.requests.of('GetUserRecentAchievements')[0]!;
    const endpoint = direction === 'follows' ? 'GetUsersFollowingMe' : 'GetUsersIFollow';
    const readsBefore = h.ra.requests.of(endpoint).filter((r) => r.atMs < poll.atMs).length;
    expect(readsBefore).toBeGreaterThanOrEqual(1);
    expect(readsBefore).toBeLessThanOrEqual(2);
    expect(messageText(h.discord.channelMessages(h.channel.id)[0]!)).toContain('Scott');
    console.info(`${direction} unlock -> post: ${tookMs} ms (detector period ${DETECTOR_PERIOD_MS} ms)`);
  }

  it('posts a follower’s unlock after one followers read and one poll, with no POLL_CRON tick', async () => {
    await postsAfterOneListRead('follows');
  });

  it('posts the unlock of a user the bot’s RA account follows (not following back) as fast: one read of that list, one poll', async () => {
    await postsAfterOneListRead('followed');
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

describe('RA budget', () => {
  it('never goes above RA_REQUESTS_PER_SECOND with 300 tracked users and commands arriving, and keeps polling', async () => {
    const RATE = 20;
    const s = await startTracking({
      env: { RA_USERNAME: 'cheevobot', POLL_CRON: '* * * * * *', RA_REQUESTS_PER_SECOND: String(RATE) },
      overrides: { followers: { firstPageEveryMs: 500, otherPagesEveryMs: 2_000 } },
    });
    h = s.h;
    const [first] = addGame(s.world, 3, 'Streets of Rage', 5);
    for (let i = 0; i < 300; i++) {
      const user = s.world.addUser({ username: `Player${i}` });
      if (i % 2 === 0) s.world.follow(user.ulid);
      s.world.unlock(user.ulid, first!, { at: new Date(Date.now() - 3_600_000) });
      h.bot.store.trackUser({
        guildId: h.guild.id,
        ulid: user.ulid,
        displayName: user.displayName,
        userPic: user.userPic,
        addedBy: h.admin.user.id,
        now: Date.now() - 60_000,
      });
    }
    h.ra.requests.clear();
    const started = Date.now();
    const replies: Promise<unknown>[] = [];
    while (Date.now() - started < 5_000) {
      // Commands from a member keep arriving, and players keep unlocking.
      replies.push(progress(h, h.member, `Player${replies.length}`, '3').waitForReply(15_000));
      s.world.unlock(`Player${replies.length * 7}`, first! + 1);
      await sleep(400);
    }
    await Promise.all(replies);
    const times = h.ra.requests
      .all()
      .filter((r) => r.endpoint !== 'media')
      .map((r) => r.atMs)
      .sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    const spanS = (times.at(-1)! - times[0]!) / 1000;
    console.info(
      `300 users + commands: ${times.length} RA requests in ${spanS.toFixed(1)} s, peak ${peak} in 1 s`,
    );
    // One request of slack for arrival jitter on a busy machine; a missing limiter would show
    // dozens more (300 users are due at once).
    expect(peak).toBeLessThanOrEqual(RATE + 1);
    expect(times.length).toBeLessThanOrEqual(Math.ceil(spanS * RATE) + 1);
    // The poller was not starved by the commands: it kept a share of the requests.
    expect(h.ra.requests.count('GetUserRecentAchievements')).toBeGreaterThanOrEqual(
      Math.max(8, times.length / 5),
    );
    expect(h.ra.requests.count('GetUsersFollowingMe')).toBeGreaterThanOrEqual(2);
  });

  it('tells a member who spent their allowance to slow down, and still serves the others', async () => {
    const s = await startTracking({ overrides: { ra: { memberAllowance: { burst: 4, perSecond: 0.01 } } } });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    addGame(s.world, 4, 'Golden Axe', 2);
    // A /progress costs this member a few RA requests: the first fits in 4, a few more don't.
    expect(messageText(await progress(h, h.member, 'Scott', '4').waitForReply(15_000))).toContain(
      'Golden Axe',
    );
    let refused: string | null = null;
    for (let i = 0; i < 4 && refused === null; i++) {
      const handle = progress(h, h.member, 'Scott', '4');
      await handle.waitFor((x) => x.followUps.length > 0 || x.edits.length > 0, 10_000, 'an answer');
      if (handle.followUps.length > 0) refused = messageText(await ephemeralError(handle));
    }
    expect(refused).toMatch(/Slow down.*Try again in \d+ seconds/s);
    const other = await progress(h, h.admin, 'Scott', '4').waitForReply(15_000);
    expect(messageText(other)).toContain('Golden Axe');
  });
});
