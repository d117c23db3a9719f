/**
 * Runs the adaptive schedule (scheduler.ts) against the real poller: keeps each tracked user's
 * scheduling state, plans after every event (a POLL_CRON tick, a follower's points change, a poll
 * finishing, a wake-up) and starts the polls the plan names. Clock and timers are passed in.
 */
import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import type { PollTarget, Store } from '../store/index.js';
import { errorMessage } from '../util/error-message.js';
import { realTimers, type Timers } from '../util/timers.js';
import type { Poller, UserPollResult } from './poller.js';
import {
  afterPoll,
  dueInRound,
  INITIAL_PASSES,
  type PlannedPoll,
  planPolls,
  type ReasonPasses,
  type UserScheduleState,
} from './scheduler.js';

/** A user seen unlocking is polled this often while their session lasts. */
export const HOT_INTERVAL_MS = 90_000;
/** A session "lasts" this long after the last unlock seen (RA players unlock ~3 an hour). */
export const HOT_SESSION_MS = 40 * 60_000;
/**
 * Tracked users are re-read from the database on every POLL_CRON tick, when a follower nobody
 * known changes, and at least this often otherwise (a read of 5,000 users costs tens of ms).
 */
const TARGETS_REFRESH_MS = 60_000;
/** Gaps between polls remembered per user, for /settings show. */
const GAPS_KEPT = 3;

/** Polls at once: enough to keep the RA rate busy, few enough that a changed user never waits long. */
export function scheduleMaxInFlight(requestsPerSecond: number): number {
  return Math.max(2, Math.ceil(requestsPerSecond) + 1);
}

export interface ScheduleRunnerOptions {
  poller: Pick<Poller, 'pollUser' | 'readAwardsFeed'>;
  /** Polls run in its background lane, behind requests a person waits for. */
  ra: Pick<RaClient, 'runInBackground'>;
  store: Pick<Store, 'listPollTargets' | 'subscriptionsOf'>;
  logger: Logger;
  now: () => Date;
  timers?: Timers;
  maxInFlight: number;
  hotIntervalMs?: number;
  sessionMs?: number;
  /**
   * ULIDs (upper case) on a follow list the bot reads: their points changes come from the list,
   * so they are never polled as hot (scheduler.ts). Read with the tracked users.
   */
  watched?: () => ReadonlySet<string>;
  /** Called after a poll queued announcements (post them now, not at the next dispatch timer). */
  onEnqueued?: () => void;
  /** Health and metrics: the poller made progress, and a POLL_CRON round reached every user. */
  observer?: ScheduleObserver;
}

export interface ScheduleObserver {
  /** A user's poll finished (whatever its outcome), or a tick found nobody to poll. */
  progressed?(): void;
  /** Every tracked user was polled since the round's POLL_CRON tick. */
  roundFinished?(report: { users: number; durationMs: number }): void;
}

/** Users per polling tier right now: changed (points moved), hot (playing), cold (the rest). */
export interface TierCounts {
  changed: number;
  hot: number;
  cold: number;
}

export interface PollingSummary {
  /** Of the users asked about: how many are hot (polled every hotIntervalMs) now. */
  hot: number;
  users: number;
  hotIntervalMs: number;
  /** Median gap between two polls of a user not hot now, over their last few polls; null if unknown yet. */
  typicalGapMs: number | null;
  /** Median gap of the hot ones. */
  typicalHotGapMs: number | null;
}

interface Entry {
  target: PollTarget;
  state: UserScheduleState;
  gaps: number[];
  /** Polls started by a points change that failed in a row (their retries back off). */
  changedFailures: number;
}

/**
 * A poll started by a points change that fails (RA down, a timeout) is tried again this long
 * after, doubling while it keeps failing, up to CHANGED_RETRY_MAX_MS: the list already counted
 * that change, so without this the unlock would wait for a round.
 */
const CHANGED_RETRY_MS = 30_000;
const CHANGED_RETRY_MAX_MS = 10 * 60_000;

