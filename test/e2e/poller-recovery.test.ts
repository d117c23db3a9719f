/**
 * The poller recovering what a short activity window or one failing request would lose: unlocks
 * RA records late, awards RA grants late, a game that always fails, through the real bot against
 * both fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeWorld } from '../fakes/ra/index.js';
import { type Harness, type HarnessOptions, startHarness } from './harness.js';
import {
  addGame,
  announcedAchievementIds,
  MINUTE,
  messageText,
  settingsShow,
  startTracking,
  type TestClock,
  type TrackingSetup,
  testClock,
  track,
} from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Small RA retry budget so failing requests are quick. */
const QUICK_RA = { ra: { maxRetries: 0, baseBackoffMs: 10 } };

/** One scheduled cycle: the clock moves on as it would between cron ticks. */
async function cycle(s: { h: Harness; clock: TestClock }, gapMs = 5 * MINUTE): Promise<void> {
  s.clock.advance(gapMs);
  await s.h.pollAndDrain();
}

/**
 * Like startTracking, but with a world where RA grants mastery only to sets of 7+ achievements:
 * the bot (which expects mastery of 6+) then sees a 6-achievement mastery as pending, and the
 * award appears only when the test grants it.
 */
async function startWithLateAwards(
  options: Omit<HarnessOptions, 'world' | 'now'> = {},
): Promise<TrackingSetup> {
  const clock = testClock();
  const world = new FakeWorld({ masteryMinAchievements: 7, now: clock.now });
  const harness = await startHarness({ ...options, world, now: clock.now });
  await harness.slash(harness.admin, 'settings', {
    subcommand: 'channel',
    options: { channel: harness.channel.id },
  });
  return { h: harness, world, clock };
}

describe('unlocks RA records late', () => {
  it('announces, exactly once, an unlock dated 40 minutes before RA recorded it', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 40, 'Road Rash', 3);
    await track(h, 'Scott');
    await cycle(s);
    await cycle(s, 45 * MINUTE); // the last poll is now well past the unlock's date

    // Recorded now, dated 40 minutes ago (after tracking started): an offline/retried unlock.
    s.world.unlock('Scott', ids[0]!, { hardcore: true, at: new Date(s.clock.now().getTime() - 40 * MINUTE) });
    await cycle(s);
    await cycle(s);
    await cycle(s);
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);

    // Re-reading the longer window costs nothing extra for what is already stored.
    h.ra.requests.clear();
    await cycle(s);
    expect(h.ra.requests.count('GetUserRecentAchievements')).toBe(1);
    expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(0);
  });
});

describe('awards RA grants late', () => {
  it('announces a mastery RA reports only after the recheck polls ran out, once', async () => {
    const s = await startWithLateAwards();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 41, 'Golden Axe', 6);
    await track(h, 'Scott');
    await track(h, 'Amy');
    for (const id of ids) s.world.unlock('Scott', id, { hardcore: true });
    await cycle(s);
    expect(h.discord.channelMessages(h.channel.id)).toHaveLength(1); // the bundle of six
    for (let i = 0; i < 5; i++) await cycle(s); // beyond the recheck countdown

    s.world.grantAward('Scott', 41, 'mastered');
    h.ra.requests.clear();
    await cycle(s);
    // The site-wide feed: one request per cycle, however many users are tracked.
    const feedRequests = h.ra.requests.count('GetRecentGameAwards');
    await cycle(s);
    await cycle(s);
    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.content).toMatch(/Golden Axe.*mastered/i);
    expect(messageText(posts[1]!)).toContain('Scott');
    expect(feedRequests).toBe(1);
  });

  it('keeps polling when the awards feed fails, and catches up on the feed afterwards', async () => {
    const s = await startWithLateAwards({ overrides: QUICK_RA });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 42, 'Altered Beast', 6);
    const other = addGame(s.world, 43, 'Columns', 2);
    await track(h, 'Scott');
    for (const id of ids) s.world.unlock('Scott', id, { hardcore: true });
    await cycle(s);
    for (let i = 0; i < 4; i++) await cycle(s);

    h.ra.faults.add('GetRecentGameAwards', { type: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    s.world.grantAward('Scott', 42, 'mastered');
    s.world.unlock('Scott', other[0]!);
    await cycle(s);
    await cycle(s);
    const during = h.discord.channelMessages(h.channel.id);
    expect(during.map(announcedAchievementIds).at(-1)).toEqual([other[0]]); // polling went on
    expect(during.some((m) => /mastered/i.test(m.content))).toBe(false);
    expect(h.logs.some((l) => l.includes('awards feed'))).toBe(true);
    expect(h.bot.store.getPollState(s.world.user('Scott').ulid)).toMatchObject({ consecutiveFailures: 0 });

    h.ra.faults.clear();
    await cycle(s);
    await cycle(s);
    const after = h.discord.channelMessages(h.channel.id);
    expect(after.filter((m) => /mastered/i.test(m.content))).toHaveLength(1);
  });
});

