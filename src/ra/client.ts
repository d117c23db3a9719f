/**
 * RetroAchievements web API client: one undici keep-alive pool, one rate limiter and one
 * concurrency cap per instance (RA's limits are per API key, so a process should create one
 * client and share it), bounded retries, shared identical in-flight requests and typed errors.
 *
 * Secrets: the API key lives only in the query string built in `sendOnce`. Errors and log lines
 * carry the endpoint name and the non-secret parameters, never the URL, and network error
 * causes are rebuilt from scrubbed text so no undici object holding the URL hangs off a cause.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { type Logger, scrubSecrets } from '../log.js';
import { errorMessage } from '../util/error-message.js';
import { USER_AGENT } from '../version.js';
import {
  RaAuthError,
  type RaError,
  RaInvalidInputError,
  RaMalformedResponseError,
  RaMemberAllowanceError,
  RaNotFoundError,
  RaRateLimitedError,
  RaUnavailableError,
} from './errors.js';
import { type BackgroundLane, type Lane, Semaphore, StartGate } from './gate.js';
import {
  type GameAwardPage,
  gameExists,
  normalizeAchievementOfTheWeek,
  normalizeConsoles,
  normalizeGameDetails,
  normalizeGameLeaderboards,
  normalizeGameList,
  normalizeGameProgress,
  normalizeLeaderboardEntries,
  normalizeRecentGameAwards,
  normalizeRecentlyPlayedGames,
  normalizeUnlockEvents,
  normalizeUserAwards,
  normalizeUserGameLeaderboards,
  normalizeUserProfile,
  normalizeUserSummary,
  normalizeUsersFollowingMe,
  normalizeUsersIFollow,
} from './normalize.js';
import {
  type AchievementOfTheWeek,
  AWARD_KINDS,
  type AwardKind,
  type FollowedPage,
  type FollowersPage,
  type GameAwardEvent,
  type GameDetails,
  type GameListEntry,
  type GameProgress,
  type RaConsole,
  type RaLeaderboard,
  type RaLeaderboardEntry,
  type RaPage,
  type RaUserLeaderboardEntry,
  type RecentlyPlayedGame,
  type UnlockEvent,
  type UserAwards,
  type UserProfile,
  type UserSummary,
} from './types.js';
import { parseRaUser } from './validate.js';

export interface RaClientOptions {
  /** API base, e.g. `https://retroachievements.org/API`. */
  apiUrl: string;
  apiKey: string;
  /** Sent as `z`; the server ignores it today. */
  username?: string;
  /** Request starts are spaced at least 1/requestsPerSecond apart (retries included). */
  requestsPerSecond: number;
  /**
   * Requests in flight at once. Default: enough to keep `requestsPerSecond` going at up to 1 s
   * of RA latency (rps x 1 s), at least 2 and at most 32, plus the one slot kept for interactive
   * requests. A fixed 2 capped a 100 rps client at
   * ~2/latency (25 rps at 80 ms): the poll cycle took 4.3x its rate-limit floor.
   */
  maxConcurrency?: number;
  /** Per attempt, covering headers and body. Default 15000. */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 5xx, timeouts and connection errors. Default 3. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter. Default 500. */
  baseBackoffMs?: number;
  logger: Logger;
  /** Jitter source in [0, 1); injectable for deterministic tests. */
  random?: () => number;
  /** A background request waiting longer than this goes first (default BACKGROUND_MAX_WAIT_MS). */
  backgroundMaxWaitMs?: number;
  /**
   * What one member may spend inside runAsMember(): a bucket of `burst` requests refilled at
   * `perSecond`. Default: memberAllowanceFor(requestsPerSecond).
   */
  memberAllowance?: MemberAllowance;
  /** This machine's clock (epoch ms), against which RA's `Date` header is compared. */
  now?: () => number;
  /** Optional instrumentation (metrics); the client works the same without it. */
  observer?: RaObserver;
}

/** Told about every attempt's outcome and every wait on the rate limiter. */
export interface RaObserver {
  attempt?(endpoint: string, outcome: 'ok' | RaError['kind']): void;
  /** `background`: the poller, follower watcher, award feed and community lanes; `idle`: the catalogue. */
  waited?(lane: 'interactive' | 'background' | 'idle', ms: number): void;
}

export interface MemberAllowance {
  burst: number;
  perSecond: number;
}

/** A third of the key, sustained, per member; bursts of 20 (a few /progress at once) at 1 request/s. */
export function memberAllowanceFor(requestsPerSecond: number): MemberAllowance {
  return { burst: Math.max(20, Math.ceil(20 * requestsPerSecond)), perSecond: requestsPerSecond / 3 };
}

