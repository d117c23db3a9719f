import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxInput } from '../../src/domain/announcements.js';
import type { GameProgress } from '../../src/ra/types.js';
import type { Store } from '../../src/store/index.js';
import { detectGameChanges, planFanOut } from '../../src/tracking/detect.js';
import { type AchievementSpec, at, game, USER } from '../tracking/fixtures.js';
import { memoryStore, track } from './helpers.js';

const GAME = 1446;
let store: Store;
beforeEach(() => {
  store = memoryStore();
});
afterEach(() => store.close());

/** One poll of one game, the way the poller does it. */
function poll(
  current: GameProgress,
  now = at(60),
  subscriptions = store.listPollTargets()[0]?.subscriptions ?? [],
) {
  const detection = detectGameChanges(store.getGameState(USER.ulid, current.id), current, now);
  const rows = planFanOut({ detection, user: USER, game: current, subscriptions });
  return {
    detection,
    rows,
    result: store.applyGameDetection({ ulid: USER.ulid, gameId: current.id, detection, rows, now }),
  };
}

const count = (table: string) =>
  (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const sixHard: AchievementSpec[] = [1, 2, 3, 4, 5, 6].map((id) => ({ id, hard: id }));

describe('getGameState', () => {
  it('is null for a game never stored, and for a user nobody tracks', () => {
    track(store, 'g1');
    expect(store.getGameState(USER.ulid, GAME)).toBeNull();
    expect(store.getGameState('01J0ZZZZZZZZZZZZZZZZZZZZZZ', GAME)).toBeNull();
  });

  it('round-trips the earned set (times in ms) and the award after a detection is applied', () => {
    track(store, 'g1');
    const current = game([{ id: 1, hard: 2 }, { id: 2, soft: 3 }, { id: 3 }], {
      kind: 'beaten-softcore',
      at: 4,
    });
    poll(current);
    expect(store.getGameState(USER.ulid, GAME)).toEqual({
      earned: new Map([
        [1, { softcoreAt: at(2).getTime(), hardcoreAt: at(2).getTime() }],
        [2, { softcoreAt: at(3).getTime(), hardcoreAt: null }],
      ]),
      highestAward: 'beaten-softcore',
      highestAwardAt: at(4).getTime(),
    });
  });

  it('remembers a game with nothing earned, so it is no longer "never stored"', () => {
    track(store, 'g1');
    poll(game([{ id: 1 }]));
    expect(store.getGameState(USER.ulid, GAME)).toEqual({
      earned: new Map(),
      highestAward: null,
      highestAwardAt: null,
    });
  });
});

describe('applyGameDetection', () => {
  it('writes only the changed earned rows', () => {
    track(store, 'g1');
    expect(poll(game([{ id: 1, soft: 1 }, { id: 2, soft: 2 }, { id: 3 }])).result).toMatchObject({
      earnedUpserted: 2,
      earnedDeleted: 0,
    });
    expect(poll(game([{ id: 1, soft: 1 }, { id: 2, soft: 2 }, { id: 3 }])).result).toMatchObject({
      earnedUpserted: 0,
      earnedDeleted: 0,
    });
    // 1 upgraded, 2 reset, 3 new.
    expect(poll(game([{ id: 1, soft: 1, hard: 5 }, { id: 2 }, { id: 3, soft: 6 }])).result).toMatchObject({
      earnedUpserted: 2,
      earnedDeleted: 1,
    });
    expect([...(store.getGameState(USER.ulid, GAME)?.earned.keys() ?? [])].sort()).toEqual([1, 3]);
  });

  it('announces nothing earned before tracking, then the next unlock, in the same transaction as the state', () => {
    track(store, 'g1', { now: at(0), channelId: 'c1' });
    const first = poll(game([{ id: 1, hard: -300 }, { id: 2 }], { kind: null }), at(5));
    expect(first.result.outboxIds).toEqual([]);

    const second = poll(
      game([
        { id: 1, hard: -300 },
        { id: 2, soft: 10 },
      ]),
      at(15),
    );
    expect(second.result.outboxIds).toHaveLength(1);
    const [row] = store.claimDueOutbox(at(15), 10);
    expect(row).toMatchObject({
      guildId: 'g1',
      channelId: 'c1',
      ulid: USER.ulid,
      kind: 'unlock',
      attempts: 0,
    });
    expect(JSON.parse(row?.payload ?? '')).toEqual(second.rows[0]?.payload);
  });

  it('leaves the earned set, game state and outbox untouched when an outbox insert fails', () => {
    const collide = memoryStore({ nonce: () => 'same-nonce-every-time' });
    store.close();
    store = collide;
    track(store, 'g1', { channelId: 'c1' });
    track(store, 'g2', { channelId: 'c2' });
    poll(game([{ id: 1, soft: -10 }, { id: 2 }])); // earned before tracking: no rows
    const before = store.getGameState(USER.ulid, GAME);

    // Two rows (one per guild) with the same nonce: the second violates UNIQUE(nonce).
    expect(() =>
      poll(
        game([
          { id: 1, soft: -10, hard: 9 },
          { id: 2, soft: 9 },
        ]),
      ),
    ).toThrow(/UNIQUE/);
    expect(store.getGameState(USER.ulid, GAME)).toEqual(before);
    expect(count('outbox')).toBe(0);
  });

  it('rolls back on a row that breaks a constraint (no channel)', () => {
    track(store, 'g1');
    const current = game([{ id: 1, soft: 1 }]);
    const detection = detectGameChanges(null, current, at(5));
    const bad = { guildId: 'g1', channelId: null, payload: {} } as unknown as OutboxInput;
    expect(() =>
      store.applyGameDetection({ ulid: USER.ulid, gameId: GAME, detection, rows: [bad], now: at(5) }),
    ).toThrow();
    expect(store.getGameState(USER.ulid, GAME)).toBeNull();
    expect(count('earned')).toBe(0);
  });

  it('writes nothing for a user untracked while RA was being asked', () => {
    track(store, 'g1', { channelId: 'c1' });
    const subscriptions = store.listPollTargets()[0]?.subscriptions;
    store.untrackUser('g1', USER.ulid);
    const { result } = poll(game([{ id: 1, soft: 10 }]), at(60), subscriptions);
    expect(result).toEqual({ applied: false, outboxIds: [], earnedUpserted: 0, earnedDeleted: 0 });
    expect(count('earned') + count('game_state') + count('outbox')).toBe(0);
  });

  it('drops rows for a guild that stopped tracking mid-poll but keeps the other guild’s', () => {
    track(store, 'g1', { channelId: 'c1' });
    track(store, 'g2', { channelId: 'c2' });
    const subscriptions = store.listPollTargets()[0]?.subscriptions;
    store.untrackUser('g1', USER.ulid);
    const { result } = poll(game([{ id: 1, soft: 10 }]), at(60), subscriptions);
    expect(result.outboxIds).toHaveLength(1);
    expect(store.claimDueOutbox(at(60), 10).map((r) => r.guildId)).toEqual(['g2']);
  });
});

describe('award rechecks', () => {
  it('marks a game whose award looks pending for the next 3 polls, counting down on quiet rechecks', () => {
    track(store, 'g1');
    poll(game(sixHard.map((a) => (a.id === 6 ? { id: 6 } : a))));
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([]);

    poll(game(sixHard)); // last unlock: mastery expected, RA says nothing yet
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([GAME]);
    poll(game(sixHard));
    poll(game(sixHard));
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([GAME]);
    poll(game(sixHard));
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([]);
  });

  it('stops rechecking once RA reports the award, and queues the award', () => {
    track(store, 'g1', { now: at(0), channelId: 'c1' });
    poll(game(sixHard), at(10));
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([GAME]);
    const { result } = poll(game(sixHard, { kind: 'mastered', at: 11 }), at(15));
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([]);
    expect(result.outboxIds).toHaveLength(1);
    expect(store.getGameState(USER.ulid, GAME)?.highestAward).toBe('mastered');
  });

  it('honours a configured number of recheck polls', () => {
    store.close();
    store = memoryStore({ recheckPolls: 1 });
    track(store, 'g1');
    poll(game(sixHard));
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([GAME]);
    poll(game(sixHard));
    expect(store.gamesNeedingRecheck(USER.ulid)).toEqual([]);
  });
});

describe('untrack cleanup', () => {
  it('deletes the user’s progress and poll state when the last guild untracks, so re-tracking starts clean', () => {
    track(store, 'g1', { channelId: 'c1' });
    track(store, 'g2', { channelId: 'c2' });
    poll(
      game([
        { id: 1, soft: 10 },
        { id: 2, soft: 11 },
      ]),
    );
    store.recordPollSuccess(USER.ulid, at(60));

    store.untrackUser('g1', USER.ulid);
    expect(count('earned')).toBe(2);
    store.untrackUser('g2', USER.ulid);
    expect(count('earned') + count('game_state') + count('ra_users')).toBe(0);
    expect(store.getPollState(USER.ulid)).toBeNull();

    track(store, 'g1', { now: at(100) });
    expect(store.getGameState(USER.ulid, GAME)).toBeNull();
    expect(store.listPollTargets()[0]?.lastSuccessAt).toBeNull();
  });

  it('drops only the untracking guild’s pending announcements', () => {
    track(store, 'g1', { channelId: 'c1' });
    track(store, 'g2', { channelId: 'c2' });
    poll(game([{ id: 1, soft: 10 }]));
    store.untrackUser('g1', USER.ulid);
    expect(store.outboxStatus('g1').pending).toBe(0);
    expect(store.outboxStatus('g2').pending).toBe(1);
  });

  it('keeps another user’s progress', () => {
    track(store, 'g1');
    track(store, 'g1', { ulid: '01J0BBBBBBBBBBBBBBBBBBBBBB', displayName: 'Knuckles' });
    const current = game([{ id: 1, soft: 1 }]);
    const detection = detectGameChanges(null, current, at(5));
    store.applyGameDetection({
      ulid: '01J0BBBBBBBBBBBBBBBBBBBBBB',
      gameId: GAME,
      detection,
      rows: [],
      now: at(5),
    });
    store.untrackUser('g1', USER.ulid);
    expect(store.getGameState('01J0BBBBBBBBBBBBBBBBBBBBBB', GAME)?.earned.size).toBe(1);
  });
});

describe('subscriptions feed the fan-out', () => {
  it('sends each guild its rows in its own channel, filtered by its own trackedSince and toggles', () => {
    store.updateGuildSettings('g2', { defaultChannelId: 'g2-default', announceSoftcore: false }, at(0));
    track(store, 'g1', { now: at(0), channelId: 'g1-own' });
    track(store, 'g2', { now: at(20) });
    poll(game([{ id: 1 }, { id: 2 }, { id: 3 }]), at(1));
    poll(
      game([
        { id: 1, soft: 10 },
        { id: 2, hard: 30 },
        { id: 3, soft: 31 },
      ]),
      at(40),
    );
    const rows = store.claimDueOutbox(at(40), 10);
    expect(rows.map((r) => `${r.guildId}:${r.channelId}:${JSON.parse(r.payload).achievement.id}`)).toEqual([
      'g1:g1-own:1',
      'g1:g1-own:2',
      'g1:g1-own:3',
      'g2:g2-default:2',
    ]);
  });
});
