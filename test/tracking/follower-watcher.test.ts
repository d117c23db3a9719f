import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import type { Store } from '../../src/store/index.js';
import {
  createFollowerWatcher,
  firstPageShare,
  followersShare,
  followerWatchIntervals,
  risenSince,
} from '../../src/tracking/followers.js';
import type { Timers } from '../../src/util/timers.js';
import { type FakeWorld, startFakeRa } from '../fakes/ra/index.js';
import { type Harness, smallWorld, startHarness } from '../ra/helpers.js';
import { memoryStore } from '../store/helpers.js';

let h: Harness | undefined;
afterEach(async () => h?.close());

const T = Date.parse('2024-05-01T13:00:00Z');

/** Virtual timers: `advance` runs due callbacks in time order. */
function virtualTimers(clock: { ms: number }) {
  let id = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      due.set(++id, { at: clock.ms + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
  };
  async function advance(ms: number) {
    const end = clock.ms + ms;
    for (;;) {
      const next = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      due.delete(next[0]);
      clock.ms = next[1].at;
      next[1].fn();
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      // A read goes over real HTTP: wait (up to 2 s) until the watcher re-arms its timer, which it
      // does after every read, so virtual time never runs past a read still in flight.
      for (let i = 0; i < 400 && due.size === 0; i++) await new Promise((r) => setTimeout(r, 5));
    }
    clock.ms = end;
  }
  return { timers, advance };
}

async function setUp(world: FakeWorld, pageSize = 500) {
  const clock = { ms: T };
  world.now = () => new Date(clock.ms);
  h = await startHarness({ world });
  const store: Store = memoryStore();
  const changes: string[][] = [];
  const { timers, advance } = virtualTimers(clock);
  const client = h.client;
  // A restart makes a new watcher on the same database.
  const newWatcher = () =>
    createFollowerWatcher({
      ra: client,
      followers: store.followers,
      logger: silentLogger(),
      now: () => new Date(clock.ms),
      timers,
      pageSize,
      onPointsChanged: (ulids) => changes.push(ulids),
    });
  return { clock, store, changes, watcher: newWatcher(), newWatcher, advance, ra: h.ra };
}

describe('follower watcher', () => {
  it('reports a follower who appears after the first full pass once, as a change (they just followed)', async () => {
    const world = smallWorld();
    world.follow('Alice');
    const { watcher, advance, changes } = await setUp(world);
    watcher.start();
    await advance(0);
    expect(changes).toEqual([]); // the first pass: everyone is new, nobody is a change
    world.follow('Bob');
    await advance(15_000);
    expect(changes).toEqual([[world.user('Bob').ulid]]);
    await advance(15_000);
    expect(changes).toHaveLength(1); // not again on the next read
    watcher.stop();
  });

  it('reads page 1 every 10 s at 1 request/s and reports whose points changed', async () => {
    const world = smallWorld();
    world.follow('Alice');
    world.follow('Bob');
    const { watcher, advance, changes, ra, store } = await setUp(world);
    expect(watcher.isFollower(world.user('Alice').ulid)).toBeNull();
    watcher.start();
    await advance(0);
    expect(ra.requests.count('GetUsersFollowingMe')).toBe(1);
    expect(watcher.isFollower(world.user('Alice').ulid)).toBe(true);
    expect(watcher.count).toBe(2);
    expect(
      store.followers
        .all()
        .map((f) => f.displayName)
        .sort(),
    ).toEqual(['Alice', 'Bob']);

    world.unlock('Bob', 106, { hardcore: true });
    await advance(9_000);
    expect(changes).toEqual([]);
    await advance(1_000);
    expect(ra.requests.count('GetUsersFollowingMe')).toBe(2);
    expect(changes).toEqual([[world.user('Bob').ulid]]);

    await advance(10_000 * 4);
    expect(ra.requests.count('GetUsersFollowingMe')).toBe(6);
    expect(changes).toHaveLength(1); // nothing moved since
    await watcher.stop();
    await advance(60_000);
    expect(ra.requests.count('GetUsersFollowingMe')).toBe(6);
  });

  it('sees a change only once RA’s points totals show it (pointsLagMs)', async () => {
    const world = smallWorld();
    world.follow('Alice');
    world.pointsLagMs = 20_000;
    const { watcher, advance, changes } = await setUp(world);
    watcher.start();
    await advance(0);
    world.unlock('Alice', 104);
    await advance(15_000);
    expect(changes).toEqual([]);
    await advance(15_000);
    expect(changes).toEqual([[world.user('Alice').ulid]]);
    await watcher.stop();
  });

  it('reports a follower whose points went down (a reset, a demoted achievement) as a change', async () => {
    const world = smallWorld();
    world.follow('Alice');
    world.follow('Bob');
    world.unlock('Alice', 104, { hardcore: true });
    world.unlock('Bob', 105);
    const { watcher, advance, changes } = await setUp(world);
    watcher.start();
    await advance(0);
    world.user('Alice').totalPoints -= 5; // hardcore points down
    await advance(15_000);
    world.user('Bob').totalSoftcorePoints -= 1; // softcore points down
    await advance(15_000);
    expect(changes).toEqual([[world.user('Alice').ulid], [world.user('Bob').ulid]]);
    await watcher.stop();
  });

  it('reads all pages at start, then the other pages one at a time, less often', async () => {
    const world = smallWorld();
    for (const name of ['Cara', 'Dan', 'Eve']) world.addUser({ username: name });
    for (const name of ['Alice', 'Bob', 'Cara', 'Dan', 'Eve']) world.follow(name);
    const { watcher, advance, ra } = await setUp(world, 2);
    watcher.start();
    await advance(0);
    expect(ra.requests.of('GetUsersFollowingMe').map((r) => r.params.o)).toEqual(['0', '2', '4']);
    expect(watcher.count).toBe(5);
    expect(watcher.isFollower(world.user('Eve').ulid)).toBe(true);
    ra.requests.clear();
    await advance(40_000);
    // page 1 at 10, 20, 30, 40 s; page 2 at 40 s
    expect(ra.requests.of('GetUsersFollowingMe').map((r) => r.params.o)).toEqual(['0', '0', '0', '0', '2']);
    await advance(40_000);
    expect(
      ra.requests
        .of('GetUsersFollowingMe')
        .filter((r) => r.params.o !== '0')
        .map((r) => r.params.o),
    ).toEqual(['2', '4']);
    await watcher.stop();
  });

  it('forgets a user who unfollowed, and says false for a user who never followed', async () => {
    const world = smallWorld();
    world.addUser({ username: 'Cara' });
    world.follow('Alice');
    world.follow('Bob');
    const { watcher, advance } = await setUp(world);
    watcher.start();
    await advance(0);
    expect(watcher.isFollower(world.user('Cara').ulid)).toBe(false);
    world.unfollow('Bob');
    await advance(15_000);
    expect(watcher.isFollower(world.user('Bob').ulid)).toBe(false);
    expect(watcher.count).toBe(1);
    await watcher.stop();
  });

  it('after a restart, forgets a follower missing from one pass over several pages only after a second', async () => {
    const world = smallWorld();
    for (const name of ['Cara', 'Dan', 'Eve']) world.addUser({ username: name });
    for (const name of ['Alice', 'Bob', 'Cara', 'Dan', 'Eve']) world.follow(name);
    const { watcher, newWatcher, advance, ra } = await setUp(world, 2);
    watcher.start();
    await advance(0);
    await watcher.stop();
    await advance(10 * 60_000); // down for 10 minutes
    // Restarted. The last page's follower became active while the first pass was under way: they
    // moved to page 1 after it was read, so this pass doesn't list them.
    const moved: string[] = [];
    ra.faults.add(
      'GetUsersFollowingMe',
      {
        type: 'edit',
        edit: (body) => {
          const list = body as { Results: { ULID: string }[] };
          moved.push(...list.Results.map((r) => r.ULID));
          list.Results = [];
          return list;
        },
      },
      1,
      { o: '4' },
    );
    const restarted = newWatcher();
    restarted.start();
    await advance(0);
    expect(moved).toHaveLength(1);
    expect(restarted.isFollower(moved[0]!)).toBe(true);
    // They really unfollow: gone once two whole passes missed them.
    world.unfollow(world.followers().find((f) => f.user.ulid === moved[0])!.user.displayName);
    await advance(2 * 60_000);
    expect(restarted.isFollower(moved[0]!)).toBe(false);
    await restarted.stop();
  });

  it('keeps going when a read fails, and logs it once per failure streak', async () => {
    const world = smallWorld();
    world.follow('Alice');
    const lines: string[] = [];
    const clock = { ms: T };
    world.now = () => new Date(clock.ms);
    const ra = await startFakeRa({ apiKey: 'k', world });
    const { createRaClient } = await import('../../src/ra/client.js');
    const { createLogger } = await import('../../src/log.js');
    const logger = createLogger({ level: 'info', destination: { write: (l) => lines.push(l) } });
    const client = createRaClient({
      apiUrl: ra.url,
      apiKey: 'k',
      requestsPerSecond: 1000,
      maxRetries: 0,
      logger,
    });
    const { timers, advance } = virtualTimers(clock);
    const watcher = createFollowerWatcher({
      ra: client,
      followers: memoryStore().followers,
      logger,
      now: () => new Date(clock.ms),
      timers,
    });
    ra.faults.add('GetUsersFollowingMe', { type: 'status', status: 503 }, 3);
    watcher.start();
    await advance(45_000);
    expect(lines.filter((l) => l.includes('could not read the followers list'))).toHaveLength(1);
    expect(watcher.isFollower(world.user('Alice').ulid)).toBe(true);
    await watcher.stop();
    await client.close();
    await ra.close();
  });

  it('scales its read periods with the RA rate', () => {
    expect(followerWatchIntervals(1)).toEqual({ firstPageEveryMs: 10_000, otherPagesEveryMs: 40_000 });
    expect(followerWatchIntervals(10).firstPageEveryMs).toBe(5_000);
    expect(followerWatchIntervals(0.5).firstPageEveryMs).toBe(20_000);
  });
});

describe('who was active between two reads of page 1 (a 0-point unlock moves no points)', () => {
  it('names those listed above someone who was above them, or new above such a one', () => {
    expect(risenSince(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])).toEqual([]);
    expect(risenSince(['a', 'b', 'c', 'd'], ['c', 'a', 'b', 'd'])).toEqual(['c']);
    expect(risenSince(['a', 'b', 'c', 'd'], ['x', 'd', 'a', 'b', 'c'])).toEqual(['x', 'd']);
    // The top user active again too: both above those they had been below or level with.
    expect(risenSince(['a', 'b', 'c'], ['c', 'a', 'b'])).toEqual(['c']);
    // New at the bottom (moved up a page as others left): not active.
    expect(risenSince(['a', 'b', 'c'], ['a', 'b', 'c', 'z'])).toEqual([]);
  });

  it("reports a follower's 0-point unlock as activity, though no points moved", async () => {
    const world = smallWorld();
    world.addGame({
      id: 3,
      title: 'Zero',
      achievements: [
        { id: 301, points: 0 },
        { id: 302, points: 0 },
      ],
    });
    world.addUser({ username: 'Cara' });
    for (const name of ['Alice', 'Bob', 'Cara']) world.follow(name);
    const clock = { ms: T };
    world.now = () => new Date(clock.ms);
    world.visit('Cara', new Date(T - 3_000));
    world.visit('Bob', new Date(T - 2_000));
    world.visit('Alice', new Date(T - 1_000));
    h = await startHarness({ world });
    const store: Store = memoryStore();
    const { timers, advance } = virtualTimers(clock);
    const active: string[][] = [];
    const changes: string[][] = [];
    const watcher = createFollowerWatcher({
      ra: h.client,
      followers: store.followers,
      logger: silentLogger(),
      now: () => new Date(clock.ms),
      timers,
      onPointsChanged: (ulids) => changes.push(ulids),
      onActive: (ulids) => active.push(ulids),
    });
    watcher.start();
    await advance(0);
    // The first read can't tell: everyone on page 1 may have been active.
    expect(active).toHaveLength(1);
    expect(watcher.watching()).toBe(true);
    active.length = 0;
    await advance(10_000);
    expect(active).toEqual([]);
    clock.ms += 1;
    world.unlock('Cara', 301, { hardcore: true });
    await advance(10_000);
    expect(changes).toEqual([]);
    expect(active).toEqual([[world.user('Cara').ulid]]);
    await watcher.stop();
  });
});

