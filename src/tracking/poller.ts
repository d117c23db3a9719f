import type { AnnouncementExtras } from '../community/extras.js';
import type { OutboxInput, PayloadUser } from '../domain/announcements.js';
import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import { RaError, RaNotFoundError } from '../ra/errors.js';
import { awardRank, type GameProgress, type UnlockEvent } from '../ra/types.js';
import { milestoneKey, planMilestones } from '../routing/milestones.js';
import type { PollTarget, Store } from '../store/index.js';
import { errorMessage } from '../util/error-message.js';
import { detectGameChanges, payloadBase, planFanOut, trackingStart } from './detect.js';
import { createPollSuccesses } from './poll-successes.js';

/**
 * Extra look-back on every activity check. RA records unlocks a little after they happen and
 * clocks differ; re-reading a few minutes is harmless because the stored earned set, not the
 * time window, decides what is new.
 */
export const WINDOW_MARGIN_MS = 10 * 60_000;
/**
 * Every activity check reaches back at least this far (never before tracking started, minus the
 * margin), whenever the last successful poll was. RA lists an unlock under the date the client
 * gives it, which can be long before RA records it (offline or retried unlocks): a window that
 * starts at the last poll never sees those. Re-reading a day is still ONE request, and rows the
 * stored earned set already holds cost nothing more (their games are not fetched again).
 * Unlocks backdated by more than this (RA allows up to two weeks) are only caught when their
 * game is diffed for another reason.
 */
export const LATE_UNLOCK_LOOKBACK_MS = 24 * 60 * 60_000;
/** GetUserRecentAchievements is built for short windows; longer gaps (downtime) page through EarnedBetween. */
export const RECENT_WINDOW_MAX_MS = 24 * 60 * 60_000;
/** RA caps both activity endpoints at 500 rows. */
const RA_ROW_CAP = 500;
/** meta key: epoch ms of the last successful read of RA's site-wide award feed. */
export const AWARDS_FEED_META_KEY = 'awards_feed_checked_at';
/** How far back the very first read of the award feed goes. */
export const AWARDS_FEED_FIRST_LOOKBACK_MS = 60 * 60_000;
/**
 * The feed is read at most this often: once per cycle on any sensible schedule, but cycles run
 * back to back (tests, catch-up) don't each pay a request for a feed that can't have changed much.
 */
export const AWARDS_FEED_MIN_INTERVAL_MS = 60_000;
/** Rows per feed page (RA's maximum) and pages per read; a busier feed is left to the recheck countdown. */
const AWARDS_FEED_PAGE = 100;
export const AWARDS_FEED_MAX_PAGES = 10;
/**
 * Each read overlaps the previous one by this much: the feed is ordered by award date, and an
 * award RA's background job grants a while after the unlock that earned it may carry an earlier
 * date than the last read. Rows already known cost nothing but reading.
 */
export const AWARDS_FEED_MARGIN_MS = 30 * 60_000;
/** First retry delay of a game RA failed on; doubles per failure up to GAME_RETRY_MAX_MS. */
export const GAME_RETRY_BASE_MS = 5 * 60_000;
export const GAME_RETRY_MAX_MS = 2 * 60 * 60_000;
/** A game failing this long is warned about (once) and listed in `/settings show`. */
export const GAME_FAILING_WARN_MS = 24 * 60 * 60_000;
/**
 * A game RA says doesn't exist (a deleted set) for a day, over at least this many reads, is given
 * up on: no longer read until an unlock in it dated after that shows in the user's activity (the
 * set restored). Other failures (5xx, timeouts) keep their 2-hour retries: they end by themselves.
 */
export const GAME_GIVE_UP_FAILURES = 6;
/** A given-up game's next try is pushed this far; only new activity in it brings it back earlier. */
export const GAME_GIVEN_UP_MS = 100 * 365 * 24 * 60 * 60_000;
/** Users polled at once; the RA client's rate limiter and concurrency cap still govern requests. */
const DEFAULT_USER_CONCURRENCY = 8;
/**
 * A user's display name is re-read from RA (GetUserProfile) before an announcement is queued,
 * at most this often. GetGameInfoAndUserProgress doesn't carry the name; asking only when there
 * is something to announce keeps an idle user at one RA request per cycle, and an active one
 * at one extra request an hour at most.
 */
