/**
 * The follower watcher: a change detector for RA users who follow the API key's owner.
 *
 * API_GetUsersFollowingMe lists up to 500 followers per request, most recently active first, with
 * their hardcore and softcore points. Reading its first page often (where anyone playing now is)
 * and the other pages less often tells, for a handful of requests a minute, whose points moved:
 * those users are worth polling at once. Points update asynchronously on RA (seconds after an
 * unlock) and 0-point achievements move nothing, so this only speeds announcements up: every
 * tracked user is still polled on the regular schedule.
 */
import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import type { Follower } from '../ra/types.js';
import type { FollowersTable } from '../store/followers.js';
import { errorMessage } from '../util/error-message.js';
import { realTimers, type Timers } from '../util/timers.js';

/** RA's maximum page size for API_GetUsersFollowingMe. */
export const FOLLOWERS_PAGE_SIZE = 500;
/** Page 1 read period at 1 request/s: ~7% of the budget for the list where active users are. */
export const FIRST_PAGE_EVERY_MS_AT_1_RPS = 15_000;
/** Never read page 1 more often than this, however high the rate: RA flushes activity ~once a minute. */
const MIN_FIRST_PAGE_EVERY_MS = 5_000;
/** The other pages are read one at a time, this many page-1 periods apart. */
const OTHER_PAGES_FACTOR = 4;

export interface FollowerWatchIntervals {
  firstPageEveryMs: number;
  otherPagesEveryMs: number;
}

/** Read periods that scale with the RA rate: 15 s / 60 s at the default 1 request/s. */
export function followerWatchIntervals(requestsPerSecond: number): FollowerWatchIntervals {
  const firstPageEveryMs = Math.max(
    MIN_FIRST_PAGE_EVERY_MS,
    FIRST_PAGE_EVERY_MS_AT_1_RPS / requestsPerSecond,
  );
  return { firstPageEveryMs, otherPagesEveryMs: firstPageEveryMs * OTHER_PAGES_FACTOR };
}

export interface FollowerWatcherOptions {
  ra: Pick<RaClient, 'getUsersFollowingMe'>;
  followers: FollowersTable;
  logger: Logger;
  now: () => Date;
  timers?: Timers;
  intervals?: Partial<FollowerWatchIntervals>;
  /** Followers per request (RA allows 1-500). */
  pageSize?: number;
  /** Called after each read with the ULIDs whose points changed since the previous read. */
  onPointsChanged?: (ulids: string[]) => void;
}

export interface FollowerRead {
  /** 0-based page read, or null when nothing was due / the read failed. */
  page: number | null;
  changed: string[];
  ok: boolean;
}

interface Pass {
  startedAt: number;
  /** Next page (0-based, >= 1) to read in this pass. */
  nextPage: number;
}

