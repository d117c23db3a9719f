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
/**
 * Page 1 read period at 1 request/s: 10% of the budget per list, for the page where anyone
 * playing now is (an unlock moves its player to the top). With RA's points ~5 s behind an unlock,
 * a watched user's unlock is seen ~10 s after it on average, 15 s at worst.
 */
export const FIRST_PAGE_EVERY_MS_AT_1_RPS = 10_000;
/** Never read page 1 more often than this, however high the rate: RA flushes activity ~once a minute. */
const MIN_FIRST_PAGE_EVERY_MS = 5_000;
/** The other pages are read one at a time, this many page-1 periods apart. */
const OTHER_PAGES_FACTOR = 4;
/**
 * A search for one account (a pending `/link` proof) reads this many times faster than page 1:
 * back to back at 1 request/s. A whole search (~21 reads at 10,000 followers) runs about once per
 * proof, when the account is absent; while it is listed a search ends after its first read.
 */
const SEARCH_FACTOR = 15;
/**
 * Rows by which consecutive windows of a search overlap: while a search reads down the list, an
 * account moves up only when users above it unfollow (or when it becomes active, to the top, which
 * the search's closing read of page 1 sees); it moves down slower than the search reads.
 */
const SEARCH_OVERLAP = 50;

export interface FollowerWatchIntervals {
  firstPageEveryMs: number;
  otherPagesEveryMs: number;
}

/** Read periods that scale with the RA rate: 10 s / 40 s at the default 1 request/s. */
export function followerWatchIntervals(requestsPerSecond: number): FollowerWatchIntervals {
  const firstPageEveryMs = Math.max(
    MIN_FIRST_PAGE_EVERY_MS,
    FIRST_PAGE_EVERY_MS_AT_1_RPS / requestsPerSecond,
  );
  return { firstPageEveryMs, otherPagesEveryMs: firstPageEveryMs * OTHER_PAGES_FACTOR };
}

/**
 * How the two lists share the read budget of the pages beyond the first: in proportion to the
 * tracked users each list holds, a list getting at least 1/8 (so one nobody tracked is in is still
 * looked at, for users just followed) and at most 7/8. With nobody tracked in either, the
 * followers list gets 7/8: members join it by themselves.
 * Returns the followers list's share; the list the bot follows gets the rest.
 */
export function followersShare(trackedFollowers: number, trackedFollowed: number): number {
  const sum = trackedFollowers + trackedFollowed;
  const share = sum === 0 ? 1 : trackedFollowers / sum;
  return Math.min(7 / 8, Math.max(1 / 8, share));
}

/**
 * Page 1 of a list is where every watched user who is playing now is, so the latency of their
 * posts depends on its period alone: each list holding tracked users reads it at the full rate,
 * however few they are (a user followed by the bot's account must not wait longer than one who
 * follows it). A list without tracked users reads it 8 times less often (new followers, proofs),
 * the followers list at the full rate while neither list holds anyone (members join it by
 * themselves).
 */
export function firstPageShare(trackedInList: number, trackedInOtherList: number, list: WatchedList): number {
  if (trackedInList > 0) return 1;
  if (list === 'followers' && trackedInOtherList === 0) return 1;
  return 1 / 8;
}

/** Which list a watcher reads: who follows the key's owner, or whom it follows. */
export type WatchedList = 'followers' | 'following';

export interface FollowerWatcherOptions {
  ra: Pick<RaClient, 'getUsersFollowingMe'> & Partial<Pick<RaClient, 'getUsersIFollow'>>;
  /** Default `followers` (API_GetUsersFollowingMe); `following` reads API_GetUsersIFollow. */
  list?: WatchedList;
  /** This list's share of the other pages' read budget (0-1], read before each wait; default 1. */
  share?: () => number;
  /** Its share of the page-1 rate (0-1], see firstPageShare; default `share`. */
  firstShare?: () => number;
  followers: FollowersTable;
  logger: Logger;
  now: () => Date;
  timers?: Timers;
  intervals?: Partial<FollowerWatchIntervals>;
  /** Followers per request (RA allows 1-500). */
  pageSize?: number;
  /** Called after each read with the ULIDs whose points changed since the previous read. */
  onPointsChanged?: (ulids: string[]) => void;
  /**
   * Called after a read of page 1 with the ULIDs that were active since the previous one (see
   * `risenSince`): they may have earned something worth 0 points, which moves no points.
   */
  onActive?: (ulids: string[]) => void;
}