export const PROFILE_REFRESH_MS = 60 * 60_000;

/**
 * Users polled at once: enough to keep the RA rate busy. At high rates a fixed 8 left the cycle
 * ~10% over its floor (bench/poll-cycle.ts); at the default 1 request/s it changes nothing.
 */
export function pollerUserConcurrency(requestsPerSecond: number): number {
  return Math.max(DEFAULT_USER_CONCURRENCY, Math.ceil(requestsPerSecond));
}

export interface PollerOptions {
  store: Store;
  ra: RaClient;
  logger: Logger;
  now: () => Date;
  collapseThreshold: number;
  userConcurrency?: number;
  /** How stale a display name may be before an announcement re-reads it (default PROFILE_REFRESH_MS). */
  profileRefreshMs?: number;
  /**
   * The display name a follow list gave for this user lately, and when (a watched user's name
   * comes free with every list read): when it is the stored one, no profile read is needed.
   */
  listedName?: (ulid: string) => { displayName: string; seenAt: number } | null;
  /** Award milestones and AotW marks added to announcements (community features). */
  extras?: AnnouncementExtras;
  /** Told which games a poll found new activity in, after it is stored (arcade boards read their entries). */
  onActivity?: (ulid: string, gameIds: readonly number[]) => void;
  /** Optional instrumentation (metrics, health); the poller works the same without it. */
  observer?: PollObserver;
}

export interface PollObserver {
  cycleFinished?(report: CycleReport): void;
}

export interface CycleReport {
  users: number;
  failedUsers: number;
  activeUsers: number;
  gamesDiffed: number;
  enqueued: number;
  startedAt: Date;
  durationMs: number;
}

export interface UserPollResult {
  ok: boolean;
  active: boolean;
  gamesDiffed: number;
  enqueued: number;
}

/**
 * One poll cycle over every tracked RA user (each polled once however many servers track them).
 * A user whose poll fails keeps their window for the next cycle and blocks nobody else.
 */
