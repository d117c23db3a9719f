/**
 * The community features' background work, one tick a minute (community/feature.ts owns the
 * timer; tests call `tick()` on a virtual clock): due weekly digests are queued, the Achievement
 * of the Week is re-read hourly, and a few tracked users' all-time RA totals are refreshed. Every
 * RA request here goes in the community lane (ra/lanes.ts), behind anything a person is waiting
 * for. A tick has a deadline: one stuck on RA is given up, and the next starts afresh instead of
 * joining it.
 */
import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import type { Store } from '../store/index.js';
import { UNLOCK_LOG_KEEP_MS } from '../store/leaderboard.js';
import { withDeadline } from '../util/deadline.js';
import { errorMessage } from '../util/error-message.js';
import { realTimers, type Timers } from '../util/timers.js';
import type { AotwService } from './aotw.js';
import { queueDueDigests } from './digest.js';

/** Totals older than this are refreshed; users never read go first. */
export const TOTALS_MAX_AGE_MS = 12 * 60 * 60_000;
/**
 * Users refreshed per tick (2 RA requests each). At one tick a minute that is 2,880 users a
 * day: every user of a 1,000-user installation twice a day, for about 4 requests a minute.
 */
export const TOTALS_PER_TICK = 2;
/**
 * A tick still running after this is given up (its requests may still land; their results are
 * kept) and the next tick starts afresh: ~5 requests even at 1 slot in 100 at 1 request/s.
 */
export const TICK_DEADLINE_MS = 10 * 60_000;

export interface CommunityJobsOptions {
  store: Store;
  ra: RaClient;
  logger: Logger;
  now: () => Date;
  aotw: AotwService;
  totalsPerTick?: number;
  /** Default TICK_DEADLINE_MS. */
  tickDeadlineMs?: number;
  /** For the deadline (tests: virtual time). */
  timers?: Timers;
}

export interface TickReport {
  digests: number;
  totalsRefreshed: number;
  aotwRead: boolean;
}

export function createCommunityJobs(options: CommunityJobsOptions) {
  const { store, ra, logger, now } = options;
  const timers = options.timers ?? realTimers;
  const deadlineMs = options.tickDeadlineMs ?? TICK_DEADLINE_MS;
  let running: Promise<TickReport> | null = null;

  async function refreshTotals(): Promise<number> {
    const at = now();
    let refreshed = 0;
    for (const ulid of store.leaderboard.staleTotals(
      at.getTime() - TOTALS_MAX_AGE_MS,
      options.totalsPerTick ?? TOTALS_PER_TICK,
    )) {
      try {
        const [profile, awards] = await Promise.all([ra.getUserProfile(ulid), ra.getUserAwards(ulid)]);
        store.leaderboard.saveTotals(
          ulid,
          {
            hardcorePoints: profile.totalPoints,
            softcorePoints: profile.totalSoftcorePoints,
            retroPoints: profile.totalTruePoints,
            masteries: awards.masteries + awards.completions,
            beaten: awards.beatenHardcore + awards.beatenSoftcore,
          },
          now(),
        );
        refreshed++;
      } catch (error) {
        // Stays stale: tried again next tick (first in line), at two requests a tick at most.
        logger.warn({ ulid, err: errorMessage(error) }, 'could not refresh RA totals for the leaderboard');
        break;
      }
    }
    return refreshed;
  }

  async function tickOnce(): Promise<TickReport> {
    // Digests first and without RA: they must not wait on a slow RA.
    let digests = 0;
    try {
      digests = await queueDueDigests(store, now(), (guildId, error) =>
        logger.error(
          { guildId, err: errorMessage(error) },
          'queueing this server’s weekly digest failed; the others go on, tried again next tick',
        ),
      );
      if (digests > 0) logger.info({ digests }, 'weekly digests queued');
    } catch (error) {
      logger.error({ err: errorMessage(error) }, 'queueing weekly digests failed; tried again next tick');
    }
    try {
      store.leaderboard.pruneUnlockLog(now().getTime() - UNLOCK_LOG_KEEP_MS);
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, 'pruning the unlock log failed; tried again next tick');
    }
    return ra.runInBackground(async () => {
      const aotwRead = await options.aotw.refreshIfDue();
      const totalsRefreshed = await refreshTotals();
      return { digests, totalsRefreshed, aotwRead };
    }, 'community');
  }

  /** The tick, or a rejection at its deadline (the tick is then left to finish on its own). */
  function tickWithDeadline(): Promise<TickReport> {
    return withDeadline(
      tickOnce(),
      deadlineMs,
      timers,
      () => new Error(`community tick given up at its deadline (${Math.round(deadlineMs / 1000)} s)`),
      () => logger.warn({ deadlineMs }, 'community tick outlasted its deadline; the next tick starts afresh'),
    );
  }

  return {
    /** One round of background work; a call while one runs (within its deadline) joins it. */
    tick(): Promise<TickReport> {
      if (!running) {
        running = tickWithDeadline().finally(() => {
          running = null;
        });
      }
      return running;
    },
    /** Settles when no tick is running (shutdown waits on this; it never starts one). */
    async idle(): Promise<void> {
      await running?.catch(() => undefined);
    },
  };
}

export type CommunityJobs = ReturnType<typeof createCommunityJobs>;