describe('followers table', () => {
  const A = '01HZZZZZZZ00000000000A11CE';
  const B = '01HZZZZZZZ0000000000000B0B';
  const row = (ulid: string, hardcorePoints: number, softcorePoints = 0) => ({
    ulid,
    displayName: ulid === A ? 'Alice' : 'Bob',
    hardcorePoints,
    softcorePoints,
  });

  it('reports a change of hardcore or softcore points, never a first sighting', () => {
    const store = memoryStore();
    expect(store.followers.record([row(A, 10), row(B, 0)], T)).toEqual([]);
    expect(store.followers.record([row(A, 10), row(B, 0, 5)], T + 1)).toEqual([B]);
    expect(store.followers.record([row(A, 15), row(B, 0, 5)], T + 2)).toEqual([A]);
    const stored = store.followers.all();
    expect(stored.find((f) => f.ulid === A)).toMatchObject({
      hardcorePoints: 15,
      pointsChangedAt: T + 2,
      lastSeenAt: T + 2,
    });
    expect(stored.find((f) => f.ulid === B)).toMatchObject({ softcorePoints: 5, pointsChangedAt: T + 1 });
  });

  it('forgets followers unseen since a time, and counts tracked followers per server', () => {
    const store = memoryStore();
    store.followers.record([row(A, 1)], T);
    store.followers.record([row(B, 1)], T + 10);
    for (const [guildId, ulid] of [
      ['g1', A],
      ['g1', B],
      ['g2', B],
    ] as const) {
      store.trackUser({ guildId, ulid, displayName: 'x', userPic: '', addedBy: 'admin', now: T });
    }
    expect(store.followers.countTrackedFollowers()).toBe(2);
    expect(store.followers.countTrackedFollowers('g2')).toBe(1);
    expect(store.followers.trackedFollowersIn('g1')).toEqual(new Set([A, B]));
    expect(store.followers.forgetUnseenSince(T + 5)).toBe(1);
    expect(store.followers.countTrackedFollowers()).toBe(1);
    expect(store.followers.trackedFollowersIn('g1')).toEqual(new Set([B]));
  });
});