/**
 * Page 1 lists the most recently active users first, so anyone active between two reads of it
 * is listed above someone who was above them in the earlier read, or is new to it above such a
 * user. Returns those (pure; `previous` and `current` are ULIDs in list order).
 */
export function risenSince(previous: readonly string[], current: readonly string[]): string[] {
  const before = new Map<string, number>();
  for (const [i, ulid] of previous.entries()) before.set(ulid, i);
  const risen: string[] = [];
  let lowestBelow = Number.POSITIVE_INFINITY;
  for (let i = current.length - 1; i >= 0; i--) {
    const ulid = current[i]!;
    const was = before.get(ulid) ?? Number.POSITIVE_INFINITY;
    if (lowestBelow < was) risen.push(ulid);
    lowestBelow = Math.min(lowestBelow, was);
  }
  return risen.reverse();
}

/**
 * What the reads say about one account: when a read last listed it, and when a whole search (see
 * `search`) last found it absent from the list (the search's start). Epoch ms, or null.
 */
export interface FollowerObservation {
  listedAt: number | null;
  absentAt: number | null;
}

/**
 * What a search must establish. `absence`: read from where the account was last listed to the end
 * of the list, then page 1: not listed anywhere means it does not follow (stops early once it is
 * listed). `presence`: one look where it was last listed (page 1 is read anyway).
 */
export type SearchNeed = 'absence' | 'presence';

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

interface Search {
  ulid: string;
  startedAt: number;
  /** The number the search's first read gets: any read from it on that lists the account counts. */
  firstRead: number;
  /** Next offset to read; -1: the closing read of page 1 is next. */
  offset: number;
}