export function createPoller(options: PollerOptions) {
  const { store, ra, logger, now } = options;
  let running: Promise<CycleReport> | null = null;
  const successes = createPollSuccesses(store);

  async function activitySince(target: PollTarget, at: Date): Promise<UnlockEvent[]> {
    const from = new Date(activityWindowStart(target, at.getTime()));
    const spanMs = at.getTime() - from.getTime();
    if (spanMs > RECENT_WINDOW_MAX_MS) {
      // Long gap (downtime): page through the whole span.
      return ra.getAchievementsEarnedBetween(target.ulid, from, at);
    }
    const recent = await ra.getUserRecentAchievements(target.ulid, Math.max(1, Math.ceil(spanMs / 60_000)));
    if (recent.length < RA_ROW_CAP) return recent;
    // Capped: RA kept the OLDEST 500 rows of the window, so the newest are missing. Page the rest
    // from the newest row kept (inclusive: rows sharing its second may have been cut too; a row
    // read twice is harmless). The client bounds the paging.
    let newest = recent[0]!.date.getTime();
    for (const event of recent) newest = Math.max(newest, event.date.getTime());
    const rest = await ra.getAchievementsEarnedBetween(
      target.ulid,
      new Date(Math.min(newest, at.getTime())),
      at,
    );
    return [...recent, ...rest];
  }

  /**
   * Reads RA's site-wide award feed (newest first) back to the last read, and marks each game
   * where a tracked user got an award the bot hasn't stored for a re-diff on that user's poll.
   * This catches awards RA grants long after the unlocks (its award jobs run asynchronously), for
   * one request per cycle whatever the number of users. Detection still decides what is new. A
   * failure only logs: the read is retried from the same point next cycle.
   */
  async function checkAwardsFeed(targets: readonly PollTarget[], at: Date): Promise<number> {
    const stored = Number(store.getMeta(AWARDS_FEED_META_KEY) ?? Number.NaN);
    const lastCheck = Number.isFinite(stored) ? stored : at.getTime() - AWARDS_FEED_FIRST_LOOKBACK_MS;
    if (at.getTime() - lastCheck < AWARDS_FEED_MIN_INTERVAL_MS) return 0;
    const since = lastCheck - AWARDS_FEED_MARGIN_MS;
    const tracked = new Map(targets.map((t) => [t.ulid.toUpperCase(), t]));
    let marked = 0;
    try {
      let complete = false;
      for (let page = 0; page < AWARDS_FEED_MAX_PAGES && !complete; page++) {
        const offset = page * AWARDS_FEED_PAGE;
        // Paged by RA's Total, not by rows received: RA drops rows (deleted users) after counting.
        // In the award feed's own lane: one read per cycle, not queued behind the cycle's polls.
        const { events: rows, total } = await ra.runInBackground(
          () => ra.getRecentGameAwardsPage({ offset, count: AWARDS_FEED_PAGE }),
          'awards',
        );
        for (const row of rows) {
          const target = tracked.get(row.ulid.toUpperCase());
          const date = row.awardDate.getTime();
          // Older than the read window, or than any tracking of the user: never announced anyway.
          if (!target || date < since || date < trackingStart(target)) continue;
          const state = store.getGameState(target.ulid, row.gameId);
          const known = state?.highestAward ?? null;
          if (awardRank(known) > awardRank(row.awardKind)) continue;
          // The same award: news only when earned again (a later date than the one stored).
          if (known === row.awardKind && date < (state?.highestAwardAt ?? Number.POSITIVE_INFINITY) + 1000)
            continue;
          // Two polls: one spare in case the first re-read of the game fails.
          store.requestGameRecheck(target.ulid, row.gameId, at, 2);
          marked++;
        }
        const oldest = rows.at(-1);
        complete =
          offset + AWARDS_FEED_PAGE >= total || (oldest !== undefined && oldest.awardDate.getTime() < since);
      }
      if (!complete) {
        logger.warn(
          { pages: AWARDS_FEED_MAX_PAGES, since: new Date(since).toISOString() },
          'awards feed: page limit reached; older awards are left to the recheck polls',
        );
      }
      store.setMeta(AWARDS_FEED_META_KEY, String(at.getTime()));
    } catch (error) {
      logger.warn(
        { err: errorMessage(error) },
        'could not read the RA awards feed; polling goes on, the feed is read again next cycle',
      );
    }
    return marked;
  }

  /**
   * The user as announcements should name them: re-read from RA when the stored name is older
   * than `profileRefreshMs` (renames). A failed look-up keeps the stored name: a cosmetic detail
   * must not hold announcements back.
   */
  async function freshUser(target: PollTarget, at: Date): Promise<PayloadUser> {
    const stored = { ulid: target.ulid, displayName: target.displayName, userPic: target.userPic };
    const checked = target.profileCheckedAt;
    const refreshMs = options.profileRefreshMs ?? PROFILE_REFRESH_MS;
    if (checked !== null && at.getTime() - checked < refreshMs) return stored;
    const listed = options.listedName?.(target.ulid) ?? null;
    if (
      listed !== null &&
      listed.displayName === stored.displayName &&
      at.getTime() - listed.seenAt < refreshMs
    ) {
      // A follow list read since gave the same name: no rename, no request.
      store.renameUser(target.ulid, stored.displayName, stored.userPic, new Date(listed.seenAt));
      target.profileCheckedAt = listed.seenAt;
      return stored;
    }
    try {
      const profile = await ra.getUserProfile(target.ulid);
      if (profile.ulid.toUpperCase() !== target.ulid.toUpperCase()) return stored;
      store.renameUser(target.ulid, profile.user, profile.userPic, at);
      target.displayName = profile.user;
      target.userPic = profile.userPic;
      target.profileCheckedAt = at.getTime();
      if (profile.user !== stored.displayName) {
        logger.info(
          { ulid: target.ulid, from: stored.displayName, to: profile.user },
          'tracked user renamed on RA',
        );
      }
      return { ulid: target.ulid, displayName: profile.user, userPic: profile.userPic };
    } catch (error) {
      logger.warn(
        { ulid: target.ulid, err: errorMessage(error) },
        'could not refresh the user profile; announcing with the stored name',
      );
      return stored;
    }
  }

  /**
   * Games with an unlock the stored set doesn't hold yet. The window re-reads up to a day
   * (`LATE_UNLOCK_LOOKBACK_MS`), so most rows were seen already: re-diffing their games would
   * cost a request each for nothing. An unlock RA lists before its game progress shows it stays unknown, so its
   * game is looked at again next cycle.
   */
  function gamesWithNewActivity(ulid: string, events: readonly UnlockEvent[]): Set<number> {
    const games = new Set<number>();
    const states = new Map<number, ReturnType<Store['getGameState']>>();
    for (const event of events) {
      if (games.has(event.gameId)) continue;
      if (!states.has(event.gameId)) states.set(event.gameId, store.getGameState(ulid, event.gameId));
      const known = states.get(event.gameId)?.earned.get(event.achievementId);
      // Seen: the stored set holds this unlock in this mode at this date (or later). A later date
      // is a reset earned again, news like a first unlock.
      const storedAt = known === undefined ? null : event.hardcore ? known.hardcoreAt : known.softcoreAt;
      const seen = storedAt !== null && event.date.getTime() - storedAt < SAME_DATE_MS;
      if (!seen) games.add(event.gameId);
    }
    return games;
  }

  /**
   * Diffs the games read in this poll and plans their outbox rows, all rows in the order their
   * events were earned (across games). Everything from reading the stored state and the
   * subscriptions to the write runs without an await, so (Node being single-threaded) a guild
   * that started or stopped tracking the user during the poll, or a remove and re-add, is seen
   * exactly as it is at the write.
   */
  function planGames(
    target: PollTarget,
    games: readonly { gameId: number; progress: GameProgress }[],
    user: PayloadUser,
    at: Date,
  ) {
    const subscriptions = store.subscriptionsOf(target.ulid);
    const diffs = games.map(({ gameId, progress }) => {
      const detection = detectGameChanges(store.getGameState(target.ulid, gameId), progress, at);
      const announced = planFanOut({
        detection,
        user,
        game: progress,
        subscriptions,
        collapseThreshold: options.collapseThreshold,
      });
      const milestones = planMilestones({
        detection,
        game: progress,
        base: payloadBase(user, progress),
        subscriptions,
        passed: new Set(
          store.milestonesPassed(target.ulid, gameId).map((p) => milestoneKey(p.hardcore, p.percent)),
        ),
        trackingStart,
      });
      return {
        gameId,
        detection,
        rows: [...announced, ...milestones.rows],
        game: progress,
        milestones: milestones.marks,
      };
    });
    const rows = orderByEarned(diffs.map((d) => d.rows));
    return {
      rows,
      commit: () => {
        options.extras?.decorate(rows);
        return store.applyUserDetections({
          ulid: target.ulid,
          games: diffs.map(({ gameId, detection, game, milestones }) => ({
            gameId,
            detection,
            game,
            milestones,
          })),
          rows,
          now: at,
        });
      },
    };
  }

  async function pollUser(target: PollTarget): Promise<UserPollResult> {
    const at = now();
    try {
      const events = await activitySince(target, at);
      const newActivity = gamesWithNewActivity(target.ulid, events);
      const gameIds = new Set(newActivity);
      for (const id of store.gamesNeedingRecheck(target.ulid)) gameIds.add(id);
      // A game RA keeps failing on is tried on its own backoff, whatever brought it up; one given
      // up on (see GAME_GIVE_UP_FAILURES) only when an unlock in it dated after that shows.
      for (const [id, nextAttemptAt] of store.failingGames(target.ulid)) {
        const givenUpAt = nextAttemptAt - GAME_GIVEN_UP_MS;
        const due =
          nextAttemptAt <= at.getTime() ||
          (givenUpAt > 0 &&
            newActivity.has(id) &&
            events.some((e) => e.gameId === id && e.date.getTime() > givenUpAt));
        if (due) gameIds.add(id);
        else gameIds.delete(id);
      }
      const games: { gameId: number; progress: GameProgress }[] = [];
      for (const gameId of gameIds) {
        const progress = await gameProgress(target, gameId, at);
        if (progress !== null) games.push({ gameId, progress });
      }
      let enqueued = 0;
      // Most polls read no game (an idle user): nothing to diff, plan or write.
      if (games.length > 0) {
        let user: PayloadUser = {
          ulid: target.ulid,
          displayName: target.displayName,
          userPic: target.userPic,
        };
        let plan = planGames(target, games, user, at);
        if (plan.rows.length > 0) {
          // Only now, with something to announce, is the current display name worth a request.
          user = await freshUser(target, at);
          // Milestones and the AotW mark are read (cached) before the final plan.
          await options.extras?.prepare(plan.rows);
          plan = planGames(target, games, user, at); // re-read after the await
        }
        enqueued = plan.commit().outboxIds.length;
      }
      if (newActivity.size > 0) options.onActivity?.(target.ulid, [...newActivity]);
      // The window moves on even past a failing game: that game is retried on its own.
      successes.record(target.ulid, at);
      return { ok: true, active: newActivity.size > 0, gamesDiffed: gameIds.size, enqueued };
    } catch (error) {
      const message = errorMessage(error);
      store.recordPollFailure(target.ulid, at, message);
      const level = error instanceof RaError && error.transient ? 'warn' : 'error';
      logger[level](
        { ulid: target.ulid, user: target.displayName, err: message },
        'poll of user failed; will retry next cycle',
      );
      return { ok: false, active: false, gamesDiffed: 0, enqueued: 0 };
    }
  }

  /**
   * One game's progress, or null when RA fails on THIS game (5xx, timeouts, a removed game, an
   * answer the bot can't read): the failure is recorded for this (user, game) with its own
   * backoff, and the user's other games and window go on. Its unlocks are announced once it reads
   * again (the stored earned set, not the window, decides what is new). A game failing for a day
   * is logged once as a warning and listed in `/settings show`. Only errors about the user (an
   * unknown user, a refused key) fail the whole poll.
   */
  async function gameProgress(target: PollTarget, gameId: number, at: Date): Promise<GameProgress | null> {
    try {
      return await ra.getGameInfoAndUserProgress(target.ulid, gameId);
    } catch (error) {
      if (!isGameFailure(error)) throw error;
      const failures = store.gameFailureCount(target.ulid, gameId) + 1;
      const next = new Date(at.getTime() + gameRetryDelayMs(failures));
      const run = store.recordGameFailure(target.ulid, gameId, at, next, error.message);
      const fields = { ulid: target.ulid, user: target.displayName, gameId, err: error.message, failures };
      const failingForADay = run !== null && at.getTime() - run.since >= GAME_FAILING_WARN_MS;
      if (failingForADay && error instanceof RaNotFoundError && run.failures >= GAME_GIVE_UP_FAILURES) {
        store.retryGameAt(target.ulid, gameId, new Date(at.getTime() + GAME_GIVEN_UP_MS));
        logger.warn(
          { ...fields, since: new Date(run.since).toISOString() },
          'RA has said for a day that this game doesn’t exist (a deleted set?); not polled again until new activity in it',
        );
      } else if (run && !run.warned && failingForADay) {
        store.markGameFailureWarned(target.ulid, gameId);
        logger.warn(
          { ...fields, since: new Date(run.since).toISOString() },
          'RA has failed on this game for a day; its unlocks wait until it reads again (see /settings show)',
        );
      } else {
        logger[failures === 1 ? 'warn' : 'debug'](
          { ...fields, retryAt: next.toISOString() },
          'RA fails on this game; skipped it, the user’s other games go on; retried on its own',
        );
      }
      return null;
    }
  }

  async function cycle(): Promise<CycleReport> {
    const startedAt = now();
    const started = performance.now();
    const targets = store.listPollTargets();
    if (targets.length > 0) await checkAwardsFeed(targets, startedAt);
    const results: UserPollResult[] = [];
    let next = 0;
    const workers = () =>
      Array.from(
        { length: Math.min(options.userConcurrency ?? DEFAULT_USER_CONCURRENCY, targets.length) },
        async () => {
          while (next < targets.length) {
            const target = targets[next++]!;
            results.push(await pollUser(target));
          }
        },
      );
    await successes.during(() => Promise.all(workers()));
    const report: CycleReport = {
      users: targets.length,
      failedUsers: results.filter((r) => !r.ok).length,
      activeUsers: results.filter((r) => r.active).length,
      gamesDiffed: results.reduce((sum, r) => sum + r.gamesDiffed, 0),
      enqueued: results.reduce((sum, r) => sum + r.enqueued, 0),
      startedAt,
      durationMs: Math.round(performance.now() - started),
    };
    logger.info(report, 'poll cycle finished');
    options.observer?.cycleFinished?.(report);
    return report;
  }

  return {
    /** Runs one cycle; a call while a cycle is running joins it instead of overlapping. */
    runCycle(): Promise<CycleReport> {
      if (!running) {
        // Poll requests queue behind anything a person is waiting for (commands, autocomplete).
        running = ra.runInBackground(cycle).finally(() => {
          running = null;
        });
      }
      return running;
    },
    pollUser,
    /**
     * Reads RA's award feed for every tracked user (at most once a minute; see checkAwardsFeed),
     * in the background lane. The adaptive schedule calls it on each POLL_CRON tick, passing the
     * tracked users it has just read (`known`) so they are read once.
     */
    readAwardsFeed(known?: readonly PollTarget[]): Promise<number> {
      return ra.runInBackground(async () => {
        const targets = known ?? store.listPollTargets();
        return targets.length > 0 ? checkAwardsFeed(targets, now()) : 0;
      });
    },
    get busy(): boolean {
      return running !== null;
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;

/**
 * Where a user's activity check starts: back to the last successful poll (minus the margin),
 * and at least `LATE_UNLOCK_LOOKBACK_MS` back, but never before tracking started (minus the
 * margin). Before the first successful poll, "the last poll" is the start of tracking.
 */
export function activityWindowStart(
  target: Pick<PollTarget, 'lastSuccessAt' | 'trackedSince'>,
  nowMs: number,
): number {
  const lastPoll = target.lastSuccessAt ?? target.trackedSince;
  return Math.max(
    Math.min(lastPoll - WINDOW_MARGIN_MS, nowMs - LATE_UNLOCK_LOOKBACK_MS),
    target.trackedSince - WINDOW_MARGIN_MS,
  );
}

/** Dates within a second are the same unlock (RA keeps them to the second), as in detect. */
const SAME_DATE_MS = 1000;

/** A failed game read that concerns the game, not the user (an unknown user or a refused key do). */
function isGameFailure(error: unknown): error is RaError {
  if (!(error instanceof RaError)) return false;
  if (error instanceof RaNotFoundError) return error.what !== 'user';
  return error.kind !== 'auth';
}

/** A failing game is retried after 5 min, then 10, 20 … at most every 2 hours. */
export function gameRetryDelayMs(failures: number): number {
  return Math.min(GAME_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1), GAME_RETRY_MAX_MS);
}

/**
 * Outbox rows of several games, in the order their events were earned: each game's rows are
 * already in order (unlocks, then its award), so a stable sort by time keeps that.
 */
export function orderByEarned(perGame: readonly (readonly OutboxInput[])[]): OutboxInput[] {
  return perGame.flat().sort((a, b) => eventTime(a) - eventTime(b));
}

function eventTime(row: OutboxInput): number {
  const { payload } = row;
  const at =
    payload.kind === 'unlock'
      ? payload.achievement.at
      : payload.kind === 'unlock-bundle'
        ? payload.achievements[0]?.at
        : payload.kind === 'milestone'
          ? payload.milestone.at
          : payload.award.at;
  return at ? Date.parse(at) : 0;
}
