import { describe, expect, it } from 'vitest';
import {
  afterPoll,
  dueInRound,
  INITIAL_PASSES,
  planPolls,
  type ReasonPasses,
  type UserScheduleState,
  WATCHED_SAFETY_MS,
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

  it('counts running polls against the budget (changed users have one slot more)', () => {
    const users = [
      user('a', { polling: true }),
      user('b', { changedAt: 1 }),
      user('c', { changedAt: 2 }),
      user('d', { changedAt: 3 }),
    ];
    expect(planPolls(users, { maxInFlight: 2 }, params(null), 5).poll).toEqual([
      { ulid: 'b', reason: 'changed' },
      { ulid: 'c', reason: 'changed' },
    ]);
  });

  it("starts a changed user's poll while the round's polls fill the budget, but no more round polls", () => {
    const users = [
      user('r1', { polling: true }),
      user('r2', { polling: true }),
      user('cold', { lastPollAt: null }),
      user('changed', { changedAt: 5 }),
    ];
    const plan = planPolls(users, { maxInFlight: 2 }, params(1), 6);
    expect(plan.poll).toEqual([{ ulid: 'changed', reason: 'changed' }]);
    expect(plan.waiting.cold).toBe(1);
    // With the extra slot taken, nothing more starts.
    const full = planPolls(
      [...users.slice(0, 3), user('changed', { polling: true }), user('next', { changedAt: 7 })],
      { maxInFlight: 2 },
      params(1),
      8,
    );
    expect(full.poll).toEqual([]);
    expect(full.waiting).toEqual({ changed: 1, hot: 0, cold: 1 });
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
    // Nothing to wake for on the watched user's account; a change still polls it at once.
    expect(planPolls([watched], { maxInFlight: 2 }, params(null), 60_000).wakeAt).toBeNull();
    expect(
      planPolls([{ ...watched, changedAt: 80_000 }], { maxInFlight: 2 }, params(null), 90_000).poll,
    ).toEqual([{ ulid: 'w', reason: 'changed' }]);
  });

  it('leaves a quiet watched user out of the round, and polls one the list showed active once, as hot', () => {
    const round = params(60 * MIN);
    const at = 61 * MIN;
    const quiet = user('quiet', { lastPollAt: 10 * MIN, watched: true, activeAt: 5 * MIN });
    const risen = user('risen', { lastPollAt: 20 * MIN, watched: true, activeAt: 50 * MIN });
    const plain = user('plain', { lastPollAt: 30 * MIN });
    const plan = planPolls([quiet, risen, plain], { maxInFlight: 5 }, round, at);
    expect(plan.poll).toEqual([
      { ulid: 'risen', reason: 'hot' },
      { ulid: 'plain', reason: 'cold' },
    ]);
    expect(dueInRound(quiet, round.roundStartedAt, at)).toBe(false);
    // Once polled (after the activity), it is quiet again.
    const after = afterPoll(
      { ...risen, polling: true },
      { startedAt: at, finishedAt: at + 1, active: false },
      40 * MIN,
    );
    expect(planPolls([after], { maxInFlight: 5 }, round, at + 10 * MIN).poll).toEqual([]);
    // Active again right after a poll: not polled again before the hot interval, then woken for it.
    const again = { ...after, activeAt: at + 30_000 };
    const early = planPolls([again], { maxInFlight: 5 }, round, at + 40_000);
    expect(early.poll).toEqual([]);
    expect(early.wakeAt).toBe(at + 90_000);
    // It goes before users playing who are overdue for their repeating poll.
    const playing = user('playing', { lastPollAt: 0, hotUntil: 120 * MIN });
    expect(planPolls([playing, risen], { maxInFlight: 1 }, round, at).poll).toEqual([
      { ulid: 'risen', reason: 'hot' },
    ]);
    // Not watched any more (its list can't be read): in the round like anyone.
    expect(dueInRound({ ...quiet, watched: false }, round.roundStartedAt, at)).toBe(true);
    // Never polled: quiet since tracking began; seen active after that: due.
    const fresh = user('fresh', { lastPollAt: null, trackedSince: 40 * MIN, watched: true, activeAt: null });
    expect(dueInRound(fresh, round.roundStartedAt, at)).toBe(false);
    expect(dueInRound({ ...fresh, activeAt: 45 * MIN }, round.roundStartedAt, at)).toBe(true);
  });

  it('polls a quiet watched user in a round anyway once their last poll is WATCHED_SAFETY_MS old, longest overdue first', () => {
    expect(WATCHED_SAFETY_MS).toBe(24 * 60 * MIN);
    const quiet = user('quiet', { lastPollAt: 0, watched: true });
    expect(dueInRound(quiet, WATCHED_SAFETY_MS - MIN, WATCHED_SAFETY_MS - 1)).toBe(false);
    expect(dueInRound(quiet, WATCHED_SAFETY_MS - MIN, WATCHED_SAFETY_MS)).toBe(true);
    // Overdue since 24 h after their last poll: after a user of the round unpolled since before that.
    const at = WATCHED_SAFETY_MS + 60 * MIN;
    const plan = planPolls(
      [
        quiet,
        user('late', { lastPollAt: WATCHED_SAFETY_MS + 5 * MIN }),
        user('early', { lastPollAt: 10 * MIN }),
      ],
      { maxInFlight: 3 },
      params(WATCHED_SAFETY_MS + 30 * MIN),
      at,
    );
    expect(plan.poll.map((p) => p.ulid)).toEqual(['early', 'quiet', 'late']);
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