/** A clock difference with RA above this is logged as a warning. */
export const CLOCK_SKEW_WARN_MS = 60_000;
/**
 * Below this, a measured difference is noise (RA's `Date` header has whole seconds, plus the
 * request's own latency): times are then taken as they are.
 */
export const CLOCK_SKEW_NOISE_MS = 5_000;

export interface RecentlyPlayedOptions {
  offset?: number;
  /** 1-50 (RA's maximum). */
  count?: number;
}

export interface RecentGameAwardsOptions {
  /** Awards on or before this UTC day. */
  date?: Date;
  offset?: number;
  /** 1-100 (RA's maximum). */
  count?: number;
  kinds?: readonly AwardKind[];
}

export interface FollowersOptions {
  offset?: number;
  /** 1-500 (RA's maximum; RA's default is 100). */
  count?: number;
}

export interface RaClientStats {
  /** Attempts actually sent (retries included, shared in-flight calls counted once). */
  requests: number;
  byEndpoint: Record<string, number>;
  retries: number;
}

export interface RaClient {
  /** Validates a user and gets the stable ULID. Unknown user -> RaNotFoundError('user'). */
  getUserProfile(user: string): Promise<UserProfile>;
  /**
   * A game with the user's unlocks and highest award. Unknown user -> RaNotFoundError('user'),
   * unknown game -> RaNotFoundError('game') (RA answers both with `[]`; one extra API_GetGame
   * call, only on that path, tells them apart).
   */
  getGameInfoAndUserProgress(user: string, gameId: number): Promise<GameProgress>;
  /** Unlocks in the last `minutes`, newest first. An unknown user gives [] (RA can't tell). */
  getUserRecentAchievements(user: string, minutes: number): Promise<UnlockEvent[]>;
  /** Unlocks with from <= date <= to (second precision), oldest first, all pages. */
  getAchievementsEarnedBetween(user: string, from: Date, to: Date): Promise<UnlockEvent[]>;
  getUserRecentlyPlayedGames(user: string, options?: RecentlyPlayedOptions): Promise<RecentlyPlayedGame[]>;
  /** Site-wide award feed, newest first. */
  getRecentGameAwards(options?: RecentGameAwardsOptions): Promise<GameAwardEvent[]>;
  /** Heavy on RA's side (rank per call): for commands only, never for polling. */
  getUserSummary(user: string, options?: { recentUnlocks?: number }): Promise<UserSummary>;
  /** Award counts and visible game awards. Unknown user -> RaNotFoundError('user'). */
  getUserAwards(user: string): Promise<UserAwards>;
  /**
   * RA users who follow the API key's owner, most recently active first, with their points.
   * Following happens on RA's website only.
   */
  getUsersFollowingMe(options?: FollowersOptions): Promise<FollowersPage>;
  /** RA users the API key's owner follows (the mirror list), most recently active first. */
  getUsersIFollow(options?: FollowersOptions): Promise<FollowedPage>;
  /** One page of the award feed with RA's `Total` (rows RA dropped still count there). */
  getRecentGameAwardsPage(options?: RecentGameAwardsOptions): Promise<GameAwardPage>;
  /** RA's current Achievement of the Week, or null when none is set. */
  getAchievementOfTheWeek(): Promise<AchievementOfTheWeek | null>;
  /**
   * Runs `work` with every request it makes in a background lane (default: the poller's):
   * behind requests a person is waiting for (commands, autocomplete), which are the default, and
   * sharing the rest with the other background lanes by weight (ra/lanes.ts, README "Lane
   * shares"). `urgent`: its requests go ahead of the lane's other waiters (not of other lanes).
   */
  runInBackground<T>(
    work: () => Promise<T>,
    lane?: Exclude<BackgroundLane, 'catalogue'>,
    options?: { urgent?: boolean },
  ): Promise<T>;
  /**
   * Runs `work` on behalf of a Discord member: its requests spend that member's allowance, and
   * once it is spent they fail at once with RaMemberAllowanceError ("slow down"), so one member
   * can't spend the key alone. Shared in-flight requests cost nothing.
   */
  runAsMember<T>(memberId: string, work: () => Promise<T>): Promise<T>;
  /**
   * RA's clock minus this machine's, in ms, from the `Date` header of the latest answer that had
   * one; null before any. Positive: RA is ahead.
   */
  clockSkewMs(): number | null;
  /**
   * "Now" on RA's clock (this machine's time plus the skew, when the skew is more than noise):
   * what to compare RA's timestamps with, e.g. when tracking starts.
   */
  raNow(localMs: number): number;
  /** Stops new requests, aborts those in flight and closes the connection pool. */
  close(): Promise<void>;
  stats(): RaClientStats;
}

