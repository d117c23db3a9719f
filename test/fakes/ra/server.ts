/**
 * A fake RetroAchievements web API and media host on a real loopback HTTP server. Responses
 * mimic the current server (see docs/ra-api.md); `compat` switches on older-server quirks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pngFor } from './png.js';
import {
  FAKE_AWARD_RANK,
  type FakeAward,
  type FakeAwardKind,
  type FakeGame,
  type FakeUser,
  FakeWorld,
} from './world.js';

export const FAKE_RA_ENDPOINTS = [
  'GetUserProfile',
  'GetGameInfoAndUserProgress',
  'GetUserRecentAchievements',
  'GetAchievementsEarnedBetween',
  'GetUserRecentlyPlayedGames',
  'GetRecentGameAwards',
  'GetGame',
  'GetUserSummary',
  'GetUserAwards',
  'GetUsersFollowingMe',
  'GetUsersIFollow',
  'GetGameExtended',
  'GetConsoleIDs',
  'GetGameList',
  'GetAchievementOfTheWeek',
  'GetGameLeaderboards',
  'GetLeaderboardEntries',
  'GetUserGameLeaderboards',
] as const;
export type FakeRaEndpoint = (typeof FAKE_RA_ENDPOINTS)[number];
/** Where a fault applies: one endpoint, the media host, or every request. */
export type FaultScope = FakeRaEndpoint | 'media' | '*';

export type Fault =
  /** Answer with this status (JSON body `{}` unless given), optionally with Retry-After. */
  | { type: 'status'; status: number; retryAfter?: number | string; body?: unknown }
  /** Wait, then answer normally. */
  | { type: 'delay'; ms: number }
  /** Never answer (the connection stays open until the client gives up or the fake closes). */
  | { type: 'hang' }
  /** 200 with a body that is not JSON. */
  | { type: 'malformed-json' }
  /** 200 with valid JSON of the wrong shape (default `{"Unexpected": true}`). */
  | { type: 'wrong-shape'; body?: unknown }
  /** 200 with the bare `[]` (RA's "no such user/game"). */
  | { type: 'empty-array' }
  /** Destroy the socket without answering. */
  | { type: 'reset' }
  /** Answer normally, with the body passed through `edit` first (e.g. one unreadable row). */
  | { type: 'edit'; edit: (body: unknown) => unknown };

interface QueuedFault {
  fault: Fault;
  remaining: number;
  /** Only requests whose query has these parameter values (e.g. `{ g: '12' }`); all when absent. */
  match?: Record<string, string>;
}

/** Faults on demand, consumed in order; an endpoint's own queue is checked before '*'. */
export class FaultQueue {
  private readonly queues = new Map<FaultScope, QueuedFault[]>();

  /**
   * Applies `fault` to the next `times` matching requests (Infinity for "until cleared").
   * `match` narrows it to requests with these query parameter values, e.g. one game:
   * `add('GetGameInfoAndUserProgress', { type: 'malformed-json' }, Infinity, { g: '12' })`.
   */
  add(scope: FaultScope, fault: Fault, times = 1, match?: Record<string, string>): this {
    const queue = this.queues.get(scope) ?? [];
    queue.push(match ? { fault, remaining: times, match } : { fault, remaining: times });
    this.queues.set(scope, queue);
    return this;
  }

  clear(scope?: FaultScope): void {
    if (scope) this.queues.delete(scope);
    else this.queues.clear();
  }

  /** Faults still to be served for a scope (or all). */
  pending(scope?: FaultScope): number {
    const queues = scope ? [this.queues.get(scope) ?? []] : [...this.queues.values()];
    return queues.flat().reduce((sum, q) => sum + q.remaining, 0);
  }

  /** @internal the fault for this request, if any: the first queued one whose `match` fits. */
  take(scope: FakeRaEndpoint | 'media', params: Record<string, string> = {}): Fault | undefined {
    for (const key of [scope, '*'] as const) {
      const queue = this.queues.get(key);
      const index = queue?.findIndex((q) => matches(q.match, params)) ?? -1;
      if (!queue || index < 0) continue;
      const entry = queue[index]!;
      entry.remaining--;
      if (entry.remaining <= 0) queue.splice(index, 1);
      return entry.fault;
    }
    return undefined;
  }
}

function matches(match: Record<string, string> | undefined, params: Record<string, string>): boolean {
  if (!match) return true;
  return Object.entries(match).every(([key, value]) => params[key] === value);
}

export interface RecordedRequest {
  /** API endpoint without the `API_` prefix, `media`, or `unknown`. */
  endpoint: FakeRaEndpoint | 'media' | 'unknown';
  path: string;
  /** Query parameters with the API key (`y`) removed. */
  params: Record<string, string>;
  /** performance.now() when the request arrived: use differences to assert spacing. */
  atMs: number;
  receivedAt: Date;
  /** The request's User-Agent header. */
  userAgent?: string;
}

/** Every request the fake received, in arrival order (faulted ones included). */
export class RequestLog {
  private readonly entries: RecordedRequest[] = [];
  private readonly counts = new Map<string, number>();