export function createScheduleRunner(options: ScheduleRunnerOptions) {
  const { poller, store, logger, now } = options;
  const timers = options.timers ?? realTimers;
  const hotIntervalMs = options.hotIntervalMs ?? HOT_INTERVAL_MS;
  const sessionMs = options.sessionMs ?? HOT_SESSION_MS;
  const entries = new Map<string, Entry>();
  const running = new Set<Promise<void>>();
  const retries = new Set<unknown>();
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let roundStartedAt: number | null = null;
  let passes: ReasonPasses = INITIAL_PASSES;
  let wakeTimer: unknown = null;
  let stopped = true;
  let behind = false;
  let roundReported = true;
  const counts = { changed: 0, hot: 0, cold: 0 };

  /** Re-reads the tracked users when due (or forced); returns what it read, null when not due. */
  function refreshTargets(at: number, force = false): PollTarget[] | null {
    if (!force && at - refreshedAt < TARGETS_REFRESH_MS) return null;
    refreshedAt = at;
    const seen = new Set<string>();
    const watched = options.watched?.() ?? new Set<string>();
    const targets = store.listPollTargets();
    for (const target of targets) {
      const ulid = target.ulid.toUpperCase();
      seen.add(ulid);
      const entry = entries.get(ulid);
      if (entry) {
        entry.target = target;
        if (
          (entry.state.watched ?? false) !== watched.has(ulid) ||
          entry.state.trackedSince !== target.trackedSince
        )
          entry.state = { ...entry.state, watched: watched.has(ulid), trackedSince: target.trackedSince };
        continue;
      }
      entries.set(ulid, {
        target,
        gaps: [],
        changedFailures: 0,
        state: {
          ulid,
          lastPollAt: target.lastSuccessAt,
          changedAt: null,
          hotUntil: 0,
          polling: false,
          watched: watched.has(ulid),
          activeAt: null,
          trackedSince: target.trackedSince,
        },
      });
    }
    for (const ulid of entries.keys())
      if (!seen.has(ulid) && !entries.get(ulid)!.state.polling) entries.delete(ulid);
    return targets;
  }

  function plan(): void {
    if (stopped) return;
    const at = now().getTime();
    refreshTargets(at);
    const result = planPolls(
      [...entries.values()].map((e) => e.state),
      { maxInFlight: options.maxInFlight },
      { hotIntervalMs, roundStartedAt },
      at,
      passes,
    );
    passes = result.passes;
    for (const planned of result.poll) start(planned, at);
    if (wakeTimer !== null) timers.clearTimeout(wakeTimer);
    wakeTimer = null;
    if (result.wakeAt !== null) {
      wakeTimer = timers.setTimeout(() => {
        wakeTimer = null;
        plan();
      }, result.wakeAt - at);
    }
  }

  function start(planned: PlannedPoll, at: number): void {
    const entry = entries.get(planned.ulid)!;
    if (entry.state.lastPollAt !== null) {
      entry.gaps.push(at - entry.state.lastPollAt);
      if (entry.gaps.length > GAPS_KEPT) entry.gaps.shift();
    }
    entry.state = { ...entry.state, polling: true, changedAt: null };
    counts[planned.reason]++;
    const run = options.ra
      // A changed user's requests go first in the poller's lane: someone is waiting for that post.
      .runInBackground(() => poller.pollUser(entry.target), 'poller', {
        urgent: planned.reason === 'changed',
      })
      .catch((error: unknown): UserPollResult => {
        logger.error({ ulid: planned.ulid, err: errorMessage(error) }, 'poll of user threw');
        return { ok: false, active: false, gamesDiffed: 0, enqueued: 0 };
      })
      .then((result) => {
        const finishedAt = now().getTime();
        entry.state = afterPoll(entry.state, { startedAt: at, finishedAt, active: result.active }, sessionMs);
        if (planned.reason === 'changed') {
          entry.changedFailures = result.ok ? 0 : entry.changedFailures + 1;
          if (!result.ok) retryChanged(entry);
        }
        if (result.enqueued > 0) options.onEnqueued?.();
        options.observer?.progressed?.();
        reportRoundIfDone(finishedAt);
      })
      .finally(() => {
        running.delete(run);
        plan();
      });
    running.add(run);
  }

  function retryChanged(entry: Entry): void {
    const delay = Math.min(CHANGED_RETRY_MAX_MS, CHANGED_RETRY_MS * 2 ** (entry.changedFailures - 1));
    const handle = timers.setTimeout(() => {
      retries.delete(handle);
      if (stopped || entries.get(entry.state.ulid) !== entry) return;
      entry.state = { ...entry.state, changedAt: entry.state.changedAt ?? now().getTime() };
      plan();
    }, delay);
    retries.add(handle);
  }

  /** Once per round: when no user is left that the round's tick made due. */
  function reportRoundIfDone(at: number): void {
    if (roundReported || roundStartedAt === null) return;
    for (const e of entries.values()) {
      if (e.state.polling || dueInRound(e.state, roundStartedAt, at)) return;
    }
    roundReported = true;
    options.observer?.roundFinished?.({ users: entries.size, durationMs: at - roundStartedAt });
  }

  return {
    /**
     * A POLL_CRON tick: every user not polled since becomes due (longest-unpolled first), and
     * RA's award feed is read. Ticks never overlap anything: a round still running just goes on.
     */
    async tick(): Promise<void> {
      const at = now().getTime();
      const targets = refreshTargets(at, true) ?? [];
      let left = 0;
      for (const e of entries.values()) if (dueInRound(e.state, roundStartedAt, at)) left++;
      if (left > 0 && !behind) {
        logger.warn(
          { usersLeft: left, users: entries.size },
          'the previous poll round had not reached every user by this POLL_CRON tick: users who are not ' +
            'playing are polled less often than POLL_CRON says (see README, Capacity)',
        );
      }
      behind = left > 0;
      roundStartedAt = at;
      roundReported = false;
      if (entries.size === 0) {
        // Nobody to poll: the round is done at once (health must not read that as a stall).
        options.observer?.progressed?.();
        reportRoundIfDone(at);
      }
      plan();
      await poller.readAwardsFeed(targets);
    },
    /**
     * A follow list showed these users active (risen on its page 1): a watched one among them is
     * polled once like a user playing, whatever their points did (scheduler.ts).
     */
    seenActive(ulids: readonly string[]): void {
      const at = now().getTime();
      let any = false;
      for (const ulid of ulids) {
        const entry = entries.get(ulid.toUpperCase());
        if (!entry) continue;
        entry.state = { ...entry.state, activeAt: at };
        any = true;
      }
      if (any) plan();
    },
    /** The follower watcher saw these users' points move: poll them (if tracked) at once. */
    pointsChanged(ulids: readonly string[]): void {
      const at = now().getTime();
      // A user tracked since the last refresh must not wait for the next one to be polled; most
      // unknown followers are simply not tracked (one indexed look-up each says so).
      const newlyTracked = ulids.some(
        (ulid) => !entries.has(ulid.toUpperCase()) && store.subscriptionsOf(ulid).length > 0,
      );
      if (newlyTracked) refreshTargets(at, true);
      let any = false;
      for (const ulid of ulids) {
        const entry = entries.get(ulid.toUpperCase());
        if (!entry) continue;
        entry.state = { ...entry.state, changedAt: entry.state.changedAt ?? at };
        any = true;
      }
      if (any) plan();
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      plan();
    },
    /** Stops planning; waits for running polls. */
    async stop(): Promise<void> {
      stopped = true;
      if (wakeTimer !== null) timers.clearTimeout(wakeTimer);
      wakeTimer = null;
      for (const handle of retries) timers.clearTimeout(handle);
      retries.clear();
      await Promise.all([...running]);
    },
    /** How the given users (e.g. one server's) are being polled. */
    summary(ulids: readonly string[]): PollingSummary {
      const at = now().getTime();
      const hotGaps: number[] = [];
      const coldGaps: number[] = [];
      let hot = 0;
      let users = 0;
      for (const ulid of ulids) {
        const entry = entries.get(ulid.toUpperCase());
        if (!entry) continue;
        users++;
        const isHot = entry.state.hotUntil > at;
        if (isHot) hot++;
        (isHot ? hotGaps : coldGaps).push(...entry.gaps);
      }
      return { hot, users, hotIntervalMs, typicalGapMs: median(coldGaps), typicalHotGapMs: median(hotGaps) };
    },
    /** Tracked users per polling tier now. */
    tiers(): TierCounts {
      const at = now().getTime();
      const tiers: TierCounts = { changed: 0, hot: 0, cold: 0 };
      for (const { state } of entries.values()) {
        if (state.changedAt !== null) tiers.changed++;
        else if (state.hotUntil > at) tiers.hot++;
        else tiers.cold++;
      }
      return tiers;
    },
    /** Poll starts so far, by reason. */
    get counts(): Readonly<typeof counts> {
      return { ...counts };
    },
  };
}

export type ScheduleRunner = ReturnType<typeof createScheduleRunner>;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