describe('RA lists sent as JSON objects, and unreadable rows', () => {
  it('reads an award feed whose rows RA dropped (deleted users) as an object, paged by Total', async () => {
    const s = await startWithLateAwards();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Ghost' });
    const ids = addGame(s.world, 51, 'Shinobi', 6);
    const ghostGames = Array.from({ length: 6 }, (_, i) => 60 + i);
    for (const id of ghostGames) addGame(s.world, id, `Ghost game ${id}`, 1);
    await track(h, 'Scott');
    for (const id of ids) s.world.unlock('Scott', id, { hardcore: true });
    await cycle(s);
    for (let i = 0; i < 5; i++) await cycle(s); // beyond the recheck countdown

    // Scott's late mastery, then 150 newer awards of an account deleted since: RA's first page
    // comes back as an object with none of its 100 rows, and a Total of 151.
    s.world.grantAward('Scott', 51, 'mastered');
    s.clock.advance(1_000);
    for (let i = 0; i < 150; i++) s.world.grantAward('Ghost', ghostGames[i % 6]!, 'mastered');
    s.world.deleteUser('Ghost');
    h.ra.requests.clear();
    await cycle(s);
    await cycle(s);
    const feed = h.ra.requests.of('GetRecentGameAwards').map((r) => r.params.o);
    expect(feed.slice(0, 2)).toEqual(['0', '100']);
    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts.filter((m) => /Shinobi.*mastered/i.test(m.content))).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('could not read the RA awards feed'))).toBe(false);
  });

  it('skips and logs one unreadable row of the activity list; the rest of it counts', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 52, 'Ecco', 3);
    await track(h, 'Scott');
    s.world.unlock('Scott', ids[0]!);
    s.clock.advance(1_000);
    s.world.unlock('Scott', ids[1]!);
    h.ra.faults.add('GetUserRecentAchievements', {
      type: 'edit',
      edit: (body) =>
        (body as Record<string, unknown>[]).map((row, i) => (i === 0 ? { ...row, Date: 'soon' } : row)),
    });
    await cycle(s, MINUTE);
    expect(h.bot.store.getPollState(s.world.user('Scott').ulid)).toMatchObject({ consecutiveFailures: 0 });
    // Both unlocks: the game was read for the readable row, and its progress shows both.
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([
      [ids[0]],
      [ids[1]],
    ]);
    expect(
      h.logs.some((l) => l.includes('unreadable row') && l.includes('GetUserRecentAchievements[0]')),
    ).toBe(true);
  });
});