export function createFollowerWatcher(options: FollowerWatcherOptions) {
  const { ra, followers, logger, now } = options;
  const timers = options.timers ?? realTimers;
  const pageSize = options.pageSize ?? FOLLOWERS_PAGE_SIZE;
  const defaults = followerWatchIntervals(1);
  const firstEvery = options.intervals?.firstPageEveryMs ?? defaults.firstPageEveryMs;
  const otherEvery = options.intervals?.otherPagesEveryMs ?? defaults.otherPagesEveryMs;

  /** Followers as of the last complete pass; null before the first one. */
  let known: Set<string> | null = null;
  let pages = 1;
  let lastFirstAt = Number.NEGATIVE_INFINITY;
  let lastOtherAt = Number.NEGATIVE_INFINITY;
  let pass: Pass | null = null;
  let previousPassStartedAt: number | null = null;
  let failing = false;
  let reads = 0;
  let timer: unknown = null;
  let running: Promise<FollowerRead> | null = null;
  let stopped = true;

  function completePass(finished: Pass): void {
    // One page: the read saw everyone, so anyone missing unfollowed. Several pages: a user can
    // move between pages while they are read one by one, so only a user missing for two whole
    // passes is forgotten (the first pass after a start has no previous one: it forgets nobody).
    const cutoff = pages === 1 ? finished.startedAt : previousPassStartedAt;
    if (cutoff !== null) followers.forgetUnseenSince(cutoff);
    previousPassStartedAt = finished.startedAt;
    known = new Set(followers.all().map((f) => f.ulid));
    pass = null;
  }

  async function readPage(page: number, at: number): Promise<string[]> {
    // The RA client given here runs these reads in the follower lane (see ra/lanes.ts): one
    // request per period that decides where the rest of the budget goes keeps its own share and
    // never waits behind a queue of polls.
    const result = await ra.getUsersFollowingMe({ offset: page * pageSize, count: pageSize });
    reads++;
    pages = Math.max(1, Math.ceil(result.total / pageSize));
    const changed = followers.record(result.followers.map(toInput), at);
    // A follower who appears after the first full pass just followed: most likely playing now,
    // and with no earlier points to compare, so worth one poll too. (Before the first pass
    // everyone is new: that would be a burst of polls at every start.)
    if (known !== null) {
      const seen = known;
      for (const f of result.followers) {
        const ulid = f.ulid.toUpperCase();
        if (seen.has(ulid)) continue;
        seen.add(ulid); // once: not again on every read until the pass completes
        if (!changed.includes(ulid)) changed.push(ulid);
      }
    }
    if (failing) logger.info('followers list readable again');
    failing = false;
    return changed;
  }

  /** When the other pages are due: back to back until the first full pass (to know who follows soon). */
  function otherDueAt(): number {
    return known === null ? lastOtherAt : lastOtherAt + otherEvery;
  }

  /** When the next read is due (epoch ms). */
  function nextDueAt(): number {
    const first = lastFirstAt + firstEvery;
    if (pass === null || pass.nextPage >= pages) return first;
    return Math.min(first, otherDueAt());
  }

  /** Reads at most one page: page 1 when due, else the next other page when due. */
  async function step(): Promise<FollowerRead> {
    const at = now().getTime();
    let page: number | null = null;
    if (at >= lastFirstAt + firstEvery) page = 0;
    else if (pass !== null && pass.nextPage < pages && at >= otherDueAt()) page = pass.nextPage;
    if (page === null) return { page: null, changed: [], ok: true };
    if (page === 0) lastFirstAt = at;
    else lastOtherAt = at;
    try {
      const changed = await readPage(page, at);
      if (page === 0 && pass === null) pass = { startedAt: at, nextPage: 1 };
      else if (page > 0 && pass !== null) pass.nextPage = page + 1;
      if (pass !== null && pass.nextPage >= pages) completePass(pass);
      if (changed.length > 0) options.onPointsChanged?.(changed);
      return { page, changed, ok: true };
    } catch (error) {
      if (!failing) {
        logger.warn(
          { page: page + 1, err: errorMessage(error) },
          'could not read the followers list; every tracked user is still polled, it is read again shortly',
        );
      }
      failing = true;
      return { page: null, changed: [], ok: false };
    }
  }

  function schedule(): void {
    if (stopped) return;
    const delay = Math.max(0, nextDueAt() - now().getTime());
    timer = timers.setTimeout(() => {
      timer = null;
      running = step().finally(() => {
        running = null;
        schedule();
      });
    }, delay);
  }

  return {
    step,
    nextDueAt,
    /** Reads on its own timers until stop(). */
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
    /** True/false once a whole pass over the list is done; null before (unknown yet). */
    isFollower(ulid: string): boolean | null {
      return known === null ? null : known.has(ulid.toUpperCase());
    },
    /** Followers of the key owner after the last full pass; null before the first one. */
    get count(): number | null {
      return known === null ? null : known.size;
    },
    /** Requests made so far. */
    get reads(): number {
      return reads;
    },
    get intervals(): FollowerWatchIntervals {
      return { firstPageEveryMs: firstEvery, otherPagesEveryMs: otherEvery };
    },
  };
}

export type FollowerWatcher = ReturnType<typeof createFollowerWatcher>;

function toInput(follower: Follower) {
  return {
    ulid: follower.ulid.toUpperCase(),
    displayName: follower.user,
    hardcorePoints: follower.hardcorePoints,
    softcorePoints: follower.softcorePoints,
  };
}