  /** @internal */
  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    this.counts.set(entry.endpoint, (this.counts.get(entry.endpoint) ?? 0) + 1);
  }

  all(): readonly RecordedRequest[] {
    return this.entries;
  }

  /** Requests to one endpoint, or all API requests (media excluded) when omitted. */
  count(endpoint?: RecordedRequest['endpoint']): number {
    if (endpoint) return this.counts.get(endpoint) ?? 0;
    return this.entries.length - (this.counts.get('media') ?? 0);
  }

  of(endpoint: RecordedRequest['endpoint']): RecordedRequest[] {
    return this.entries.filter((e) => e.endpoint === endpoint);
  }

  /** Gaps in ms between consecutive arrivals at an endpoint (or all API requests). */
  gapsMs(endpoint?: RecordedRequest['endpoint']): number[] {
    const times = (endpoint ? this.of(endpoint) : this.entries.filter((e) => e.endpoint !== 'media')).map(
      (e) => e.atMs,
    );
    return times.slice(1).map((t, i) => t - times[i]!);
  }

  clear(): void {
    this.entries.length = 0;
    this.counts.clear();
  }
}

/** Older-server behaviours, off by default. */
export interface FakeRaCompat {
  /** Send numbers as strings ("5") in GetGameInfoAndUserProgress, as older servers did. */
  stringNumbers: boolean;
  /** Send the achievement type under `type` instead of `Type`. */
  lowercaseType: boolean;
  /** Send GetUsersFollowingMe's and GetUsersIFollow's `Results` as an object keyed by index, as PHP does after dropping rows. */
  indexedResults: boolean;
  /** Leave `ULID` out of GetUsersIFollow's rows, as older servers did. */
  followingWithoutUlid: boolean;
}

export interface FakeRaOptions {
  apiKey: string;
  /** Added to every API response (benchmarks). */
  latencyMs?: number;
  /** Answer 404 for badge images whose name no achievement uses. Default true. */
  strictBadges?: boolean;
  /** A prepared world; a new empty one by default. */
  world?: FakeWorld;
  /** Refuse API requests of one key above this rate with 429 (RA does; its limits are unpublished). */
  rateLimit?: FakeRaRateLimit;
}

export interface FakeRaRateLimit {
  /** At most this many API requests per key in any window of `windowMs` (sliding). */
  max: number;
  windowMs: number;
  /**
   * Whether a 429 carries `Retry-After` (seconds until the window frees a slot): always, never,
   * or every other refusal (RA's edge is not consistent). Default 'alternate'.
   */
  retryAfter?: 'always' | 'never' | 'alternate';
}

/** The per-key sliding window; `take` answers the Retry-After seconds when refused, or null. */
class KeyRateLimiter {
  readonly #arrivals = new Map<string, number[]>();
  #refusals = 0;
  refused = 0;

  constructor(private readonly limit: FakeRaRateLimit) {}