/**
 * The catalogue's endpoints and the idle lane (issue 13). Kept apart from `RaClient` so stubs of
 * the core client need not grow; `createRaClient` returns both.
 */
/** RA's leaderboards (issue 18): kept apart so a stub of the core client needn't carry them. */
export interface RaLeaderboardApi {
  /** API_GetGameLeaderboards: one page of a game's boards (`count` at most 500). */
  getGameLeaderboards(
    gameId: number,
    page?: { offset?: number; count?: number },
  ): Promise<RaPage<RaLeaderboard>>;
  /** API_GetLeaderboardEntries: one page of a board's entries, best first. */
  getLeaderboardEntries(
    leaderboardId: number,
    page?: { offset?: number; count?: number },
  ): Promise<RaPage<RaLeaderboardEntry>>;
  /** API_GetUserGameLeaderboards: the user's entries on the game's boards (one request per user and game). */
  getUserGameLeaderboards(user: string, gameId: number): Promise<RaPage<RaUserLeaderboardEntry>>;
}

export interface RaCatalogueApi {
  /** API_GetConsoleIDs with a=1 g=1: active game systems. */
  getConsoleIds(): Promise<RaConsole[]>;
  /** API_GetGameList with f=1: the console's games that have achievements. */
  getGameList(consoleId: number): Promise<GameListEntry[]>;
  /** API_GetGameExtended: a set's card. Unknown game -> RaNotFoundError('game'). */
  getGameExtended(gameId: number): Promise<GameDetails>;
  /**
   * Runs `work` with every request it makes in the catalogue lane, the lightest background lane
   * (ra/lanes.ts): for bulk work nobody waits on, still sure of its share under any load.
   */
  runWhenIdle<T>(work: () => Promise<T>): Promise<T>;
}

/** RA caps both unlock endpoints at 500 rows. */
const UNLOCK_PAGE_CAP = 500;
/** Guard against a server that keeps answering full pages: 100 pages = 50,000 unlocks. */
const MAX_UNLOCK_PAGES = 100;
const MAX_RETRY_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

type Params = Record<string, string>;

const REQUEST_HEADERS = { accept: 'application/json', 'user-agent': USER_AGENT } as const;
/**
 * A background request (the poller) waiting longer than this goes before interactive ones: people
 * go first, but a stream of commands can never stall announcements (aging).
 */
export const BACKGROUND_MAX_WAIT_MS = 5_000;

/** A response the endpoint methods interpret: 200, or 404 (GetUserProfile's "no such user"). */
interface RaResponse {
  status: 200 | 404;
  body: unknown;
}

type AttemptOutcome =
  | { kind: 'ok'; response: RaResponse }
  | { kind: 'fail'; error: RaError; retry: 'yes' | 'once' | 'no'; retryAfterMs: number | null };

// ---------------------------------------------------------------------------------------------
// Input validation: everything is checked before a request is queued.
// ---------------------------------------------------------------------------------------------

function requireInteger(value: number, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RaInvalidInputError(field, `expected a whole number from ${min} to ${max}.`);
  }
  return value;
}

function requireGameId(gameId: number): number {
  if (!Number.isSafeInteger(gameId) || gameId <= 0) {
    throw new RaInvalidInputError('game id', 'a game id is a positive whole number.', 'game-id-format');
  }
  return gameId;
}

function requireDate(value: Date, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RaInvalidInputError(field, 'expected a valid date.');
  }
  return value;
}

function requireKinds(kinds: readonly AwardKind[]): string {
  if (kinds.length === 0 || kinds.some((k) => !(AWARD_KINDS as readonly string[]).includes(k))) {
    throw new RaInvalidInputError('award kinds', `expected some of ${AWARD_KINDS.join(', ')}.`);
  }
  return [...new Set(kinds)].join(',');
}

