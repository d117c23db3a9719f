import { describe, expect, it } from 'vitest';
import {
  afterPoll,
  INITIAL_PASSES,
  planPolls,
  type ReasonPasses,
  type UserScheduleState,
} from '../../src/tracking/scheduler.js';

const MIN = 60_000;
const user = (ulid: string, extra: Partial<UserScheduleState> = {}): UserScheduleState => ({
  ulid,
  lastPollAt: 0,
  changedAt: null,
  hotUntil: 0,
  polling: false,
  ...extra,
});
const params = (roundStartedAt: number | null) => ({ hotIntervalMs: 90_000, roundStartedAt });

describe('planPolls', () => {
  it('polls nobody before the first round, and wakes for nothing', () => {
    const plan = planPolls([user('a'), user('b')], { maxInFlight: 2 }, params(null), 10 * MIN);
    expect(plan.poll).toEqual([]);
    expect(plan.wakeAt).toBeNull();
  });

  it('polls a round longest-unpolled first, within the in-flight budget', () => {
    const users = [
      user('a', { lastPollAt: 3 }),
      user('b', { lastPollAt: null }),
      user('c', { lastPollAt: 2 }),
    ];
    const plan = planPolls(users, { maxInFlight: 2 }, params(5), 6);
    expect(plan.poll).toEqual([
      { ulid: 'b', reason: 'cold' },
      { ulid: 'c', reason: 'cold' },
    ]);
    expect(plan.waiting.cold).toBe(1);
    // Polled since the round began: not due again until the next one.
    expect(planPolls([user('a', { lastPollAt: 6 })], { maxInFlight: 2 }, params(5), 7).poll).toEqual([]);
  });

  it('counts running polls against the budget', () => {
    const users = [user('a', { polling: true }), user('b', { changedAt: 1 }), user('c', { changedAt: 2 })];
    expect(planPolls(users, { maxInFlight: 2 }, params(null), 5).poll).toEqual([
      { ulid: 'b', reason: 'changed' },
    ]);
  });

  it('polls a hot user every hot interval until the session ends, and says when to wake', () => {
    const hot = user('h', { lastPollAt: 0, hotUntil: 30 * MIN });
    const early = planPolls([hot], { maxInFlight: 2 }, params(null), 60_000);
    expect(early.poll).toEqual([]);
    expect(early.wakeAt).toBe(90_000);
    expect(planPolls([hot], { maxInFlight: 2 }, params(null), 90_000).poll).toEqual([
      { ulid: 'h', reason: 'hot' },
    ]);
    const over = planPolls(
      [user('h', { lastPollAt: 0, hotUntil: 60_000 })],
      { maxInFlight: 2 },
      params(null),
      2 * MIN,
    );
    expect(over.poll).toEqual([]);
    expect(over.wakeAt).toBeNull();
  });

  it('serves a points change before hot and cold users', () => {
    const users = [
      user('cold', { lastPollAt: null }),
      user('hot', { lastPollAt: 0, hotUntil: 60 * MIN }),
      user('changed', { changedAt: 5 * MIN }),
    ];
    const plan = planPolls(users, { maxInFlight: 1 }, params(1), 10 * MIN);
    expect(plan.poll).toEqual([{ ulid: 'changed', reason: 'changed' }]);
  });

  it('never polls a watched user (on a follow list) as hot: their points changes come as changes', () => {
    const watched = user('w', { lastPollAt: 0, hotUntil: 30 * MIN, watched: true });
    const unwatched = user('u', { lastPollAt: 0, hotUntil: 30 * MIN });
    const plan = planPolls([watched, unwatched], { maxInFlight: 2 }, params(null), 90_000);
    expect(plan.poll).toEqual([{ ulid: 'u', reason: 'hot' }]);
    // Nothing to wake for on the watched user's account; a change still polls it at once, and
    // the round still reaches it.
    expect(planPolls([watched], { maxInFlight: 2 }, params(null), 60_000).wakeAt).toBeNull();
    expect(
      planPolls([{ ...watched, changedAt: 80_000 }], { maxInFlight: 2 }, params(null), 90_000).poll,
    ).toEqual([{ ulid: 'w', reason: 'changed' }]);
    expect(planPolls([watched], { maxInFlight: 2 }, params(60_000), 90_000).poll).toEqual([
      { ulid: 'w', reason: 'cold' },
    ]);
  });

  it('never starves the round: with hot users always due, cold ones still get about 1 start in 5', () => {
    // Virtual time: 200 hot users due every 90 s (more than the budget) and 1,000 cold ones; one poll at a time, 1 s each.
    const users = new Map<string, UserScheduleState>();
    for (let i = 0; i < 200; i++)
      users.set(`h${i}`, user(`h${i}`, { lastPollAt: null, hotUntil: Number.POSITIVE_INFINITY }));
    for (let i = 0; i < 1000; i++) users.set(`c${i}`, user(`c${i}`, { lastPollAt: -1 }));
    let passes: ReasonPasses = INITIAL_PASSES;
    const starts = { hot: 0, cold: 0, changed: 0 };
    for (let t = 0; t < 600_000; t += 1000) {
      const plan = planPolls([...users.values()], { maxInFlight: 1 }, params(0), t, passes);
      passes = plan.passes;
      for (const p of plan.poll) {
        starts[p.reason]++;
        users.set(
          p.ulid,
          afterPoll(users.get(p.ulid)!, { startedAt: t, finishedAt: t + 1000, active: false }, 0),
        );
      }
    }
    expect(starts.hot + starts.cold).toBe(600);
    expect(starts.cold).toBeGreaterThanOrEqual(110);
    expect(starts.hot).toBeGreaterThanOrEqual(400);
  });
});

describe('afterPoll', () => {
  it('makes a user hot for a session after activity, and keeps a session running otherwise', () => {
    const polled = afterPoll(
      user('a', { polling: true }),
      { startedAt: 10, finishedAt: 20, active: true },
      1000,
    );
    expect(polled).toMatchObject({ polling: false, lastPollAt: 10, hotUntil: 1020 });
    expect(afterPoll(polled, { startedAt: 30, finishedAt: 40, active: false }, 1000).hotUntil).toBe(1020);
  });
});