describe('follower watcher: searching for one account (the /link proof)', () => {
  /** 100 followers, 10 a page; Scott last listed around position 30. */
  async function hundredFollowers() {
    const world = smallWorld();
    world.addUser({ username: 'Scott' });
    for (let i = 0; i < 100; i++) {
      world.addUser({ username: `Fan${i}` });
      world.follow(`Fan${i}`);
    }
    const s = await setUp(world, 10);
    s.clock.ms += 1;
    for (let i = 0; i < 30; i++) world.visit(`Fan${i}`);
    s.clock.ms += 1;
    world.follow('Scott');
    world.visit('Scott');
    s.clock.ms += 1;
    for (let i = 30; i < 60; i++) world.visit(`Fan${i}`);
    // The first pass (all pages) lists Scott at position 30.
    while (s.watcher.count === null) {
      s.clock.ms = Math.max(s.clock.ms, s.watcher.nextDueAt());
      await s.watcher.step();
    }
    return { world, ...s, scott: world.user('Scott').ulid };
  }

  /** Runs every read due until `done()` or `limitMs`; returns the offsets read. */
  async function run(s: Awaited<ReturnType<typeof hundredFollowers>>, limitMs: number, done = () => false) {
    s.ra.requests.clear();
    const end = s.clock.ms + limitMs;
    while (!done() && s.watcher.nextDueAt() <= end) {
      s.clock.ms = Math.max(s.clock.ms, s.watcher.nextDueAt());
      await s.watcher.step();
    }
    return s.ra.requests.of('GetUsersFollowingMe').map((r) => Number(r.params.o));
  }

  it('ends a search at the first read that lists the account, read where it was last listed', async () => {
    const s = await hundredFollowers();
    const start = s.clock.ms;
    s.watcher.search(s.scott, 'absence');
    const offsets = await run(s, 2_000, () => (s.watcher.observe(s.scott).listedAt ?? 0) > start);
    expect(offsets).toEqual([25]); // half a page above position 30
    expect(s.watcher.observe(s.scott).absentAt).toBeNull();
  });

  it('says absent only after reading from where it was last listed to the end, then page 1', async () => {
    const s = await hundredFollowers();
    s.world.unfollow('Scott');
    const start = s.clock.ms;
    s.watcher.search(s.scott, 'absence');
    const offsets = await run(s, 30_000, () => s.watcher.observe(s.scott).absentAt !== null);
    // Windows of 10 overlapping by 2 from 25 down to the end (100 rows), then page 1.
    expect(offsets).toEqual([25, 33, 41, 49, 57, 65, 73, 81, 89, 97, 0]);
    expect(s.watcher.observe(s.scott).absentAt).toBeGreaterThanOrEqual(start);
  });

  it('never says absent for an account that still follows but drifted far down the list since', async () => {
    const s = await hundredFollowers();
    // 40 who were below Scott are active after his last listing: he is now at 70, pages below.
    s.clock.ms += 1;
    for (let i = 60; i < 100; i++) s.world.visit(`Fan${i}`);
    const start = s.clock.ms;
    s.watcher.search(s.scott, 'absence');
    await run(s, 60_000);
    expect(s.watcher.observe(s.scott).absentAt).toBeNull();
    expect(s.watcher.observe(s.scott).listedAt).toBeGreaterThanOrEqual(start);
    s.watcher.stopSearch(s.scott);
  });

  it('finds an account that became active during a search by reading page 1 last', async () => {
    const s = await hundredFollowers();
    s.watcher.search(s.scott, 'absence');
    // The search starts at 25; Scott moves to the top (above the search) before it reads him.
    s.clock.ms = Math.max(s.clock.ms, s.watcher.nextDueAt());
    s.clock.ms += 1;
    s.world.visit('Scott');
    for (let i = 0; i < 40; i++) s.world.visit(`Fan${99 - i}`); // and 40 below him move up too
    await run(s, 30_000);
    expect(s.watcher.observe(s.scott).absentAt).toBeNull();
    s.watcher.stopSearch(s.scott);
  });
});