const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** RA latency the default concurrency is sized for: in flight = rate x latency (Little's law). */
const SIZED_FOR_LATENCY_S = 1;
const MIN_DEFAULT_CONCURRENCY = 2;
const MAX_DEFAULT_CONCURRENCY = 32;

function defaultConcurrency(options: Pick<RaClientOptions, 'requestsPerSecond'>): number {
  const needed = Math.ceil(options.requestsPerSecond * SIZED_FOR_LATENCY_S);
  // +1: the Semaphore keeps one slot for requests a person waits for, so the poller alone still
  // gets enough connections to keep the rate busy.
  return Math.min(MAX_DEFAULT_CONCURRENCY, Math.max(MIN_DEFAULT_CONCURRENCY, needed)) + 1;
}

// ---------------------------------------------------------------------------------------------
// Response classification
// ---------------------------------------------------------------------------------------------

/** Retry-After as seconds or an HTTP date, in ms from now, capped; null when absent/garbled. */
export function parseRetryAfter(header: string | string[] | undefined, nowMs = Date.now()): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return null;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

const FIELD_NAMES: Record<string, string> = {
  u: 'user',
  g: 'game id',
  i: 'game id',
  m: 'minutes',
  f: 'from date',
  t: 'to date',
  o: 'offset',
  c: 'count',
  d: 'date',
  k: 'award kinds',
};

/** 422 body: `{"message": "...", "errors": {"u": ["..."]}}`; names the first rejected field. */
function invalidInputFrom422(text: string): RaInvalidInputError {
  let field = 'request';
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'errors' in body) {
      const errors = (body as { errors: unknown }).errors;
      const first = errors && typeof errors === 'object' ? Object.keys(errors)[0] : undefined;
      // Only known names reach the user's reply: the rest of RA's text stays out of it.
      if (first) field = FIELD_NAMES[first] ?? 'request';
    }
  } catch {
    // A 422 without a readable body still means "RA refused the input".
  }
  return new RaInvalidInputError(field, 'RetroAchievements refused it (422).', 'refused');
}

function classifyResponse(
  endpoint: string,
  status: number,
  retryAfter: string | string[] | undefined,
  text: string,
): AttemptOutcome {
  if (status === 200 || status === 404) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // A 200 HTML page usually comes from a proxy/CDN hiccup: worth one more try. A 404 that
      // isn't JSON is a wrong URL (no such endpoint), which won't get better.
      return status === 200
        ? fail(new RaMalformedResponseError(`${endpoint}: body is not JSON`), 'once')
        : fail(new RaUnavailableError(`${endpoint}: HTTP 404 without a JSON body`), 'no');
    }
    return { kind: 'ok', response: { status, body } };
  }
  if (status === 401) return fail(new RaAuthError(), 'no');
  if (status === 403) return fail(new RaAuthError('RetroAchievements refused the API key (403)'), 'no');
  if (status === 422) return fail(invalidInputFrom422(text), 'no');
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return fail(new RaRateLimitedError(retryAfterMs), 'yes', retryAfterMs);
  }
  if (status >= 500) return fail(new RaUnavailableError(`${endpoint}: HTTP ${status}`), 'yes');
  return fail(new RaUnavailableError(`${endpoint}: unexpected HTTP ${status}`), 'no');
}

/** The lane label the observer (metrics) has always used. */
function observedLane(lane: Lane): 'interactive' | 'background' | 'idle' {
  if (lane === 'interactive') return 'interactive';
  return lane === 'catalogue' ? 'idle' : 'background';
}

function fail(
  error: RaError,
  retry: 'yes' | 'once' | 'no',
  retryAfterMs: number | null = null,
): AttemptOutcome {
  return { kind: 'fail', error, retry, retryAfterMs };
}

