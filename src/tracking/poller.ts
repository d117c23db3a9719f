import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import { RaError } from '../ra/errors.js';
import type { UnlockEvent } from '../ra/types.js';
import type { PollTarget, Store } from '../store/index.js';
import { detectGameChanges, planFanOut } from './detect.js';
import type { PayloadUser } from './events.js';

/**
 * Extra look-back on every activity check. RA records unlocks a little after they happen and
 * clocks differ; re-reading a few minutes is harmless because the stored earned set, not the
 * time window, decides what is new.
 */
export const WINDOW_MARGIN_MS = 10 * 60_000;
/** GetUserRecentAchievements is built for short windows; longer gaps (downtime) page through EarnedBetween. */
export const RECENT_WINDOW_MAX_MS = 24 * 60 * 60_000;
/** RA caps both activity endpoints at 500 rows. */
const RA_ROW_CAP = 500;
/** Users polled at once; the RA client's rate limiter and concurrency cap still govern requests. */
const DEFAULT_USER_CONCURRENCY = 8;
/**
 * A user's display name is re-read from RA (GetUserProfile) before an announcement is queued,
 * at most this often. GetGameInfoAndUserProgress doesn't carry the name; asking only when there
 * is something to announce keeps an idle user at one RA request per cycle, and an active one
 * at one extra request an hour at most.
 */
export const PROFILE_REFRESH_MS = 60 * 60_000;

export interface PollerOptions {
  store: Store;
  ra: RaClient;
  logger: Logger;
  now: () => Date;
  collapseThreshold: number;
  userConcurrency?: number;
  /** How stale a display name may be before an announcement re-reads it (default PROFILE_REFRESH_MS). */
  profileRefreshMs?: number;
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

  async function activitySince(target: PollTarget, at: Date): Promise<UnlockEvent[]> {
    const from = new Date((target.lastSuccessAt ?? target.trackedSince) - WINDOW_MARGIN_MS);
    const spanMs = at.getTime() - from.getTime();
    if (spanMs <= RECENT_WINDOW_MAX_MS) {
      const recent = await ra.getUserRecentAchievements(target.ulid, Math.max(1, Math.ceil(spanMs / 60_000)));
      if (recent.length < RA_ROW_CAP) return recent;
    }
    // Long gap (downtime) or a capped window: page through the whole span.
    return ra.getAchievementsEarnedBetween(target.ulid, from, at);
  }

  /**
   * The user as announcements should name them: re-read from RA when the stored name is older
   * than `profileRefreshMs` (renames). A failed look-up keeps the stored name: a cosmetic detail
   * must not hold announcements back.
   */
  async function freshUser(target: PollTarget, at: Date): Promise<PayloadUser> {
    const stored = { ulid: target.ulid, displayName: target.displayName, userPic: target.userPic };
    const checked = target.profileCheckedAt;
    if (checked !== null && at.getTime() - checked < (options.profileRefreshMs ?? PROFILE_REFRESH_MS)) {
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
        { ulid: target.ulid, err: error instanceof Error ? error.message : String(error) },
        'could not refresh the user profile; announcing with the stored name',
      );
      return stored;
    }
  }

  /**
   * Games with an unlock the stored set doesn't hold yet. The window overlaps the last one (the
   * margin), so most rows were seen already: re-diffing their games would cost a request each
   * for nothing. An unlock RA lists before its game progress shows it stays unknown, so its
   * game is looked at again next cycle.
   */
  function gamesWithNewActivity(ulid: string, events: readonly UnlockEvent[]): Set<number> {
    const games = new Set<number>();
    const states = new Map<number, ReturnType<Store['getGameState']>>();
    for (const event of events) {
      if (games.has(event.gameId)) continue;
      if (!states.has(event.gameId)) states.set(event.gameId, store.getGameState(ulid, event.gameId));
      const known = states.get(event.gameId)?.earned.get(event.achievementId);
      const seen = known !== undefined && (!event.hardcore || known.hardcoreAt !== null);
      if (!seen) games.add(event.gameId);
    }
    return games;
  }

  async function pollUser(target: PollTarget): Promise<UserPollResult> {
    const at = now();
    try {
      const events = await activitySince(target, at);
      const gameIds = gamesWithNewActivity(target.ulid, events);
      for (const id of store.gamesNeedingRecheck(target.ulid)) gameIds.add(id);
      let enqueued = 0;
      let user: PayloadUser = { ulid: target.ulid, displayName: target.displayName, userPic: target.userPic };
      let userFresh = false;
      for (const gameId of gameIds) {
        const progress = await ra.getGameInfoAndUserProgress(target.ulid, gameId);
        const detection = detectGameChanges(store.getGameState(target.ulid, gameId), progress, at);
        const plan = () =>
          planFanOut({
            detection,
            user,
            game: progress,
            subscriptions: target.subscriptions,
            collapseThreshold: options.collapseThreshold,
          });
        let rows = plan();
        if (rows.length > 0 && !userFresh) {
          // Only now, with something to announce, is the current display name worth a request.
          user = await freshUser(target, at);
          userFresh = true;
          rows = plan();
        }
        store.applyGameDetection({ ulid: target.ulid, gameId, detection, rows, now: at });
        enqueued += rows.length;
      }
      store.recordPollSuccess(target.ulid, at);
      return { ok: true, active: events.length > 0, gamesDiffed: gameIds.size, enqueued };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      store.recordPollFailure(target.ulid, at, message);
      const level = error instanceof RaError && error.transient ? 'warn' : 'error';
      logger[level](
        { ulid: target.ulid, user: target.displayName, err: message },
        'poll of user failed; will retry next cycle',
      );
      return { ok: false, active: false, gamesDiffed: 0, enqueued: 0 };
    }
  }

  async function cycle(): Promise<CycleReport> {
    const startedAt = now();
    const started = performance.now();
    const targets = store.listPollTargets();
    const results: UserPollResult[] = [];
    let next = 0;
    const workers = Array.from(
      { length: Math.min(options.userConcurrency ?? DEFAULT_USER_CONCURRENCY, targets.length) },
      async () => {
        while (next < targets.length) {
          const target = targets[next++]!;
          results.push(await pollUser(target));
        }
      },
    );
    await Promise.all(workers);
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
    return report;
  }

  return {
    /** Runs one cycle; a call while a cycle is running joins it instead of overlapping. */
    runCycle(): Promise<CycleReport> {
      if (!running) {
        running = cycle().finally(() => {
          running = null;
        });
      }
      return running;
    },
    pollUser,
    get busy(): boolean {
      return running !== null;
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;