describe('a game RA always fails on', () => {
  it('does not stop the user’s other games from being announced', async () => {
    const s = await startTracking({ overrides: QUICK_RA });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const broken = addGame(s.world, 44, 'Broken Game', 3);
    const fine = addGame(s.world, 45, 'Fine Game', 3);
    await track(h, 'Scott');
    h.ra.faults.add('GetGameInfoAndUserProgress', { type: 'malformed-json' }, Number.POSITIVE_INFINITY, {
      g: '44',
    });

    // The broken game's unlock is the newest, so it is diffed first.
    s.world.unlock('Scott', fine[0]!);
    s.clock.advance(MINUTE);
    s.world.unlock('Scott', broken[0]!);
    await cycle(s, MINUTE);
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([[fine[0]]]);
    const ulid = s.world.user('Scott').ulid;
    expect(h.bot.store.getPollState(ulid)).toMatchObject({ consecutiveFailures: 0 });
    expect(h.logs.some((l) => l.includes('"gameId":44'))).toBe(true);

    // Later unlocks in the good game keep coming; the broken one is retried while in the window.
    s.world.unlock('Scott', fine[1]!);
    await cycle(s);
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([
      [fine[0]],
      [fine[1]],
    ]);

    // Once RA answers for it again, its unlock is announced (it is still in the look-back).
    h.ra.faults.clear();
    await cycle(s);
    await cycle(s);
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([
      [fine[0]],
      [fine[1]],
      [broken[0]],
    ]);
  });

  it('moves the user on past a game failing with 5xx for over a day: backoff, one warning, /settings show, then announced once', async () => {
    const s = await startTracking({ overrides: QUICK_RA });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const flaky = addGame(s.world, 46, 'Flaky Game', 3);
    const fine = addGame(s.world, 47, 'Fine Game', 30);
    await track(h, 'Scott');
    h.ra.faults.add('GetGameInfoAndUserProgress', { type: 'status', status: 503 }, Number.POSITIVE_INFINITY, {
      g: '46',
    });
    s.world.unlock('Scott', flaky[0]!);
    s.world.unlock('Scott', fine[0]!);
    await cycle(s, MINUTE);
    const ulid = s.world.user('Scott').ulid;
    expect(h.bot.store.getPollState(ulid)).toMatchObject({ consecutiveFailures: 0 });
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([[fine[0]]]);

    // A day and more of 30-minute cycles: the good game keeps being announced every time, the
    // failing one is asked on its own backoff only.
    h.ra.requests.clear();
    for (let i = 1; i <= 52; i++) {
      s.world.unlock('Scott', fine[i % 29]!);
      await cycle(s, 30 * MINUTE);
    }
    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts.length).toBeGreaterThanOrEqual(29);
    const flakyReads = h.ra.requests.of('GetGameInfoAndUserProgress').filter((r) => r.params.g === '46');
    expect(flakyReads.length).toBeGreaterThan(5);
    expect(flakyReads.length).toBeLessThan(25);
    expect(h.logs.filter((l) => l.includes('failed on this game for a day'))).toHaveLength(1);
    const show = await settingsShow(h);
    expect(show).toContain('keeps failing on');
    expect(show).toContain('Scott');
    expect(show).toContain('game 46');

    // RA answers for it again: its unlock (earned a day ago, after tracking) is announced, once.
    h.ra.faults.clear();
    for (let i = 0; i < 5; i++) await cycle(s, 60 * MINUTE);
    const flakyPosts = h.discord
      .channelMessages(h.channel.id)
      .map(announcedAchievementIds)
      .filter((ids) => ids.includes(flaky[0]!));
    expect(flakyPosts).toEqual([[flaky[0]]]);
    const after = await settingsShow(h);
    expect(after).not.toContain('keeps failing on');
  });

  it('stops asking for a game RA says doesn’t exist (a deleted set) after a day, until new activity in it', async () => {
    const s = await startTracking({ overrides: QUICK_RA });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const gone = addGame(s.world, 50, 'Gone Game', 3);
    await track(h, 'Scott');
    // RA answers a bare [] for the game, and for the game alone: not found.
    h.ra.faults.add('GetGameInfoAndUserProgress', { type: 'empty-array' }, Number.POSITIVE_INFINITY, {
      g: '50',
    });
    h.ra.faults.add('GetGame', { type: 'empty-array' }, Number.POSITIVE_INFINITY, { i: '50' });
    s.world.unlock('Scott', gone[0]!);
    await cycle(s, MINUTE);
    const goneReads = () =>
      h!.ra.requests.of('GetGameInfoAndUserProgress').filter((r) => r.params.g === '50').length;
    for (let i = 0; i < 52; i++) await cycle(s, 30 * MINUTE); // a day and more
    expect(goneReads()).toBeGreaterThan(5);

    // Three more days: the game is no longer asked for.
    h.ra.requests.clear();
    for (let i = 0; i < 18; i++) await cycle(s, 4 * 60 * MINUTE);
    expect(goneReads()).toBe(0);
    expect(h.logs.filter((l) => l.includes('not polled again until'))).toHaveLength(1);

    // The set is back and Scott plays it: both unlocks are announced, once.
    h.ra.faults.clear();
    s.world.unlock('Scott', gone[1]!);
    await cycle(s);
    await cycle(s);
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([
      [gone[0]],
      [gone[1]],
    ]);
  });

  it('moves the user on past a game whose reads time out, and announces it once RA answers', async () => {
    const s = await startTracking({ env: { RA_TIMEOUT_MS: '500' }, overrides: QUICK_RA });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const slow = addGame(s.world, 48, 'Slow Game', 3);
    const fine = addGame(s.world, 49, 'Fine Game', 3);
    await track(h, 'Scott');
    h.ra.faults.add('GetGameInfoAndUserProgress', { type: 'hang' }, 2, { g: '48' });
    s.world.unlock('Scott', slow[0]!);
    s.world.unlock('Scott', fine[0]!);
    await cycle(s, MINUTE);
    s.world.unlock('Scott', fine[1]!);
    await cycle(s, 6 * MINUTE); // the retry times out too
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([
      [fine[0]],
      [fine[1]],
    ]);
    await cycle(s, 11 * MINUTE);
    await cycle(s, 11 * MINUTE);
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([
      [fine[0]],
      [fine[1]],
      [slow[0]],
    ]);
  });
});