describe('the list the bot follows (API_GetUsersIFollow) and the shared budget', () => {
  it('splits the read budget by the tracked users in each list, each list keeping 1/8 to 7/8', () => {
    expect(followersShare(30, 10)).toBe(0.75);
    expect(followersShare(0, 0)).toBe(7 / 8); // nobody tracked yet: members join the followers list
    expect(followersShare(100, 0)).toBe(7 / 8);
    expect(followersShare(0, 100)).toBe(1 / 8);
  });

  it('reads the list the bot follows at its share of the budget, and names rows without ULID by the names it knows', async () => {
    const world = smallWorld();
    world.botFollow('Alice');
    world.botFollow('Bob');
    const clock = { ms: T };
    world.now = () => new Date(clock.ms);
    h = await startHarness({ world });
    h.ra.compat.followingWithoutUlid = true;
    const store: Store = memoryStore();
    // The bot knows Alice (tracked), not Bob: only Alice can be watched from a ULID-less row.
    store.trackUser({
      guildId: 'g1',
      ulid: world.user('Alice').ulid,
      displayName: 'Alice',
      userPic: '/UserPic/Alice.png',
      addedBy: 'u',
      now: T,
    });
    const { timers, advance } = virtualTimers(clock);
    const watcher = createFollowerWatcher({
      ra: h.client,
      list: 'following',
      followers: store.following,
      logger: silentLogger(),
      now: () => new Date(clock.ms),
      timers,
      share: () => 0.25,
    });
    watcher.start();
    await advance(0);
    expect(watcher.isFollower(world.user('Alice').ulid)).toBe(true);
    expect(store.following.all().map((f) => f.displayName)).toEqual(['Alice']);
    h.ra.requests.clear();
    await advance(120_000);
    // A quarter of the budget: page 1 every 40 s instead of 10 s.
    expect(h.ra.requests.count('GetUsersIFollow')).toBe(3);
    expect(h.ra.requests.count('GetUsersFollowingMe')).toBe(0);
    await watcher.stop();
  });

  it('reads page 1 of each list holding tracked users at the full rate, however the users split', () => {
    // 2,500 tracked followers, 1,000 users followed by the bot: both page 1s every 10 s.
    expect(firstPageShare(2_500, 1_000, 'followers')).toBe(1);
    expect(firstPageShare(1_000, 2_500, 'following')).toBe(1);
    expect(firstPageShare(1, 5_000, 'following')).toBe(1);
    // A list without tracked users: 8 times less often (the followers list keeps the full rate
    // while neither list holds anyone: members join it by themselves).
    expect(firstPageShare(0, 1_000, 'followers')).toBe(1 / 8);
    expect(firstPageShare(0, 1_000, 'following')).toBe(1 / 8);
    expect(firstPageShare(0, 0, 'followers')).toBe(1);
    expect(firstPageShare(0, 0, 'following')).toBe(1 / 8);
  });

  it('reads page 1 at its page-1 share and the other pages at their share', async () => {
    const world = smallWorld();
    for (const name of ['Cara', 'Dan']) world.addUser({ username: name });
    for (const name of ['Alice', 'Bob', 'Cara', 'Dan']) world.botFollow(name);
    const clock = { ms: T };
    world.now = () => new Date(clock.ms);
    h = await startHarness({ world });
    const store: Store = memoryStore();
    const { timers, advance } = virtualTimers(clock);
    const watcher = createFollowerWatcher({
      ra: h.client,
      list: 'following',
      followers: store.following,
      logger: silentLogger(),
      now: () => new Date(clock.ms),
      timers,
      pageSize: 2,
      share: () => 0.25,
      firstShare: () => 1,
    });
    watcher.start();
    await advance(0);
    h.ra.requests.clear();
    await advance(160_000);
    const offsets = h.ra.requests.of('GetUsersIFollow').map((r) => r.params.o);
    // Page 1 every 10 s (16 reads); page 2 every 160 s (40 s at a quarter).
    expect(offsets.filter((o) => o === '0')).toHaveLength(16);
    expect(offsets.filter((o) => o !== '0')).toEqual(['2']);
    await watcher.stop();
  });
});