export function createFollowerWatcher(options: FollowerWatcherOptions) {
  const { ra, followers, logger, now } = options;
  const timers = options.timers ?? realTimers;
  const pageSize = options.pageSize ?? FOLLOWERS_PAGE_SIZE;
  const defaults = followerWatchIntervals(1);
  const firstEvery = options.intervals?.firstPageEveryMs ?? defaults.firstPageEveryMs;
  const otherEvery = options.intervals?.otherPagesEveryMs ?? defaults.otherPagesEveryMs;
  // Whole ms: due times are compared with Date-based clocks, which have no fractions.
  const searchEvery = Math.ceil(firstEvery / SEARCH_FACTOR);
  const list = options.list ?? 'followers';
  const label = list === 'followers' ? 'followers list' : 'list of users the bot follows';
  const clampShare = (value: number) => Math.min(1, Math.max(1 / 64, value));
  const share = () => clampShare(options.share?.() ?? 1);
  const firstPeriod = () => Math.ceil(firstEvery / clampShare(options.firstShare?.() ?? share()));
  const otherPeriod = () => Math.ceil(otherEvery / share());

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
  let total = 0;
  /** Where, when and by which read (counted from 1) a read last listed each account. */
  const listings = new Map<string, { offset: number; at: number; read: number }>();
  const absences = new Map<string, number>();
  /** Accounts searched for (pending proofs), with what the search must establish. */
  const wanted = new Map<string, SearchNeed>();
  /** When each wanted account's last search ended (searches repeat a page-1 period apart). */
  const searchedAt = new Map<string, number>();
  let search: Search | null = null;
  let lastSearchAt = Number.NEGATIVE_INFINITY;
  /** Page 1 as the last successful read of it listed it (ULIDs in order), and when. */
  let top: { ulids: string[]; at: number } | null = null;
  /**
   * Two reads of page 1 further apart than this can't tell who was active between them (users
   * may have risen and been pushed off again): everyone on the later one counts as active.
   */
  const topGapMs = () => Math.max(2 * 60_000, 4 * firstPeriod());

  function completePass(finished: Pass): void {
    // One page: the read saw everyone, so anyone missing unfollowed. Several pages: a user can
    // move between pages while they are read one by one, so only a user missing for two whole
    // passes is forgotten (the first pass after a start has no previous one: it forgets nobody).
    const cutoff = pages === 1 ? finished.startedAt : previousPassStartedAt;
    if (cutoff !== null) followers.forgetUnseenSince(cutoff);
    previousPassStartedAt = finished.startedAt;
    known = new Set(followers.all().map((f) => f.ulid));
    // Where forgotten users were listed is of no use any more (unless a proof looks for them).
    for (const ulid of listings.keys()) if (!known.has(ulid) && !wanted.has(ulid)) listings.delete(ulid);
    pass = null;
  }

  async function readPage(page: number, at: number): Promise<string[]> {
    return readAt(page * pageSize, at);
  }

  async function readAt(offset: number, at: number): Promise<string[]> {
    // The RA client given here runs these reads in the follower lane (see ra/lanes.ts): one
    // request per period that decides where the rest of the budget goes keeps its own share and
    // never waits behind a queue of polls.
    const result = await readList(offset);
    reads++;
    total = result.total;
    pages = Math.max(1, Math.ceil(result.total / pageSize));
    const changed = followers.record(result.followers.map(toInput), at);
    result.followers.forEach((f, i) => {
      listings.set(f.ulid.toUpperCase(), { offset: offset + i, at, read: reads });
    });
    if (offset === 0) {
      const ulids = result.followers.map((f) => f.ulid.toUpperCase());
      const active = top === null || at - top.at > topGapMs() ? ulids : risenSince(top.ulids, ulids);
      top = { ulids, at };
      if (active.length > 0) options.onActive?.(active);
    }
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
    if (failing) logger.info(`${label} readable again`);
    failing = false;
    return changed;
  }

  /** Listed by read number `first` or a later one. */
  /** One page of the watched list; rows without a ULID (older servers) by the name the bot knows. */
  async function readList(offset: number): Promise<{ followers: Follower[]; total: number }> {
    if (list === 'followers') return ra.getUsersFollowingMe({ offset, count: pageSize });
    if (!ra.getUsersIFollow) throw new Error('the RA client cannot read API_GetUsersIFollow');
    const page = await ra.getUsersIFollow({ offset, count: pageSize });
    const rows: Follower[] = [];
    for (const row of page.followed) {
      const ulid = row.ulid ?? followers.ulidOfName(row.user);
      if (ulid !== null) rows.push({ ...row, ulid });
    }
    return { followers: rows, total: page.total };
  }

  function listedSince(ulid: string, first: number): boolean {
    const listing = listings.get(ulid);
    return listing !== undefined && listing.read >= first;
  }

  /**
   * The offset a search for `ulid` starts at: half a page above where it was last listed (it may
   * have moved up since, as users above it unfollowed); the top when it was never listed.
   */
  function searchStart(ulid: string): number {
    const listing = listings.get(ulid);
    return listing === undefined ? 0 : Math.max(0, listing.offset - Math.floor(pageSize / 2));
  }

  /** The wanted account whose search is due first, and when. */
  function nextSearch(): { ulid: string; at: number } | null {
    let best: { ulid: string; at: number } | null = null;
    for (const ulid of wanted.keys()) {
      const at = Math.max(
        (searchedAt.get(ulid) ?? Number.NEGATIVE_INFINITY) + firstEvery,
        lastSearchAt + searchEvery,
      );
      if (best === null || at < best.at) best = { ulid, at };
    }
    return best;
  }

  /** One read of a search; ends it when the account is listed, or after the closing page-1 read. */
  async function searchStep(current: Search, at: number): Promise<string[]> {
    lastSearchAt = at;
    const closing = current.offset < 0;
    if (closing) lastFirstAt = at;
    const offset = closing ? 0 : current.offset;
    const changed = await readAt(offset, at);
    const need = wanted.get(current.ulid);
    const end = () => {
      search = null;
      searchedAt.set(current.ulid, at);
    };
    if (need === undefined || listedSince(current.ulid, current.firstRead)) end();
    else if (closing) {
      // Listed nowhere from where it was last seen to the end, nor on page 1 read last.
      absences.set(current.ulid, current.startedAt);
      end();
    } else if (need === 'presence' && listings.has(current.ulid)) end();
    else {
      const next = offset + pageSize - Math.min(SEARCH_OVERLAP, Math.floor(pageSize / 5));
      current.offset = next >= total ? -1 : next;
    }
    return changed;
  }
  /** When the other pages are due: back to back until the first full pass (to know who follows soon). */
  function otherDueAt(): number {
    return known === null ? lastOtherAt : lastOtherAt + otherPeriod();
  }

  /** When the next read is due (epoch ms). */
  function nextDueAt(): number {
    let due = lastFirstAt + firstPeriod();
    if (search !== null) due = Math.min(due, lastSearchAt + searchEvery);
    else {
      const next = nextSearch();
      if (next !== null) due = Math.min(due, next.at);
    }
    if (pass !== null && pass.nextPage < pages) due = Math.min(due, otherDueAt());
    return due;
  }

  /**
   * Reads at most one page: page 1 when due, else the next read of a search for an account when
   * due, else the next other page when due.
   */
  async function stepOnce(): Promise<FollowerRead> {
    const at = now().getTime();
    let page: number | null = null;
    let searching: Search | null = null;
    if (at >= lastFirstAt + firstPeriod()) page = 0;
    else if (search !== null) {
      if (at >= lastSearchAt + searchEvery) searching = search;
    } else {
      const next = nextSearch();
      if (next !== null && at >= next.at) {
        search = { ulid: next.ulid, startedAt: at, firstRead: reads + 1, offset: searchStart(next.ulid) };
        searching = search;
      }
    }
    if (page === null && searching === null && pass !== null && pass.nextPage < pages && at >= otherDueAt()) {
      page = pass.nextPage;
    }
    if (page === null && searching === null) return { page: null, changed: [], ok: true };
    if (page === 0) lastFirstAt = at;
    else if (page !== null) lastOtherAt = at;
    try {
      if (searching !== null) {
        const changed = await searchStep(searching, at);
        if (changed.length > 0) options.onPointsChanged?.(changed);
        return { page: null, changed, ok: true };
      }
      const read = page as number;
      const changed = await readPage(read, at);
      if (read === 0 && pass === null) pass = { startedAt: at, nextPage: 1 };
      else if (read > 0 && pass !== null) pass.nextPage = read + 1;
      if (pass !== null && pass.nextPage >= pages) completePass(pass);
      if (changed.length > 0) options.onPointsChanged?.(changed);
      return { page: read, changed, ok: true };
    } catch (error) {
      if (searching !== null) search = null; // a failed search proves nothing: it starts over
      if (!failing) {
        logger.warn(
          { page: (page ?? 0) + 1, err: errorMessage(error) },
          `could not read the ${label}; every tracked user is still polled, it is read again shortly`,
        );
      }
      failing = true;
      return { page: null, changed: [], ok: false };
    }
  }

  /** One read at a time: the timer and a direct call never read at once. */
  function step(): Promise<FollowerRead> {
    const previous = running ?? Promise.resolve();
    const next: Promise<FollowerRead> = previous
      .catch(() => undefined)
      .then(() => stepOnce())
      .finally(() => {
        if (running === next) running = null;
      });
    running = next;
    return next;
  }

  function schedule(): void {
    if (stopped) return;
    // At most one base period: the share can grow meanwhile (users tracked), shortening the wait.
    const delay = Math.min(firstEvery, Math.max(0, nextDueAt() - now().getTime()));
    timer = timers.setTimeout(() => {
      timer = null;
      void step().finally(schedule);
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
    /** What the reads say about one account now (for the `/link` proof). */
    observe(ulid: string): FollowerObservation {
      const key = ulid.toUpperCase();
      return { listedAt: listings.get(key)?.at ?? null, absentAt: absences.get(key) ?? null };
    },
    /**
     * Keep searching the list for one account (a pending `/link` proof) until `stopSearch`: a
     * search repeats a page-1 period after the last one ended, its reads a fifth of that apart.
     */
    search(ulid: string, need: SearchNeed): void {
      const key = ulid.toUpperCase();
      if (wanted.get(key) !== need) searchedAt.delete(key);
      wanted.set(key, need);
    },
    stopSearch(ulid: string): void {
      const key = ulid.toUpperCase();
      wanted.delete(key);
      searchedAt.delete(key);
      absences.delete(key);
    },
    /**
     * Whether page 1 was read recently enough that the users on this list who were active are
     * reported (`onActive`) or their points changes are: false before the first read, and while
     * reads fail.
     */
    watching(): boolean {
      return top !== null && now().getTime() - top.at <= topGapMs();
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