/** A cause safe to keep: the error's code and scrubbed message, nothing that may hold a URL. */
function safeCause(err: unknown, apiKey: string): Error {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  const message = errorMessage(err);
  return new Error(scrubSecrets([code, message].filter(Boolean).join(': '), [apiKey]).slice(0, 300));
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

export function createRaClient(options: RaClientOptions): RaClient & RaCatalogueApi & RaLeaderboardApi {
  const base = new URL(options.apiUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error('RA apiUrl must be an http(s) URL');
  }
  if (!(options.requestsPerSecond > 0)) throw new Error('RA requestsPerSecond must be > 0');
  const basePath = base.pathname.replace(/\/+$/, '');
  const { apiKey, logger } = options;
  const maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency ?? defaultConcurrency(options)));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 3));
  const baseBackoffMs = options.baseBackoffMs ?? 500;
  const random = options.random ?? Math.random;

  const pool = new Pool(base.origin, {
    connections: maxConcurrency,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const backgroundMaxWaitMs = options.backgroundMaxWaitMs ?? BACKGROUND_MAX_WAIT_MS;
  const gate = new StartGate(1000 / options.requestsPerSecond, backgroundMaxWaitMs);
  const semaphore = new Semaphore(maxConcurrency, backgroundMaxWaitMs);
  const inFlight = new Map<string, Promise<RaResponse>>();
  /** Aborted on close(): wakes sleepers and cancels requests in flight. */
  const closing = new AbortController();
  /** Attempts in flight, aborted by close(). */
  const attempts = new Set<AbortController>();
  const debugEnabled = () => logger.isLevelEnabled?.('debug') ?? true;
  const counters: RaClientStats = { requests: 0, byEndpoint: {}, retries: 0 };
  /** 429s in a row (any request): the key's pause grows with it when RA sends no Retry-After. */
  let rateLimitStreak = 0;
  /** Set for the duration of runInBackground(): every request made inside goes in that lane. */
  const backgroundLane = new AsyncLocalStorage<Lane>();
  /** Set inside runInBackground(..., { urgent: true }): first in its lane. */
  const urgentScope = new AsyncLocalStorage<boolean>();
  /** Set for the duration of runAsMember(). */
  const memberScope = new AsyncLocalStorage<string>();
  const allowance = options.memberAllowance ?? memberAllowanceFor(options.requestsPerSecond);
  const buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one request from the member's bucket, or throws how long until one is back. */
  function spendAllowance(member: string): void {
    const at = performance.now();
    const bucket = buckets.get(member) ?? { tokens: allowance.burst, at };
    bucket.tokens = Math.min(
      allowance.burst,
      bucket.tokens + ((at - bucket.at) / 1000) * allowance.perSecond,
    );
    bucket.at = at;
    if (bucket.tokens < 1)
      throw new RaMemberAllowanceError(((1 - bucket.tokens) / allowance.perSecond) * 1000);
    bucket.tokens -= 1;
    buckets.set(member, bucket);
    if (buckets.size > 1000) {
      // Members whose bucket has refilled need no entry.
      for (const [key, b] of buckets) {
        if (b.tokens + ((at - b.at) / 1000) * allowance.perSecond >= allowance.burst) buckets.delete(key);
      }
    }
  }

  const closedError = () => new RaUnavailableError('the RA client is closed');
  const localNow = options.now ?? Date.now;
  let skewMs: number | null = null;
  let skewWarned = false;

  /** Measures the skew from an answer's `Date` header (whole seconds: its middle is +500 ms). */
  function measureSkew(header: string | string[] | undefined, sentAt: number, receivedAt: number): void {
    const text = Array.isArray(header) ? header[0] : header;
    const serverMs = text ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(serverMs)) return;
    skewMs = Math.round(serverMs + 500 - (sentAt + receivedAt) / 2);
    const large = Math.abs(skewMs) > CLOCK_SKEW_WARN_MS;
    if (large && !skewWarned) {
      logger.warn(
        { skewSeconds: Math.round(skewMs / 1000) },
        'this machine’s clock differs from RetroAchievements’ by over a minute; fix the system clock (NTP). Tracking times follow RA’s clock meanwhile',
      );
    }
    skewWarned = large;
  }

  /** One HTTP attempt: waits for a concurrency slot and a start slot, then sends. */
  async function sendOnce(endpoint: string, params: Params): Promise<AttemptOutcome> {
    const lane: Lane = backgroundLane.getStore() ?? 'interactive';
    const urgent = urgentScope.getStore() === true;
    const release = await semaphore.acquire(lane, urgent);
    try {
      const waitStarted = performance.now();
      await gate.take(lane, urgent);
      options.observer?.waited?.(observedLane(lane), performance.now() - waitStarted);
      counters.requests++;
      counters.byEndpoint[endpoint] = (counters.byEndpoint[endpoint] ?? 0) + 1;
      const query = new URLSearchParams(params);
      query.set('y', apiKey);
      if (options.username) query.set('z', options.username);
      // One controller and one cleared timer per attempt. AbortSignal.timeout() + AbortSignal.any()
      // cost ~40 us each here and every timeout signal still fires (a DOMException and an abort
      // event) timeoutMs after its request has long finished: at 100 requests/s that was a
      // measurable share of the poll cycle's CPU (bench/poll-cycle.ts).
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      attempts.add(controller);
      const started = performance.now();
      const sentAt = localNow();
      try {
        const res = await pool.request({
          path: `${basePath}/API_${endpoint}.php?${query.toString()}`,
          method: 'GET',
          headers: REQUEST_HEADERS,
          signal: controller.signal,
        });
        const text = await res.body.text();
        measureSkew(res.headers.date, sentAt, localNow());
        if (debugEnabled()) {
          logger.debug(
            { endpoint, params, status: res.statusCode, ms: Math.round(performance.now() - started) },
            'RA response',
          );
        }
        return classifyResponse(endpoint, res.statusCode, res.headers['retry-after'], text);
      } catch (err) {
        if (closing.signal.aborted) return fail(closedError(), 'no');
        const detail = timedOut
          ? `${endpoint}: no answer within ${timeoutMs} ms`
          : `${endpoint}: network error`;
        return fail(new RaUnavailableError(detail, { cause: safeCause(err, apiKey) }), 'yes');
      } finally {
        clearTimeout(timer);
        attempts.delete(controller);
      }
    } catch (err) {
      // Only the gate wait lands here: it is aborted by close().
      if (closing.signal.aborted) return fail(closedError(), 'no');
      throw err;
    } finally {
      release();
    }
  }

  function backoffMs(retryIndex: number): number {
    const ceiling = Math.min(baseBackoffMs * 2 ** retryIndex, MAX_BACKOFF_MS);
    // "Equal jitter": at least half the ceiling, so retries never bunch up at zero.
    return ceiling / 2 + random() * (ceiling / 2);
  }

  async function requestWithRetries(endpoint: string, params: Params): Promise<RaResponse> {
    let retried = 0;
    let malformedRetried = false;
    for (;;) {
      if (closing.signal.aborted) throw closedError();
      const outcome = await sendOnce(endpoint, params);
      options.observer?.attempt?.(endpoint, outcome.kind === 'ok' ? 'ok' : outcome.error.kind);
      if (outcome.kind === 'ok') {
        rateLimitStreak = 0;
        return outcome.response;
      }
      const { error, retryAfterMs } = outcome;
      const rateLimited = error.kind === 'rate-limited';
      // RA asked everyone on this key to wait, whether or not this request is retried: for its
      // Retry-After, else a backoff that grows while 429s keep coming.
      if (rateLimited) {
        const pauseMs = retryAfterMs ?? backoffMs(Math.min(rateLimitStreak, 6));
        // Logged once per episode: the first 429 since a request last succeeded. Answers to
        // requests sent before the pause began arrive during it or, on a slow machine, just
        // after it; they extend the pause but are the same episode.
        const firstOfEpisode = rateLimitStreak === 0;
        rateLimitStreak++;
        gate.pauseFor(pauseMs);
        if (firstOfEpisode) {
          logger.warn(
            { endpoint, pauseMs: Math.round(pauseMs), retryAfter: retryAfterMs !== null },
            'RA rate limit (HTTP 429): every request on this key is paused',
          );
        }
      }
      const mayRetry = outcome.retry === 'yes' || (outcome.retry === 'once' && !malformedRetried);
      if (!mayRetry || retried >= maxRetries) {
        logger.warn({ endpoint, params, err: error.message, retries: retried }, 'RA request failed');
        throw error;
      }
      const delay = retryAfterMs ?? backoffMs(retried);
      if (outcome.retry === 'once') malformedRetried = true;
      retried++;
      counters.retries++;
      // A 429 was logged once for the whole key above.
      logger[rateLimited ? 'debug' : 'warn'](
        { endpoint, params, err: error.message, retry: retried, delayMs: Math.round(delay) },
        'RA retry',
      );
      try {
        await sleep(delay, undefined, { signal: closing.signal });
      } catch {
        throw closedError();
      }
    }
  }

  /** Identical requests already in flight share one promise (and one HTTP request). */
  function request(endpoint: string, params: Params): Promise<RaResponse> {
    if (closing.signal.aborted) return Promise.reject(closedError());
    const key = `${endpoint}?${new URLSearchParams(params).toString()}`;
    const existing = inFlight.get(key);
    if (existing) return existing;
    const member = memberScope.getStore();
    if (member !== undefined && backgroundLane.getStore() === undefined) {
      try {
        spendAllowance(member);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const pending = requestWithRetries(endpoint, params).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
    return pending;
  }

  /** Endpoints other than GetUserProfile never answer 404 with JSON for a good request. */
  async function request200(endpoint: string, params: Params): Promise<unknown> {
    const { status, body } = await request(endpoint, params);
    if (status !== 200) throw new RaUnavailableError(`${endpoint}: unexpected HTTP ${status}`);
    return body;
  }

  async function getUserProfile(user: string): Promise<UserProfile> {
    const u = parseRaUser(user);
    const { status, body } = await request('GetUserProfile', { u });
    if (status === 404) throw new RaNotFoundError('user', u);
    return normalizeUserProfile(body, u);
  }

  async function getGameInfoAndUserProgress(user: string, gameId: number): Promise<GameProgress> {
    const u = parseRaUser(user);
    const g = requireGameId(gameId);
    const body = await request200('GetGameInfoAndUserProgress', { u, g: String(g), a: '1' });
    try {
      return normalizeGameProgress(body, { what: 'user-or-game', query: `${u} / game ${g}` });
    } catch (err) {
      if (err instanceof RaNotFoundError) throw await whichIsMissing(u, g, err);
      throw err;
    }
  }

  /** RA's `[]` doesn't say whether the user or the game is unknown; the game is cheap to check. */
  async function whichIsMissing(u: string, g: number, original: RaNotFoundError): Promise<RaNotFoundError> {
    try {
      const exists = gameExists(await request200('GetGame', { i: String(g) }));
      return exists ? new RaNotFoundError('user', u) : new RaNotFoundError('game', String(g));
    } catch {
      return original;
    }
  }

  async function getUserRecentAchievements(user: string, minutes: number): Promise<UnlockEvent[]> {
    const u = parseRaUser(user);
    const m = requireInteger(minutes, 'minutes', 1, 60 * 24 * 31);
    const body = await request200('GetUserRecentAchievements', { u, m: String(m) });
    return normalizeUnlockEvents(body, 'GetUserRecentAchievements', skipped);
  }

  async function getAchievementsEarnedBetween(user: string, from: Date, to: Date): Promise<UnlockEvent[]> {
    const u = parseRaUser(user);
    const fromSec = unixSeconds(requireDate(from, 'from date'));
    const toSec = unixSeconds(requireDate(to, 'to date'));
    if (from.getTime() > to.getTime())
      throw new RaInvalidInputError('date range', 'the start must not be after the end.');
    const seen = new Set<string>();
    const events: UnlockEvent[] = [];
    let f = fromSec;
    for (let page = 0; ; page++) {
      const body = await request200('GetAchievementsEarnedBetween', { u, f: String(f), t: String(toSec) });
      const rows = normalizeUnlockEvents(body, 'GetAchievementsEarnedBetween', skipped);
      for (const row of rows) {
        const key = `${row.achievementId}:${row.hardcore ? 1 : 0}:${row.date.getTime()}`;
        if (seen.has(key)) continue;
        seen.add(key);
        events.push(row);
      }
      const last = rows.at(-1);
      if (rows.length < UNLOCK_PAGE_CAP || !last) break;
      // Restart AT the last row's second (inclusive) so rows sharing it beyond the cap aren't
      // skipped; the dedupe drops the overlap. Step past it only if that makes no progress.
      const lastSec = unixSeconds(last.date);
      f = lastSec > f ? lastSec : f + 1;
      if (f > toSec) break;
      if (page + 1 >= MAX_UNLOCK_PAGES) {
        logger.warn(
          { endpoint: 'GetAchievementsEarnedBetween', u, pages: page + 1 },
          'RA paging stopped early',
        );
        break;
      }
    }
    return events;
  }

  async function getUserRecentlyPlayedGames(
    user: string,
    opts: RecentlyPlayedOptions = {},
  ): Promise<RecentlyPlayedGame[]> {
    const u = parseRaUser(user);
    const params: Params = { u };
    if (opts.offset !== undefined) params.o = String(requireInteger(opts.offset, 'offset', 0));
    if (opts.count !== undefined) params.c = String(requireInteger(opts.count, 'count', 1, 50));
    return normalizeRecentlyPlayedGames(await request200('GetUserRecentlyPlayedGames', params));
  }

  /** Logs each list row RA sent that the bot can't read (it is skipped; the rest counts). */
  function skipped(where: string, error: RaMalformedResponseError): void {
    logger.warn(
      { where, err: error.message },
      'RA sent an unreadable row; skipped it, the rest of the list counts',
    );
  }

  async function getRecentGameAwardsPage(opts: RecentGameAwardsOptions = {}): Promise<GameAwardPage> {
    const params: Params = {};
    if (opts.date !== undefined) params.d = requireDate(opts.date, 'date').toISOString().slice(0, 10);
    if (opts.offset !== undefined) params.o = String(requireInteger(opts.offset, 'offset', 0));
    if (opts.count !== undefined) params.c = String(requireInteger(opts.count, 'count', 1, 100));
    if (opts.kinds !== undefined) params.k = requireKinds(opts.kinds);
    return normalizeRecentGameAwards(await request200('GetRecentGameAwards', params), skipped);
  }

  async function getUserSummary(user: string, opts: { recentUnlocks?: number } = {}): Promise<UserSummary> {
    const u = parseRaUser(user);
    const a = String(requireInteger(opts.recentUnlocks ?? 5, 'recent unlocks', 0, 50));
    // g=0: the last game comes anyway; the recently played list isn't needed.
    const { status, body } = await request('GetUserSummary', { u, g: '0', a });
    if (status === 404) throw new RaNotFoundError('user', u);
    if (status !== 200) throw new RaUnavailableError(`GetUserSummary: unexpected HTTP ${status}`);
    return normalizeUserSummary(body, u);
  }

  async function getUserAwards(user: string): Promise<UserAwards> {
    const u = parseRaUser(user);
    return normalizeUserAwards(await request200('GetUserAwards', { u }), u);
  }

  async function getUsersFollowingMe(opts: FollowersOptions = {}): Promise<FollowersPage> {
    const params: Params = {};
    if (opts.offset !== undefined) params.o = String(requireInteger(opts.offset, 'offset', 0));
    if (opts.count !== undefined) params.c = String(requireInteger(opts.count, 'count', 1, 500));
    return normalizeUsersFollowingMe(await request200('GetUsersFollowingMe', params));
  }

  async function getUsersIFollow(opts: FollowersOptions = {}): Promise<FollowedPage> {
    return normalizeUsersIFollow(await request200('GetUsersIFollow', pageParams(opts)));
  }

  function pageParams(page: { offset?: number; count?: number } = {}): Params {
    const params: Params = {};
    if (page.offset !== undefined) params.o = String(requireInteger(page.offset, 'offset', 0));
    if (page.count !== undefined) params.c = String(requireInteger(page.count, 'count', 1, 500));
    return params;
  }

  async function getGameLeaderboards(
    gameId: number,
    page?: { offset?: number; count?: number },
  ): Promise<RaPage<RaLeaderboard>> {
    const i = String(requireGameId(gameId));
    return normalizeGameLeaderboards(await request200('GetGameLeaderboards', { i, ...pageParams(page) }));
  }

  async function getLeaderboardEntries(
    leaderboardId: number,
    page?: { offset?: number; count?: number },
  ): Promise<RaPage<RaLeaderboardEntry>> {
    const i = String(requireInteger(leaderboardId, 'leaderboard id', 1));
    return normalizeLeaderboardEntries(await request200('GetLeaderboardEntries', { i, ...pageParams(page) }));
  }

  async function getUserGameLeaderboards(
    user: string,
    gameId: number,
  ): Promise<RaPage<RaUserLeaderboardEntry>> {
    const u = parseRaUser(user);
    const i = String(requireGameId(gameId));
    return normalizeUserGameLeaderboards(await request200('GetUserGameLeaderboards', { i, u, c: '500' }));
  }

  async function getConsoleIds(): Promise<RaConsole[]> {
    return normalizeConsoles(await request200('GetConsoleIDs', { a: '1', g: '1' }));
  }

  async function getGameList(consoleId: number): Promise<GameListEntry[]> {
    const i = String(requireInteger(consoleId, 'console id', 1));
    return normalizeGameList(await request200('GetGameList', { i, f: '1' }));
  }

  async function getGameExtended(gameId: number): Promise<GameDetails> {
    const i = String(requireGameId(gameId));
    return normalizeGameDetails(await request200('GetGameExtended', { i }), i);
  }

  async function getAchievementOfTheWeek(): Promise<AchievementOfTheWeek | null> {
    return normalizeAchievementOfTheWeek(await request200('GetAchievementOfTheWeek', {}));
  }

  async function close(): Promise<void> {
    if (closing.signal.aborted) return;
    closing.abort();
    gate.close(closedError());
    for (const attempt of attempts) attempt.abort();
    await pool.close();
  }

  function stats(): RaClientStats {
    return { requests: counters.requests, byEndpoint: { ...counters.byEndpoint }, retries: counters.retries };
  }

  return {
    runInBackground: (work, lane = 'poller', runOptions) =>
      backgroundLane.run(lane, () => urgentScope.run(runOptions?.urgent === true, work)),
    runAsMember: (memberId, work) => memberScope.run(memberId, work),
    runWhenIdle: (work) => backgroundLane.run('catalogue', work),
    getConsoleIds,
    getGameList,
    getGameExtended,
    clockSkewMs: () => skewMs,
    raNow: (local) => (skewMs !== null && Math.abs(skewMs) >= CLOCK_SKEW_NOISE_MS ? local + skewMs : local),
    getUserProfile,
    getGameInfoAndUserProgress,
    getUserRecentAchievements,
    getAchievementsEarnedBetween,
    getUserRecentlyPlayedGames,
    getRecentGameAwards: async (opts) => (await getRecentGameAwardsPage(opts)).events,
    getRecentGameAwardsPage,
    getUserSummary,
    getUserAwards,
    getUsersFollowingMe,
    getUsersIFollow,
    getGameLeaderboards,
    getLeaderboardEntries,
    getUserGameLeaderboards,
    getAchievementOfTheWeek,
    close,
    stats,
  };
}
