/**
 * The schedule runner in virtual time, with a fake poller: which users it polls, and why.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { PollTarget } from '../../src/store/users.js';
import { createScheduleRunner } from '../../src/tracking/schedule-runner.js';
import { virtualTime } from '../virtual-time.js';

const target = (ulid: string): PollTarget => ({
  ulid,
  displayName: ulid,
  userPic: '',
  lastSuccessAt: 0,
  trackedSince: 0,
  profileCheckedAt: null,
  subscriptions: [],
});

describe('schedule runner', () => {
  it('polls a playing user every hot interval, but a playing user on a follow list only when the list says their points moved', async () => {
    const time = virtualTime(1_000_000);
    const polls: string[] = [];
    const runner = createScheduleRunner({
      // Every poll finds activity: both users are playing.
      poller: {
        pollUser: async (t) => {
          polls.push(t.ulid);
          return { ok: true, active: true, gamesDiffed: 1, enqueued: 0 };
        },
        readAwardsFeed: async () => 0,
      },
      ra: { runInBackground: (fn) => fn() },
      store: { listPollTargets: () => [target('PLAYER'), target('FOLLOWER')], subscriptionsOf: () => [] },
      logger: createLogger({ level: 'silent' }),
      now: () => new Date(time.now()),
      timers: time.timers,
      maxInFlight: 2,
      hotIntervalMs: 90_000,
      sessionMs: 40 * 60_000,
      watched: () => new Set(['FOLLOWER']),
    });
    runner.start();
    // The round: the player; the follower (watched, quiet since its last poll) costs it nothing.
    await runner.tick();
    expect(polls).toEqual(['PLAYER']);
    polls.length = 0;

    await time.advance(10 * 60_000);
    // The player: every 90 s for the 10 minutes; the follower: not at all (no points change).
    expect(polls.filter((u) => u === 'PLAYER').length).toBeGreaterThanOrEqual(6);
    expect(polls.filter((u) => u === 'FOLLOWER')).toEqual([]);

    // The follower list saw the follower's points move: polled at once.
    runner.pointsChanged(['follower']);
    await time.settle();
    expect(polls.filter((u) => u === 'FOLLOWER')).toEqual(['FOLLOWER']);

    // Active again without a points change (a 0-point unlock): polled once, as a user playing.
    polls.length = 0;
    await time.advance(60_000);
    runner.seenActive(['follower']);
    await time.advance(60_000);
    expect(polls.filter((u) => u === 'FOLLOWER')).toEqual(['FOLLOWER']);
    await runner.tick();
    await time.advance(5 * 60_000);
    expect(polls.filter((u) => u === 'FOLLOWER')).toEqual(['FOLLOWER']);
    await runner.stop();
  });

  it('reports a round finished when everyone but quiet watched users was polled', async () => {
    const time = virtualTime(1_000_000);
    const rounds: number[] = [];
    const polled: string[] = [];
    const runner = createScheduleRunner({
      poller: {
        pollUser: async (t) => {
          polled.push(t.ulid);
          return { ok: true, active: false, gamesDiffed: 0, enqueued: 0 };
        },
        readAwardsFeed: async () => 0,
      },
      ra: { runInBackground: (fn) => fn() },
      store: { listPollTargets: () => [target('A'), target('B'), target('W')], subscriptionsOf: () => [] },
      logger: createLogger({ level: 'silent' }),
      now: () => new Date(time.now()),
      timers: time.timers,
      maxInFlight: 1,
      watched: () => new Set(['W']),
      observer: { roundFinished: (report) => rounds.push(report.users) },
    });
    runner.start();
    await runner.tick();
    await time.settle();
    expect(polled.sort()).toEqual(['A', 'B']);
    expect(rounds).toEqual([3]);
    await runner.stop();
  });

  it('tries a failed poll of a changed user again after 30 s, then 60 s, until it reads', async () => {
    const time = virtualTime(1_000_000);
    const polls: number[] = [];
    let failuresLeft = 2;
    const runner = createScheduleRunner({
      poller: {
        pollUser: async () => {
          polls.push(time.now());
          if (failuresLeft-- > 0) return { ok: false, active: false, gamesDiffed: 0, enqueued: 0 };
          return { ok: true, active: true, gamesDiffed: 1, enqueued: 1 };
        },
        readAwardsFeed: async () => 0,
      },
      ra: { runInBackground: (fn) => fn() },
      store: { listPollTargets: () => [target('W')], subscriptionsOf: () => [] },
      logger: createLogger({ level: 'silent' }),
      now: () => new Date(time.now()),
      timers: time.timers,
      maxInFlight: 1,
      watched: () => new Set(['W']),
    });
    runner.start();
    runner.pointsChanged(['W']);
    await time.advance(10 * 60_000);
    expect(polls.map((t) => t - 1_000_000)).toEqual([0, 30_000, 90_000]);
    await runner.stop();
  });
});