  /** Undefined when allowed; else the 429's headers. */
  take(key: string, now: number): Record<string, string> | undefined {
    const recent = (this.#arrivals.get(key) ?? []).filter((t) => now - t < this.limit.windowMs);
    if (recent.length >= this.limit.max) {
      this.#arrivals.set(key, recent);
      this.refused++;
      const mode = this.limit.retryAfter ?? 'alternate';
      const withHeader = mode === 'always' || (mode === 'alternate' && this.#refusals++ % 2 === 0);
      const waitMs = this.limit.windowMs - (now - (recent[0] ?? now));
      return withHeader ? { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) } : {};
    }
    recent.push(now);
    this.#arrivals.set(key, recent);
    return undefined;
  }
}

export interface FakeRa {
  /** API base, e.g. `http://127.0.0.1:PORT/API`. */
  url: string;
  /** Media base: `${mediaUrl}/Badge/x.png`, `${mediaUrl}/Images/x.png`, `${mediaUrl}/UserPic/x.png`. */
  mediaUrl: string;
  /** Site base for links (pages are not served). */
  siteUrl: string;
  world: FakeWorld;
  faults: FaultQueue;
  requests: RequestLog;
  compat: FakeRaCompat;
  /** Changeable at runtime. */
  latencyMs: number;
  /** API requests refused with 429 by `rateLimit` so far. */
  readonly rateLimited: number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------------------------

/** RA's `YYYY-MM-DD HH:MM:SS` (UTC, no offset). */
export function raDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Carbon's toIso8601String(): `2024-12-07T11:57:30+00:00`. */
export function raIso(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

const percent = (part: number, whole: number): string =>
  `${(whole === 0 ? 0 : (part / whole) * 100).toFixed(2)}%`;

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

const USER_IDENTIFIER = /^(?:[A-Za-z0-9]{2,20}|[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26})$/;

function invalid(field: string, message: string): HttpAnswer {
  return new HttpAnswer(422, { message, errors: { [field]: [message] } });
}

type Query = URLSearchParams;

function requireUser(q: Query): string | HttpAnswer {
  const u = q.get('u');
  if (!u) return invalid('u', 'The u field is required.');
  if (!USER_IDENTIFIER.test(u)) return invalid('u', 'The u field must be a valid username or ULID.');
  return u;
}

function intParam(q: Query, key: string, fallback: number, min: number): number | HttpAnswer {
  const raw = q.get(key);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min)
    return invalid(key, `The ${key} field must be an integer >= ${min}.`);
  return Number(raw);
}

// ---------------------------------------------------------------------------------------------
// Endpoint handlers: (world, query, compat) -> JSON body or an HttpAnswer
// ---------------------------------------------------------------------------------------------

type Handler = (world: FakeWorld, q: Query, compat: FakeRaCompat) => unknown;

function profile(world: FakeWorld, q: Query): unknown {
  const u = requireUser(q);
  if (u instanceof HttpAnswer) return u;
  const user = world.findUser(u);
  if (!user) return new HttpAnswer(404, []);
  return {
    User: user.displayName,
    ULID: user.ulid,
    UserPic: user.userPic,
    MemberSince: raDateTime(user.memberSince),
    RichPresenceMsg: user.richPresenceMsg,
    LastGameID: user.lastGameId,
    ContribCount: 0,
    ContribYield: 0,
    TotalPoints: user.totalPoints,
    TotalSoftcorePoints: user.totalSoftcorePoints,
    TotalTruePoints: user.totalTruePoints,
    Permissions: 1,
    Untracked: user.untracked ? 1 : 0,
    ID: 1000,
    UserWallActive: true,
    Motto: user.motto,
  };
}

function gameFields(game: FakeGame): Record<string, unknown> {
  return {
    ID: game.id,
    Title: game.title,
    ConsoleID: game.consoleId,
    ConsoleName: game.consoleName,
    ParentGameID: game.parentGameId,
    NumDistinctPlayers: game.numDistinctPlayers,
    NumDistinctPlayersCasual: game.numDistinctPlayers,
    NumDistinctPlayersHardcore: game.numDistinctPlayers,
    NumAchievements: game.achievements.size,
  };
}

function gameInfoAndUserProgress(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  const u = requireUser(q);
  if (u instanceof HttpAnswer) return u;
  const g = intParam(q, 'g', 0, 1);
  if (g instanceof HttpAnswer) return g;
  if (g === 0) return invalid('g', 'The g field is required.');
  const user = world.findUser(u);
  const game = world.findGame(g);
  if (!user || !game) return [];

  const unlocks = world.unlocksOf(user.ulid, game.id);
  const hardcoreCount = unlocks.filter((x) => x.hardcoreAt).length;
  const total = game.achievements.size;
  const typeKey = compat.lowercaseType ? 'type' : 'Type';
  const num = (n: number): number | string => (compat.stringNumbers ? String(n) : n);

  const achievements: Record<string, unknown> = {};
  for (const a of game.achievements.values()) {
    const unlock = world.unlockOf(user.ulid, a.id);
    achievements[String(a.id)] = {
      ID: num(a.id),
      Title: a.title,
      Description: a.description,
      Points: num(a.points),
      TrueRatio: num(a.trueRatio),
      [typeKey]: a.type,
      BadgeName: a.badgeName,
      NumAwarded: num(a.numAwarded),
      NumAwardedHardcore: num(a.numAwardedHardcore),
      DisplayOrder: num(a.displayOrder),
      Author: a.author,
      AuthorULID: '01HZZZZZZZAUTH0R000000000A',
      DateCreated: raDateTime(a.dateCreated),
      DateModified: raDateTime(a.dateModified),
      MemAddr: 'd41d8cd98f00b204e9800998ecf8427e',
      ...(unlock ? { DateEarned: raDateTime(unlock.softcoreAt) } : {}),
      ...(unlock?.hardcoreAt ? { DateEarnedHardcore: raDateTime(unlock.hardcoreAt) } : {}),
    };
  }

  const body: Record<string, unknown> = {
    ...gameFields(game),
    NumAwardedToUser: num(unlocks.length),
    NumAwardedToUserHardcore: num(hardcoreCount),
    UserCompletion: percent(unlocks.length, total),
    UserCompletionHardcore: percent(hardcoreCount, total),
    UserTotalPlaytime: 0,
    ForumTopicID: 1,
    Flags: 0,
    ImageIcon: game.imageIcon,
    ImageTitle: game.imageTitle,
    ImageIngame: game.imageIngame,
    ImageBoxArt: game.imageBoxArt,
    Publisher: game.publisher,
    Developer: game.developer,
    Genre: game.genre,
    Released: game.released,
    ReleasedAtGranularity: game.released ? 'day' : null,
    IsFinal: false,
    RichPresencePatch: 'd41d8cd98f00b204e9800998ecf8427e',
    players_total: game.numDistinctPlayers,
    // PHP serializes an empty array as []; RA forces {} for an empty set.
    Achievements: achievements,
  };
  if (compat.stringNumbers) {
    for (const key of ['ID', 'ConsoleID', 'NumDistinctPlayers', 'NumAchievements'])
      body[key] = String(body[key]);
  }
  if (q.get('a') === '1') {
    const award = world.highestAward(user.ulid, game.id);
    body.HighestAwardKind = award?.kind ?? null;
    body.HighestAwardDate = award ? raIso(award.at) : null;
  }
  return body;
}

function unlockRow(
  world: FakeWorld,
  event: { achievementId: number; gameId: number; at: Date; hardcore: boolean },
) {
  const game = world.game(event.gameId);
  const a = game.achievements.get(event.achievementId)!;
  return {
    Date: raDateTime(event.at),
    HardcoreMode: event.hardcore ? 1 : 0,
    AchievementID: a.id,
    Title: a.title,
    Description: a.description,
    BadgeName: a.badgeName,
    Points: a.points,
    TrueRatio: a.trueRatio,
    Type: a.type,
    Author: a.author,
    AuthorULID: '01HZZZZZZZAUTH0R000000000A',
    GameTitle: game.title,
    GameIcon: game.imageIcon,
    GameID: game.id,
    ConsoleName: game.consoleName,
    BadgeURL: `/Badge/${a.badgeName}.png`,
    GameURL: `/game/${game.id}`,
  };
}

/** Both unlock endpoints stop at 500 rows, keeping the OLDEST rows of the window. */
const UNLOCK_ROW_CAP = 500;

function recentAchievements(world: FakeWorld, q: Query): unknown {
  const u = requireUser(q);
  if (u instanceof HttpAnswer) return u;
  const m = intParam(q, 'm', 60, 0);
  if (m instanceof HttpAnswer) return m;
  const user = world.findUser(u);
  if (!user) return [];
  const nowMs = world.now().getTime();
  const events = world.eventsBetween(user.ulid, nowMs - m * 60_000, nowMs + 1).slice(0, UNLOCK_ROW_CAP);
  return events.reverse().map((e) => unlockRow(world, e));
}

function earnedBetween(world: FakeWorld, q: Query): unknown {
  const u = requireUser(q);
  if (u instanceof HttpAnswer) return u;
  const f = intParam(q, 'f', 0, 0);
  if (f instanceof HttpAnswer) return f;
  const t = intParam(q, 't', 0, 0);
  if (t instanceof HttpAnswer) return t;
  const user = world.findUser(u);
  if (!user) return [];
  // Inclusive at second precision: [f, t + 1s).
  const events = world.eventsBetween(user.ulid, f * 1000, (t + 1) * 1000).slice(0, UNLOCK_ROW_CAP);
  let cumulative = 0;
  return events.map((e) => {
    const row = unlockRow(world, e);
    cumulative += row.Points;
    return { ...row, CumulScore: cumulative };
  });
}

function recentlyPlayed(world: FakeWorld, q: Query): unknown {
  const u = requireUser(q);
  if (u instanceof HttpAnswer) return u;
  const o = intParam(q, 'o', 0, 0);
  if (o instanceof HttpAnswer) return o;
  const c = intParam(q, 'c', 10, 1);
  if (c instanceof HttpAnswer) return c;
  const user = world.findUser(u);
  if (!user) return [];
  return world
    .recentlyPlayed(user.ulid)
    .slice(o, o + Math.min(c, 50))
    .map(({ gameId, lastPlayed }) => {
      const game = world.game(gameId);
      const unlocks = world.unlocksOf(user.ulid, gameId);
      const points = (hardcore: boolean) =>
        unlocks
          .filter((x) => !hardcore || x.hardcoreAt)
          .reduce((sum, x) => sum + (game.achievements.get(x.achievementId)?.points ?? 0), 0);
      const possible = [...game.achievements.values()].reduce((sum, a) => sum + a.points, 0);
      return {
        GameID: game.id,
        ConsoleID: game.consoleId,
        ConsoleName: game.consoleName,
        Title: game.title,
        ImageIcon: game.imageIcon,
        ImageTitle: game.imageTitle,
        ImageIngame: game.imageIngame,
        ImageBoxArt: game.imageBoxArt,
        LastPlayed: raDateTime(lastPlayed),
        AchievementsTotal: game.achievements.size,
        NumPossibleAchievements: game.achievements.size,
        PossibleScore: possible,
        NumAchieved: unlocks.length,
        ScoreAchieved: points(false),
        NumAchievedHardcore: unlocks.filter((x) => x.hardcoreAt).length,
        ScoreAchievedHardcore: points(true),
      };
    });
}

function recentGameAwards(world: FakeWorld, q: Query): unknown {
  const d = q.get('d');
  if (d !== null && !/^\d{4}-\d{2}-\d{2}$/.test(d)) return invalid('d', 'The d field must be a valid date.');
  const o = intParam(q, 'o', 0, 0);
  if (o instanceof HttpAnswer) return o;
  const c = intParam(q, 'c', 25, 1);
  if (c instanceof HttpAnswer) return c;
  const kindsCsv = q.get('k') ?? '';
  const kinds = new Set(
    kindsCsv.split(',').filter((k): k is FakeAwardKind => FAKE_AWARD_RANK.includes(k as never)),
  );
  if (kindsCsv !== '' && kinds.size === 0) return { Count: 0, Total: 0, Results: [] };
  // `d` includes that whole UTC day.
  const beforeMs = d ? Date.parse(`${d}T23:59:59.999Z`) : Number.POSITIVE_INFINITY;
  // Like RA: Total and the page are counted first; awards of deleted users are dropped after,
  // and PHP then sends the list as an object keyed by the surviving indexes.
  const page: FakeAward[] = [];
  let total = 0;
  for (const award of world.awardsNewestFirst(beforeMs, true)) {
    if (kinds.size > 0 && !kinds.has(award.kind)) continue;
    if (total >= o && page.length < Math.min(c, 100)) page.push(award);
    total++;
  }
  const rows = new Map<number, unknown>();
  page.forEach((award, index) => {
    const user = world.findUser(award.ulid);
    if (!user || user.deleted) return;
    const game = world.game(award.gameId);
    rows.set(index, {
      User: user.displayName,
      ULID: user.ulid,
      AwardKind: award.kind,
      AwardDate: raIso(award.at),
      GameID: game.id,
      GameTitle: game.title,
      ConsoleID: game.consoleId,
      ConsoleName: game.consoleName,
    });
  });
  const dropped = rows.size < page.length;
  return {
    Count: rows.size,
    Total: total,
    Results: dropped ? Object.fromEntries(rows) : [...rows.values()],
  };
}

function getGame(world: FakeWorld, q: Query): unknown {
  const i = intParam(q, 'i', 0, 0);
  if (i instanceof HttpAnswer) return i;
  const game = world.findGame(i);
  if (!game) return [];
  return {
    Title: game.title,
    GameTitle: game.title,
    ConsoleID: game.consoleId,
    ConsoleName: game.consoleName,
    Console: game.consoleName,
    ForumTopicID: 1,
    Flags: 0,
    GameIcon: game.imageIcon,
    ImageIcon: game.imageIcon,
    ImageTitle: game.imageTitle,
    ImageIngame: game.imageIngame,
    ImageBoxArt: game.imageBoxArt,
    Publisher: game.publisher,
    Developer: game.developer,
    Genre: game.genre,
    Released: game.released,
    ReleasedAtGranularity: game.released ? 'day' : null,
  };
}

/** RA ranks users with points by hardcore points; an untracked user has no rank. */
function rankOf(world: FakeWorld, user: FakeUser): number | null {
  if (user.untracked || user.totalPoints === 0) return null;
  return 1 + world.allUsers().filter((u) => !u.untracked && u.totalPoints > user.totalPoints).length;
}

function userSummary(world: FakeWorld, q: Query): unknown {
  const u = requireUser(q);
  if (u instanceof HttpAnswer) return u;
  const g = intParam(q, 'g', 0, 0);
  if (g instanceof HttpAnswer) return g;
  const a = intParam(q, 'a', 10, 0);
  if (a instanceof HttpAnswer) return a;
  const user = world.findUser(u);
  if (!user) return new HttpAnswer(404, { ID: null, User: null, ULID: null });
  // Keyed by game id, then achievement id, as RA sends it (PHP arrays become objects).
  const recent: Record<string, Record<string, unknown>> = {};
  for (const e of world.eventsBetween(user.ulid, 0, Number.POSITIVE_INFINITY).reverse().slice(0, a)) {
    const row = unlockRow(world, e);
    const game = recent[String(e.gameId)] ?? {};
    recent[String(e.gameId)] = game;
    game[String(e.achievementId)] = {
      ID: row.AchievementID,
      GameID: row.GameID,
      GameTitle: row.GameTitle,
      Title: row.Title,
      Description: row.Description,
      Points: row.Points,
      Type: row.Type,
      BadgeName: row.BadgeName,
      IsAwarded: '1',
      DateAwarded: row.Date,
      HardcoreAchieved: row.HardcoreMode,
    };
  }
  const last = user.lastGameId === null ? null : world.game(user.lastGameId);
  const played = world.recentlyPlayed(user.ulid).slice(0, g);
  return {
    User: user.displayName,
    ULID: user.ulid,
    MemberSince: raDateTime(user.memberSince),
    RichPresenceMsg: user.richPresenceMsg,
    LastGameID: user.lastGameId,
    ContribCount: 0,
    ContribYield: 0,
    TotalPoints: user.totalPoints,
    TotalSoftcorePoints: user.totalSoftcorePoints,
    TotalTruePoints: user.totalTruePoints,
    Permissions: 1,
    Untracked: user.untracked ? 1 : 0,
    ID: 1000,
    UserWallActive: 1,
    Motto: user.motto,
    Rank: rankOf(world, user),
    RecentlyPlayedCount: played.length,
    RecentlyPlayed: played.map(({ gameId, lastPlayed }) => ({
      ...gameFields(world.game(gameId)),
      GameID: gameId,
      LastPlayed: raDateTime(lastPlayed),
    })),
    Awarded: [],
    RecentAchievements: Object.keys(recent).length === 0 ? [] : recent,
    LastGame: last ? { ...gameFields(last), ImageIcon: last.imageIcon, ForumTopicID: 1, Flags: 0 } : null,
    UserPic: user.userPic,
    TotalRanked: world.allUsers().filter((x) => !x.untracked && x.totalPoints > 0).length,
    Status: 'Offline',
  };
}

const VISIBLE_AWARD: Record<FakeAwardKind, { type: string; extra: number }> = {
  'beaten-softcore': { type: 'Game Beaten', extra: 0 },
  'beaten-hardcore': { type: 'Game Beaten', extra: 1 },
  completed: { type: 'Mastery/Completion', extra: 0 },
  mastered: { type: 'Mastery/Completion', extra: 1 },
};

function userAwards(world: FakeWorld, q: Query): unknown {
  const u = requireUser(q);
  if (u instanceof HttpAnswer) return u;
  const user = world.findUser(u);
  if (!user) return [];
  const awards = world.allAwardsOf(user.ulid);
  const count = (kind: FakeAwardKind) => awards.filter((a) => a.kind === kind).length;
  return {
    TotalAwardsCount: awards.length,
    HiddenAwardsCount: 0,
    MasteryAwardsCount: count('mastered'),
    CompletionAwardsCount: count('completed'),
    BeatenHardcoreAwardsCount: count('beaten-hardcore'),
    BeatenSoftcoreAwardsCount: count('beaten-softcore'),
    EventAwardsCount: 0,
    SiteAwardsCount: 0,
    VisibleUserAwards: awards.map((award, i) => {
      const game = world.game(award.gameId);
      return {
        AwardedAt: raIso(award.at),
        AwardType: VISIBLE_AWARD[award.kind].type,
        AwardData: game.id,
        AwardDataExtra: VISIBLE_AWARD[award.kind].extra,
        DisplayOrder: i,
        Title: game.title,
        ConsoleID: game.consoleId,
        ConsoleName: game.consoleName,
        Flags: 0,
        ImageIcon: game.imageIcon,
      };
    }),
  };
}

/** RA's shape: `{Count, Total, Results}`, most recently active first, at most 500 a page. */
function userListPage<T>(
  all: readonly T[],
  q: Query,
  compat: FakeRaCompat,
  toRow: (item: T) => Record<string, unknown>,
): unknown {
  const o = intParam(q, 'o', 0, 0);
  if (o instanceof HttpAnswer) return o;
  const c = intParam(q, 'c', 100, 1);
  if (c instanceof HttpAnswer) return c;
  if (c > 500) return invalid('c', 'The c field must not be greater than 500.');
  const rows = all.slice(o, o + c).map(toRow);
  const results = compat.indexedResults ? Object.fromEntries(rows.map((row, i) => [String(i), row])) : rows;
  return { Count: rows.length, Total: all.length, Results: results };
}

function usersFollowingMe(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  return userListPage(world.followers(), q, compat, (row) => ({
    User: row.user.displayName,
    ULID: row.user.ulid,
    Points: row.hardcorePoints,
    PointsSoftcore: row.softcorePoints,
    AmIFollowing: false,
  }));
}

/** API_GetUsersIFollow: the users the key's owner follows, same shape and order as its followers. */
function usersIFollow(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  return userListPage(world.botFollowing(), q, compat, (row) => ({
    User: row.user.displayName,
    ...(compat.followingWithoutUlid ? {} : { ULID: row.user.ulid }),
    Points: row.hardcorePoints,
    PointsSoftcore: row.softcorePoints,
    IsFollowingMe: row.followsBack,
  }));
}

/** `o` and `c` (default 100, at most 500) of the leaderboard endpoints. */
function page(q: Query): { o: number; c: number } | HttpAnswer {
  const o = intParam(q, 'o', 0, 0);
  if (o instanceof HttpAnswer) return o;
  const c = intParam(q, 'c', 100, 1);
  if (c instanceof HttpAnswer) return c;
  if (c > 500) return invalid('c', 'The c field must not be greater than 500.');
  return { o, c };
}

/** `Results` as a list, or as an object keyed by index (as PHP sends it after dropping rows). */
function results(rows: unknown[], compat: FakeRaCompat): unknown {
  return compat.indexedResults ? Object.fromEntries(rows.map((row, i) => [String(i), row])) : rows;
}

/** API_GetGameLeaderboards: a game's boards, each with its top entry (absent when nobody entered). */
function gameLeaderboards(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  const i = intParam(q, 'i', 0, 1);
  if (i instanceof HttpAnswer) return i;
  const p = page(q);
  if (p instanceof HttpAnswer) return p;
  if (!world.findGame(i)) return new HttpAnswer(404, { message: 'Not Found' });
  const all = world.leaderboards.ofGame(i);
  const rows = all.slice(p.o, p.o + p.c).map((b) => {
    const top = world.leaderboards.ranked(b.id)[0];
    return {
      ID: b.id,
      RankAsc: b.rankAsc,
      Title: b.title,
      Description: b.description,
      Format: b.format,
      Author: b.author,
      AuthorULID: '00000000000000000000000000',
      State: b.state,
      ...(top
        ? { TopEntry: { User: top.user, ULID: top.ulid, Score: top.score, FormattedScore: top.formatted } }
        : {}),
    };
  });
  return { Count: rows.length, Total: all.length, Results: results(rows, compat) };
}

/** API_GetLeaderboardEntries: one board's entries, best first; ties share a rank. */
function leaderboardEntries(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  const i = intParam(q, 'i', 0, 1);
  if (i instanceof HttpAnswer) return i;
  const p = page(q);
  if (p instanceof HttpAnswer) return p;
  if (!world.leaderboards.board(i)) return new HttpAnswer(404, { message: 'Not Found' });
  const all = world.leaderboards.ranked(i);
  const rows = all.slice(p.o, p.o + p.c).map((e) => ({
    Rank: e.rank,
    User: e.user,
    ULID: e.ulid,
    Score: e.score,
    FormattedScore: e.formatted,
    DateSubmitted: raIso(e.submittedAt),
  }));
  return { Count: rows.length, Total: all.length, Results: results(rows, compat) };
}

/** API_GetUserGameLeaderboards: the user's entries on a game's boards (boards without one are left out). */
function userGameLeaderboards(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  const i = intParam(q, 'i', 0, 1);
  if (i instanceof HttpAnswer) return i;
  const u = requireUser(q);
  if (u instanceof HttpAnswer) return u;
  const p = page(q);
  if (p instanceof HttpAnswer) return p;
  const user = world.findUser(u);
  if (!user || !world.findGame(i)) return new HttpAnswer(404, { message: 'Not Found' });
  const all = world.leaderboards.ofGame(i).flatMap((b) => {
    const entry = world.leaderboards.ranked(b.id).find((e) => e.ulid === user.ulid);
    if (!entry) return [];
    return [
      {
        ID: b.id,
        RankAsc: b.rankAsc,
        Title: b.title,
        Description: b.description,
        Format: b.format,
        UserEntry: {
          User: entry.user,
          ULID: entry.ulid,
          Score: entry.score,
          FormattedScore: entry.formatted,
          Rank: entry.rank,
          DateUpdated: raIso(entry.submittedAt),
        },
      },
    ];
  });
  const rows = all.slice(p.o, p.o + p.c);
  return { Count: rows.length, Total: all.length, Results: results(rows, compat) };
}

/** API_GetGameExtended: the game, its achievements keyed by id (`type` lowercase, like RA's sample). */
function getGameExtended(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  const i = intParam(q, 'i', 0, 0);
  if (i instanceof HttpAnswer) return i;
  const game = world.findGame(i);
  if (!game) return [];
  const num = (n: number): number | string => (compat.stringNumbers ? String(n) : n);
  const achievements: Record<string, unknown> = {};
  for (const a of game.achievements.values()) {
    achievements[String(a.id)] = {
      ID: num(a.id),
      NumAwarded: num(a.numAwarded),
      NumAwardedHardcore: num(a.numAwardedHardcore),
      Title: a.title,
      Description: a.description,
      Points: num(a.points),
      TrueRatio: num(a.trueRatio),
      Author: a.author,
      DateModified: raDateTime(a.dateModified),
      DateCreated: raDateTime(a.dateCreated),
      BadgeName: a.badgeName,
      DisplayOrder: num(a.displayOrder),
      MemAddr: 'd41d8cd98f00b204e9800998ecf8427e',
      type: a.type,
    };
  }
  return {
    ...gameFields(game),
    ID: num(game.id),
    ForumTopicID: 1,
    Flags: null,
    ImageIcon: game.imageIcon,
    ImageTitle: game.imageTitle,
    ImageIngame: game.imageIngame,
    ImageBoxArt: game.imageBoxArt,
    Publisher: game.publisher,
    Developer: game.developer,
    Genre: game.genre,
    Released: game.released,
    IsFinal: false,
    players_total: game.numDistinctPlayers,
    GuideURL: null,
    Achievements: achievements,
    Claims: [],
  };
}

/** API_GetConsoleIDs (`a=1` active only, `g=1` game systems only). */
function consoleIds(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  return world
    .allConsoles()
    .filter((c) => (q.get('a') !== '1' || c.active) && (q.get('g') !== '1' || c.isGameSystem))
    .map((c) => ({
      ID: compat.stringNumbers ? String(c.id) : c.id,
      Name: c.name,
      IconURL: `https://static.retroachievements.org/assets/images/system/${c.id}.png`,
      Active: c.active,
      IsGameSystem: c.isGameSystem,
    }));
}

/** API_GetGameList (`i` console, `f=1` games with achievements). Older servers sent ids as strings. */
function gameList(world: FakeWorld, q: Query, compat: FakeRaCompat): unknown {
  const i = intParam(q, 'i', 0, 1);
  if (i instanceof HttpAnswer) return i;
  if (i === 0) return invalid('i', 'The i field is required.');
  return world.gameList(i).map((g) => ({
    Title: g.title,
    ID: compat.stringNumbers ? String(g.id) : g.id,
    ConsoleID: compat.stringNumbers ? String(g.consoleId) : g.consoleId,
    ConsoleName: g.consoleName,
    ImageIcon: g.imageIcon,
    NumAchievements: g.numAchievements,
    NumLeaderboards: 0,
    Points: g.points,
    DateModified: '2024-01-01 00:00:00',
    ForumTopicID: 1,
  }));
}

/** Up to 500 unlocks since StartAt, as RA lists them. */
function achievementOfTheWeek(world: FakeWorld): unknown {
  const aotw = world.aotw;
  if (!aotw) return { Achievement: { ID: null }, StartAt: null };
  const game = world.game(world.gameOfAchievement(aotw.achievementId));
  const a = game.achievements.get(aotw.achievementId)!;
  const unlockers = world.unlockersOf(a.id, aotw.startAt.getTime()).slice(0, 500);
  return {
    Achievement: {
      ID: a.id,
      Title: a.title,
      Description: a.description,
      Points: a.points,
      TrueRatio: a.trueRatio,
      Type: a.type,
      Author: a.author,
      BadgeName: a.badgeName,
      BadgeURL: `/Badge/${a.badgeName}.png`,
      DateCreated: raDateTime(a.dateCreated),
      DateModified: raDateTime(a.dateModified),
    },
    Console: { ID: game.consoleId, Title: game.consoleName },
    ForumTopic: { ID: 1 },
    Game: { ID: game.id, Title: game.title },
    StartAt: raIso(aotw.startAt),
    TotalPlayers: game.numDistinctPlayers,
    Unlocks: unlockers.map(({ user, unlock }) => ({
      User: user.displayName,
      ULID: user.ulid,
      RAPoints: user.totalPoints,
      RASoftcorePoints: user.totalSoftcorePoints,
      DateAwarded: raIso(unlock.hardcoreAt ?? unlock.softcoreAt),
      HardcoreMode: unlock.hardcoreAt ? 1 : 0,
    })),
    UnlocksCount: unlockers.length,
    UnlocksHardcoreCount: unlockers.filter((x) => x.unlock.hardcoreAt).length,
  };
}

const HANDLERS: Record<FakeRaEndpoint, Handler> = {
  GetUserProfile: profile,
  GetGameInfoAndUserProgress: gameInfoAndUserProgress,
  GetUserRecentAchievements: recentAchievements,
  GetAchievementsEarnedBetween: earnedBetween,
  GetUserRecentlyPlayedGames: recentlyPlayed,
  GetRecentGameAwards: recentGameAwards,
  GetGame: getGame,
  GetUserSummary: userSummary,
  GetUserAwards: userAwards,
  GetUsersFollowingMe: usersFollowingMe,
  GetUsersIFollow: usersIFollow,
  GetGameExtended: getGameExtended,
  GetConsoleIDs: consoleIds,
  GetGameList: gameList,
  GetAchievementOfTheWeek: achievementOfTheWeek,
  GetGameLeaderboards: gameLeaderboards,
  GetLeaderboardEntries: leaderboardEntries,
  GetUserGameLeaderboards: userGameLeaderboards,
};

const UNAUTHENTICATED = {
  message: 'Unauthenticated.',
  errors: [{ status: '401', code: 'unauthorized', title: 'Unauthenticated.' }],
};

// ---------------------------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------------------------

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/html'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Serves a fault; returns true when the request is fully handled by it. */
async function serveFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  switch (fault.type) {
    case 'status': {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      sendJson(res, fault.status, fault.body ?? {}, headers);
      return true;
    }
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'hang':
      return true;
    case 'malformed-json':
      sendText(res, 200, '<html><body>502 Bad Gateway</body></html>');
      return true;
    case 'wrong-shape':
      sendJson(res, 200, fault.body ?? { Unexpected: true });
      return true;
    case 'empty-array':
      sendJson(res, 200, []);
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'edit':
      return false;
  }
}

function endpointOf(path: string): FakeRaEndpoint | 'media' | 'unknown' {
  if (path.startsWith('/media/')) return 'media';
  const match = /^\/API\/API_([A-Za-z]+)\.php$/.exec(path);
  const name = match?.[1];
  return name && (FAKE_RA_ENDPOINTS as readonly string[]).includes(name)
    ? (name as FakeRaEndpoint)
    : 'unknown';
}

function serveMedia(world: FakeWorld, path: string, strictBadges: boolean, res: ServerResponse): void {
  const badge = /^\/media\/Badge\/([A-Za-z0-9_-]+?)(_lock)?\.png$/.exec(path);
  const image = /^\/media\/(Images|UserPic)\/([A-Za-z0-9_.-]+)\.png$/.exec(path);
  if (badge && !(strictBadges && !world.hasBadge(badge[1]!))) sendPng(res, badge[1]!, badge[2] !== undefined);
  else if (image) sendPng(res, image[2]!, false);
  else sendText(res, 404, 'Not Found', 'text/plain');
}

function sendPng(res: ServerResponse, name: string, locked: boolean): void {
  const png = pngFor(name, locked);
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
  res.end(png);
}

export async function startFakeRa(options: FakeRaOptions): Promise<FakeRa> {
  const world = options.world ?? new FakeWorld();
  const faults = new FaultQueue();
  const requests = new RequestLog();
  const compat: FakeRaCompat = {
    stringNumbers: false,
    lowercaseType: false,
    indexedResults: false,
    followingWithoutUlid: false,
  };
  const strictBadges = options.strictBadges ?? true;
  const limiter = options.rateLimit ? new KeyRateLimiter(options.rateLimit) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const endpoint = endpointOf(url.pathname);
    const params = Object.fromEntries([...url.searchParams].filter(([key]) => key !== 'y'));
    requests.record({
      endpoint,
      path: url.pathname,
      params,
      atMs: performance.now(),
      receivedAt: new Date(),
      userAgent: req.headers['user-agent'],
    });

    if (endpoint === 'unknown') return sendText(res, 404, '<html>Not Found</html>');
    const fault = faults.take(endpoint, params);
    if (fault && (await serveFault(fault, req, res))) return;
    if (endpoint === 'media') return serveMedia(world, url.pathname, strictBadges, res);

    const refused = limiter?.take(url.searchParams.get('y') ?? '', performance.now());
    if (refused) return sendJson(res, 429, { message: 'Too Many Attempts.' }, refused);
    if (fake.latencyMs > 0) await sleep(fake.latencyMs);
    if (url.searchParams.get('y') !== options.apiKey) return sendJson(res, 401, UNAUTHENTICATED);
    const answer = HANDLERS[endpoint](world, url.searchParams, compat);
    const result = fault?.type === 'edit' && !(answer instanceof HttpAnswer) ? fault.edit(answer) : answer;
    // RA's clock is the world's: a test can skew it against the bot's.
    const date = { date: world.now().toUTCString() };
    if (result instanceof HttpAnswer) sendJson(res, result.status, result.body, date);
    else sendJson(res, 200, result, date);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the fake must show up as a 500 the test can see, not as a hung request.
      if (!res.headersSent) sendJson(res, 500, { message: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeRa = {
    url: `${origin}/API`,
    mediaUrl: `${origin}/media`,
    siteUrl: `${origin}/site`,
    world,
    faults,
    requests,
    compat,
    latencyMs: options.latencyMs ?? 0,
    get rateLimited() {
      return limiter?.refused ?? 0;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return fake;
}
