/** What the poller's detection transaction stores for leaderboards, and how periods read it. */
import { describe, expect, it } from 'vitest';
import { detectGameChanges } from '../../src/tracking/detect.js';
import { at, game, USER } from '../tracking/fixtures.js';
import { memoryStore, track } from './helpers.js';

const DAY_MIN = 24 * 60;

function apply(store: ReturnType<typeof memoryStore>, progress: ReturnType<typeof game>, nowMin: number) {
  const detection = detectGameChanges(store.getGameState(USER.ulid, progress.id), progress, at(nowMin));
  store.applyGameDetection({
    ulid: USER.ulid,
    gameId: progress.id,
    detection,
    rows: [],
    now: at(nowMin),
    game: progress,
  });
}

describe('leaderboard facts', () => {
  it('counts hardcore points and unlocks (an upgrade once) from tracking on, within the period', () => {
    const store = memoryStore();
    track(store, 'g1', { now: at(0) });
    // 1: before tracking (not counted); 2: softcore then upgraded; 3: hardcore, 10 points.
    apply(
      store,
      game([
        { id: 1, hard: -60 },
        { id: 2, soft: 10 },
        { id: 3, hard: 20, points: 10 },
      ]),
      30,
    );
    apply(
      store,
      game([
        { id: 1, hard: -60 },
        { id: 2, soft: 10, hard: 40 },
        { id: 3, hard: 20, points: 10 },
      ]),
      50,
    );
    const [entry] = store.leaderboard.period('g1', at(-DAY_MIN), at(60));
    expect(entry).toMatchObject({ points: 15, unlocks: 2 });
    // A window that ends before the upgrade sees only the hardcore unlock's points.
    expect(store.leaderboard.period('g1', at(-DAY_MIN), at(30))[0]).toMatchObject({ points: 10, unlocks: 2 });
  });

  it('records award dates, and prunes the unlock log after 35 days without touching earned', () => {
    const store = memoryStore();
    track(store, 'g1', { now: at(0) });
    apply(store, game([{ id: 1, hard: 10 }], { kind: 'mastered', at: 10 }), 20);
    expect(store.leaderboard.period('g1', at(0), at(30))[0]).toMatchObject({ masteries: 1, unlocks: 1 });
    expect(store.leaderboard.pruneUnlockLog(at(36 * DAY_MIN))).toBe(2);
    expect(store.leaderboard.period('g1', at(0), at(30))[0]).toMatchObject({ masteries: 1, unlocks: 0 });
    expect(store.getGameState(USER.ulid, 1446)?.earned.size).toBe(1);
  });
});
