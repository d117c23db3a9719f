/**
 * The poller against a real (in-memory) store and a scripted RA client: the activity window,
 * the award feed, per-game failures and subscriptions read at write time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAnnouncementPayload } from '../../src/domain/announcements.js';
import { silentLogger } from '../../src/log.js';
import type { RaClient } from '../../src/ra/client.js';
import { RaMalformedResponseError, RaNotFoundError, RaUnavailableError } from '../../src/ra/errors.js';
import type { GameAwardEvent, GameProgress, UnlockEvent } from '../../src/ra/types.js';
import type { Store } from '../../src/store/index.js';
import {
  AWARDS_FEED_MAX_PAGES,
  AWARDS_FEED_META_KEY,
  activityWindowStart,
  createPoller,
  LATE_UNLOCK_LOOKBACK_MS,
  WINDOW_MARGIN_MS,
} from '../../src/tracking/poller.js';
import { memoryStore, OTHER_USER, track } from '../store/helpers.js';
import { type AchievementSpec, at, game, USER } from './fixtures.js';

const HOUR = 60 * 60_000;

interface Script {
  recent: UnlockEvent[];
  between: UnlockEvent[];
  progress: (gameId: number) => Promise<GameProgress> | GameProgress;
  feed: GameAwardEvent[];
  feedError: Error | null;
}

interface Calls {
  recentMinutes: number[];
  between: Array<{ from: Date; to: Date }>;
  progress: number[];
  feed: Array<{ offset: number; count: number }>;
  profiles: number;
}

let store: Store;
let script: Script;
let calls: Calls;
let clock: Date;

function raStub(): RaClient {
  return {
    runInBackground: (work) => work(),
    runAsMember: (_member, work) => work(),
    getUserSummary: () => Promise.reject(new Error('the poller never asks for a summary')),
    getUserAwards: () => Promise.reject(new Error('the poller never asks for awards')),
    clockSkewMs: () => null,
    raNow: (local) => local,
    async getUserProfile(user) {
      calls.profiles++;
      return {
        user: USER.displayName,
        ulid: user,
        userPic: USER.userPic,
      } as Awaited<ReturnType<RaClient['getUserProfile']>>;
    },
    async getGameInfoAndUserProgress(_user, gameId) {
      calls.progress.push(gameId);
      return script.progress(gameId);
    },
    async getUserRecentAchievements(_user, minutes) {
      calls.recentMinutes.push(minutes);
      return script.recent;
    },
    async getAchievementsEarnedBetween(_user, from, to) {
      calls.between.push({ from, to });
      return script.between;
    },
    async getUserRecentlyPlayedGames() {
      return [];
    },
    async getRecentGameAwards(options = {}) {
      return (await this.getRecentGameAwardsPage(options)).events;
    },
    async getRecentGameAwardsPage(options = {}) {
      const offset = options.offset ?? 0;
      const count = options.count ?? 25;
      calls.feed.push({ offset, count });
      if (script.feedError) throw script.feedError;
      return { events: script.feed.slice(offset, offset + count), total: script.feed.length };
    },
    async getUsersFollowingMe() {
      return { followers: [], total: 0 };
    },
    async getUsersIFollow() {
      return { followed: [], total: 0 };
    },
    async getAchievementOfTheWeek() {
      return null;
    },
    async close() {},
    stats: () => ({ requests: 0, byEndpoint: {}, retries: 0 }),
  };
}

function poller() {
  return createPoller({
    store,
    ra: raStub(),
    logger: silentLogger(),
    now: () => clock,
    collapseThreshold: 3,
  });
}

function unlockEvent(gameId: number, achievementId: number, minutes: number, hardcore = true): UnlockEvent {
  return {
    date: at(minutes),
    hardcore,
    achievementId,
    title: `A${achievementId}`,
    description: '',
    badgeName: '00001',
    points: 5,
    retroPoints: 10,
    type: null,
    gameId,
    gameTitle: `Game ${gameId}`,
    gameIcon: '/Images/000001.png',
    consoleName: 'Mega Drive',
  };
}

function awardRow(
  ulid: string,
  gameId: number,
  minutes: number,
  kind: GameAwardEvent['awardKind'] = 'mastered',
) {
  return {
    user: 'someone',
    ulid,
    awardKind: kind,
    awardDate: at(minutes),
    gameId,
    gameTitle: `Game ${gameId}`,
    consoleId: 1,
    consoleName: 'Mega Drive',
  } satisfies GameAwardEvent;
}

const outboxRows = () => store.claimDueOutbox(at(100_000), 1000);
const outboxSummary = () =>
  outboxRows().map((r) => {
    const payload = parseAnnouncementPayload(r.payload)!;
    return {
      guildId: r.guildId,
      ids:
        payload.kind === 'unlock'
          ? [payload.achievement.id]
          : payload.kind === 'unlock-bundle'
            ? payload.achievements.map((a) => a.id)
            : [payload.kind],
    };
  });

beforeEach(() => {
  store = memoryStore();
  script = {
    recent: [],
    between: [],
    progress: (id) => game([], { kind: null }, id),
    feed: [],
    feedError: null,
  };
  calls = { recentMinutes: [], between: [], progress: [], feed: [], profiles: 0 };
  clock = at(30);
});
afterEach(() => store.close());

describe('activityWindowStart', () => {
  const now = at(10_000).getTime();
  it('reaches back a day even right after a successful poll', () => {
    const start = activityWindowStart(
      { lastSuccessAt: now - 5 * 60_000, trackedSince: at(0).getTime() },
      now,
    );
    expect(start).toBe(now - LATE_UNLOCK_LOOKBACK_MS);
  });
  it('never reaches before tracking started (minus the margin)', () => {
    const trackedSince = now - HOUR;
    expect(activityWindowStart({ lastSuccessAt: now - 60_000, trackedSince }, now)).toBe(
      trackedSince - WINDOW_MARGIN_MS,
    );
    expect(activityWindowStart({ lastSuccessAt: null, trackedSince }, now)).toBe(
      trackedSince - WINDOW_MARGIN_MS,
    );
  });
  it('goes back to the last successful poll after a longer gap (downtime)', () => {
    const last = now - 30 * HOUR;
    expect(activityWindowStart({ lastSuccessAt: last, trackedSince: at(0).getTime() }, now)).toBe(
      last - WINDOW_MARGIN_MS,
    );
  });
});

describe('the activity check', () => {
  it('asks for a day of activity in one request and fetches no game already stored', async () => {
    track(store, 'g1', { channelId: 'c1', now: at(0) });
    clock = at(3000);
    store.recordPollSuccess(USER.ulid, at(2995));
    script.recent = [unlockEvent(1, 11, 10)];
    script.progress = (id) => game([{ id: 11, hard: 10 }], { kind: null }, id);
    const p = poller();
    await p.pollUser(store.listPollTargets()[0]!);
    expect(calls.recentMinutes).toEqual([24 * 60]);
    expect(outboxSummary()).toEqual([{ guildId: 'g1', ids: [11] }]);

    calls.progress = [];
    clock = at(3005);
    const again = await p.pollUser(store.listPollTargets()[0]!);
    expect(again).toMatchObject({ ok: true, active: false, gamesDiffed: 0 });
    expect(calls.progress).toEqual([]);
  });

  it('pages the newer rest of a capped window from its newest row', async () => {
    track(store, 'g1', { channelId: 'c1', now: at(0) });
    clock = at(600);
    // 500 rows (RA's cap), oldest 500 of the window; the newest kept is at minute 20.
    script.recent = Array.from({ length: 500 }, (_, i) => unlockEvent(1, 1000 + i, 20 - (i % 10)));
    script.between = [unlockEvent(2, 21, 20), unlockEvent(2, 22, 500)];
    script.progress = (id) =>
      id === 2
        ? game(
            [
              { id: 21, hard: 20 },
              { id: 22, hard: 500 },
            ],
            { kind: null },
            2,
          )
        : game([], { kind: null }, id);
    await poller().pollUser(store.listPollTargets()[0]!);
    expect(calls.between).toEqual([{ from: at(20), to: at(600) }]);
    expect(calls.progress.sort()).toEqual([1, 2]);
    expect(outboxSummary()).toEqual([
      { guildId: 'g1', ids: [21] },
      { guildId: 'g1', ids: [22] },
    ]);
  });
});

describe("the announced user's name", () => {
  function pollerWithList(listed: { displayName: string; seenAt: number } | null) {
    return createPoller({
      store,
      ra: raStub(),
      logger: silentLogger(),
      now: () => clock,
      collapseThreshold: 3,
      listedName: () => listed,
    });
  }

  it('reads no profile when a follow list gave the stored name lately, and one when it gave another', async () => {
    track(store, 'g1', { channelId: 'c1', now: at(0) });
    script.recent = [unlockEvent(1, 11, 20)];
    script.progress = (id) => game([{ id: 11, hard: 20 }, { id: 12 }], { kind: null }, id);
    await pollerWithList({ displayName: USER.displayName, seenAt: at(29).getTime() }).runCycle();
    expect(outboxSummary()).toEqual([{ guildId: 'g1', ids: [11] }]);
    expect(calls.profiles).toBe(0);

    // Two hours on, the list gives a new name: RA's profile is read for the name and picture.
    clock = at(150);
    script.recent = [unlockEvent(1, 12, 140)];
    script.progress = (id) =>
      game(
        [
          { id: 11, hard: 20 },
          { id: 12, hard: 140 },
        ],
        { kind: null },
        id,
      );
    await pollerWithList({ displayName: 'Renamed', seenAt: at(149).getTime() }).runCycle();
    expect(calls.profiles).toBe(1);
  });
});

describe('subscriptions are read when the diff is written', () => {
  function deferredProgress(specs: AchievementSpec[]) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => {
      asked = resolve;
    });
    script.progress = async (id) => {
      asked();
      await gate;
      return game(specs, { kind: null }, id);
    };
    return { release, wasAsked };
  }

  it('announces to a server that started tracking the user while RA was being asked', async () => {
    track(store, 'g1', { channelId: 'c1', now: at(0) });
    script.recent = [unlockEvent(1, 11, 20)];
    const { release, wasAsked } = deferredProgress([{ id: 11, hard: 20 }]);
    const polling = poller().runCycle();
    await wasAsked;
    track(store, 'g2', { channelId: 'c2', now: at(10) });
    release();
    const report = await polling;
    expect(outboxSummary()).toEqual([
      { guildId: 'g1', ids: [11] },
      { guildId: 'g2', ids: [11] },
    ]);
    expect(report.enqueued).toBe(2);
  });

  it('honours the new start of a server that removed and re-added the user mid-cycle', async () => {
    track(store, 'g1', { channelId: 'c1', now: at(0) });
    script.recent = [unlockEvent(1, 12, 25), unlockEvent(1, 11, 5)];
    const { release, wasAsked } = deferredProgress([
      { id: 11, hard: 5 },
      { id: 12, hard: 25 },
    ]);
    const polling = poller().runCycle();
    await wasAsked;
    store.untrackUser('g1', USER.ulid);
    track(store, 'g1', { channelId: 'c1', now: at(10) });
    release();
    const report = await polling;
    expect(outboxSummary()).toEqual([{ guildId: 'g1', ids: [12] }]);
    expect(report.enqueued).toBe(1);
  });

  it('writes nothing for a user nobody tracks any more', async () => {
    track(store, 'g1', { channelId: 'c1', now: at(0) });
    script.recent = [unlockEvent(1, 11, 20)];
    const { release, wasAsked } = deferredProgress([{ id: 11, hard: 20 }]);
    const polling = poller().runCycle();
    await wasAsked;
    store.untrackUser('g1', USER.ulid);
    release();
    expect((await polling).enqueued).toBe(0);
    expect(outboxRows()).toEqual([]);
  });
});

describe('a game RA fails on', () => {
  beforeEach(() => {
    track(store, 'g1', { channelId: 'c1', now: at(0) });
    script.recent = [unlockEvent(1, 11, 22), unlockEvent(2, 21, 21), unlockEvent(3, 31, 20)];
  });

  it('is skipped when the failure is about that game; the other games are announced', async () => {
    script.progress = (id) => {
      if (id === 1) throw new RaNotFoundError('game', '1');
      if (id === 2) throw new RaMalformedResponseError('GetGameInfoAndUserProgress: bad DateEarned');
      return game([{ id: 31, hard: 20 }], { kind: null }, id);
    };
    const result = await poller().pollUser(store.listPollTargets()[0]!);
    expect(result).toMatchObject({ ok: true, gamesDiffed: 3, enqueued: 1 });
    expect(outboxSummary()).toEqual([{ guildId: 'g1', ids: [31] }]);
    expect(store.getPollState(USER.ulid)).toMatchObject({
      lastSuccessAt: clock.getTime(),
      consecutiveFailures: 0,
    });
  });

  it.each([['the user gone', () => new RaNotFoundError('user', USER.ulid)]])(
    'fails the whole user (window kept) on %s',
    async (_name, error) => {
      script.progress = (id) => {
        if (id === 1) throw error();
        return game([], { kind: null }, id);
      };
      const earlier = at(10).getTime();
      store.recordPollSuccess(USER.ulid, earlier);
      const result = await poller().pollUser(store.listPollTargets()[0]!);
      expect(result.ok).toBe(false);
      // The window still starts at the last success, so the next cycle reads the same unlocks again.
      expect(store.getPollState(USER.ulid)).toMatchObject({ lastSuccessAt: earlier, consecutiveFailures: 1 });
    },
  );

  it('moves the window on past a game failing with 5xx, and retries that game alone with backoff', async () => {
    let failing = true;
    script.progress = (id) => {
      if (id === 1 && failing) throw new RaUnavailableError('GetGameInfoAndUserProgress: HTTP 503');
      return game(id === 1 ? [{ id: 11, hard: 22 }] : [], { kind: null }, id);
    };
    const p = poller();
    const first = await p.pollUser(store.listPollTargets()[0]!);
    expect(first.ok).toBe(true);
    expect(store.getPollState(USER.ulid)).toMatchObject({
      lastSuccessAt: clock.getTime(),
      consecutiveFailures: 0,
    });
    expect([...store.failingGames(USER.ulid).keys()]).toEqual([1]);

    // Within its backoff (5 min) the game is not asked again, even while its unlock is in the window.
    script.recent = [unlockEvent(1, 11, 22)];
    calls.progress = [];
    clock = new Date(clock.getTime() + 4 * 60_000);
    await p.pollUser(store.listPollTargets()[0]!);
    expect(calls.progress).toEqual([]);

    // Past it, the game alone is retried (even with nothing in the window), and its unlock announced once.
    script.recent = [];
    failing = false;
    clock = new Date(clock.getTime() + 2 * 60_000);
    await p.pollUser(store.listPollTargets()[0]!);
    expect(calls.progress).toEqual([1]);
    expect(outboxSummary()).toEqual([{ guildId: 'g1', ids: [11] }]);
    expect(store.failingGames(USER.ulid).size).toBe(0);
  });
});

describe('the award feed', () => {
  const masteredSix = (id: number) =>
    game(
      [1, 2, 3, 4, 5, 6].map((n) => ({ id: id * 10 + n, hard: -10 + n })), // before tracking
      { kind: 'mastered', at: 25 },
      id,
    );

  beforeEach(() => {
    track(store, 'g1', { channelId: 'c1', now: at(0) });
    track(store, 'g1', { ...OTHER_USER, channelId: 'c1', now: at(0) });
    script.progress = (id) => masteredSix(id);
    // Newest first, one a minute: a tracked user's award among strangers'.
    script.feed = Array.from({ length: 300 }, (_, i) =>
      awardRow(`01J0STRANGER${String(i).padStart(14, '0')}`, 99, 29 - i),
    );
    script.feed.splice(3, 0, awardRow(USER.ulid.toLowerCase(), 7, 25));
  });

  it('is read once per cycle for all users, back to the last read, and re-diffs the games it names', async () => {
    const report = await poller().runCycle();
    // First read: an hour back plus the margin -> rows down to minute -40 -> the first page does.
    expect(calls.feed).toEqual([{ offset: 0, count: 100 }]);
    expect(calls.progress).toEqual([7]);
    expect(outboxSummary()).toEqual([{ guildId: 'g1', ids: ['award'] }]);
    expect(report.enqueued).toBe(1);
    expect(store.getMeta(AWARDS_FEED_META_KEY)).toBe(String(clock.getTime()));
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([]);
  });

  it('skips awards already stored and awards older than tracking', async () => {
    script.feed = [awardRow(USER.ulid, 7, 25), awardRow(OTHER_USER.ulid, 8, -5)];
    const p = poller();
    await p.runCycle();
    expect(calls.progress).toEqual([7]);
    calls.progress = [];
    clock = at(40);
    await p.runCycle();
    expect(calls.feed).toHaveLength(2);
    expect(calls.progress).toEqual([]);
  });

  it('is not read again by a cycle right after the last read, nor when nobody is tracked', async () => {
    const p = poller();
    await p.runCycle();
    await p.runCycle();
    expect(calls.feed).toHaveLength(1);
    clock = at(31);
    store.untrackUser('g1', USER.ulid);
    store.untrackUser('g1', OTHER_USER.ulid);
    await p.runCycle();
    expect(calls.feed).toHaveLength(1);
  });

  it('stops paging at the page limit', async () => {
    script.feed = Array.from({ length: 2000 }, () => awardRow('01J0STRANGER00000000000000', 99, 29));
    await poller().runCycle();
    expect(calls.feed).toHaveLength(AWARDS_FEED_MAX_PAGES);
    expect(calls.feed.at(-1)).toEqual({ offset: (AWARDS_FEED_MAX_PAGES - 1) * 100, count: 100 });
  });

  it('does not fail the cycle when it fails, and is read from the same point next time', async () => {
    script.feedError = new RaUnavailableError('503');
    const p = poller();
    const report = await p.runCycle();
    expect(report.failedUsers).toBe(0);
    expect(store.getMeta(AWARDS_FEED_META_KEY)).toBeNull();
    script.feedError = null;
    clock = at(40);
    await p.runCycle();
    expect(outboxSummary()).toEqual([{ guildId: 'g1', ids: ['award'] }]);
  });
});
