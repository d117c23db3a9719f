/**
 * The only code that reads raw RetroAchievements JSON. Each function takes the parsed body as
 * `unknown` and returns a domain type from `types.ts`, or throws a typed error:
 *
 * - the bare `[]` RA sends for an unknown user/game -> `RaNotFoundError` (the caller says which);
 * - any other body of the wrong shape -> `RaMalformedResponseError`, naming the field.
 *
 * Field policy (so a wrong value is never passed on silently):
 * - identity fields (ids, titles, unlock dates) are required;
 * - other fields may be absent or null (older servers omit some) and then take a neutral default
 *   (0, '', null), but a field that IS present with a value of the wrong type is an error;
 * - numbers may arrive as numeric strings (older servers, api-js types) and are coerced;
 * - strings are trimmed (RA leaves e.g. `"Activision "`);
 * - unknown fields are ignored; an unknown enum value (achievement type, award kind) becomes
 *   null, because RA adds kinds over time and one new kind must not break the bot.
 */
import { RaMalformedResponseError, RaNotFoundError } from './errors.js';
import {
  type Achievement,
  type AchievementOfTheWeek,
  type AchievementType,
  type AotwUnlock,
  AWARD_KINDS,
  type AwardKind,
  type FollowedPage,
  type FollowedUser,
  type Follower,
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
  type SummaryUnlock,
  type UnlockEvent,
  type UserAwards,
  type UserProfile,
  type UserSummary,
  type VisibleGameAward,
} from './types.js';

type RawObject = Record<string, unknown>;

/** What the bare `[]` answer means for the request that got it. */
export interface NotFoundContext {
  what: RaNotFoundError['what'];
  query: string;
}

// ---------------------------------------------------------------------------------------------
// Primitive readers. `where` names the field for the error message (never a value: values may
// be long or user-controlled, and error messages end up in logs).
// ---------------------------------------------------------------------------------------------

function malformed(where: string, expected: string): RaMalformedResponseError {
  return new RaMalformedResponseError(`${where}: expected ${expected}`);
}

export function isRawObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RA's "not found" answer: an empty JSON array where an object was expected. */
export function isBareEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function objectBody(raw: unknown, endpoint: string, notFound?: NotFoundContext): RawObject {
  if (notFound && isBareEmptyArray(raw)) throw new RaNotFoundError(notFound.what, notFound.query);
  if (!isRawObject(raw)) throw malformed(endpoint, 'a JSON object');
  return raw;
}

/**
 * Every list RA sends, read one way: a JSON array, or the object PHP makes of a list it dropped
 * rows from after building it (`{"1": {...}, "2": {...}}`: keyed by the surviving indexes), in
 * numeric key order. An object with any key that isn't an index is not a list.
 */
export function listOf(raw: unknown, where: string): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (!isRawObject(raw)) throw malformed(where, 'a list (JSON array, or object keyed by index)');
  const entries: [number, unknown][] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!/^\d+$/.test(key)) throw malformed(where, 'a list (JSON array, or object keyed by index)');
    entries.push([Number(key), value]);
  }
  return entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/**
 * Maps each row of a list, skipping (and reporting through `onSkip`) a row that can't be read:
 * one bad row of a list must not hide the rest of it.
 */
function readRows<T>(
  rows: readonly unknown[],
  where: string,
  read: (row: unknown, where: string) => T | null,
  onSkip?: (where: string, error: RaMalformedResponseError) => void,
): T[] {
  const out: T[] = [];
  rows.forEach((row, i) => {
    const at = `${where}[${i}]`;
    try {
      const value = read(row, at);
      if (value !== null) out.push(value);
    } catch (error) {
      if (!(error instanceof RaMalformedResponseError)) throw error;
      onSkip?.(at, error);
    }
  });
  return out;
}

/** Called with the row's place and the reason when a list row is skipped as unreadable. */
export type SkipReporter = (where: string, error: RaMalformedResponseError) => void;

const isAbsent = (value: unknown): value is null | undefined => value === null || value === undefined;

function coerceNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    // Number('') is 0 and Number('0x1f') is 31: only plain decimals are numbers here.
    if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
    return Number(text);
  }
  return undefined;
}

function requiredNumber(obj: RawObject, key: string, where: string): number {
  const n = coerceNumber(obj[key]);
  if (n === undefined) throw malformed(`${where}.${key}`, 'a number');
  return n;
}

function optionalNumber(obj: RawObject, key: string, where: string, fallback = 0): number {
  const value = obj[key];
  if (isAbsent(value)) return fallback;
  const n = coerceNumber(value);
  if (n === undefined) throw malformed(`${where}.${key}`, 'a number');
  return n;
}

function requiredId(obj: RawObject, key: string, where: string): number {
  const n = requiredNumber(obj, key, where);
  if (!Number.isSafeInteger(n) || n <= 0) throw malformed(`${where}.${key}`, 'a positive integer id');
  return n;
}

/** RA uses null and 0 alike for "no such id" (ParentGameID, LastGameID). */
function optionalId(obj: RawObject, key: string, where: string): number | null {
  const n = optionalNumber(obj, key, where, 0);
  if (!Number.isSafeInteger(n) || n < 0) throw malformed(`${where}.${key}`, 'an integer id');
  return n === 0 ? null : n;
}

function requiredString(obj: RawObject, key: string, where: string): string {
  const value = obj[key];
  if (typeof value === 'string') return value.trim();
  // Some titles are numeric ("1942") and older servers may have sent them as JSON numbers.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw malformed(`${where}.${key}`, 'a string');
}

function optionalString(obj: RawObject, key: string, where: string): string {
  return isAbsent(obj[key]) ? '' : requiredString(obj, key, where);
}

function optionalBoolean(obj: RawObject, key: string, where: string): boolean {
  const value = obj[key];
  if (isAbsent(value)) return false;
  if (typeof value === 'boolean') return value;
  const n = coerceNumber(value);
  if (n === 0 || n === 1) return n === 1;
  throw malformed(`${where}.${key}`, 'a boolean or 0/1');
}

// RA's own format: `YYYY-MM-DD HH:MM:SS`, UTC without an offset.
const RA_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/;
// ISO 8601 with an explicit offset or Z (HighestAwardDate, AwardDate).
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Parses RA's date-time formats; undefined when the text is neither. */
export function parseRaDate(text: string): Date | undefined {
  const value = text.trim();
  const local = RA_DATE_TIME.exec(value);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    // Date.UTC rolls 2024-02-31 over into March: reject instead of shifting the date.
    return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : undefined;
  }
  if (ISO_WITH_OFFSET.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  return undefined;
}

function requiredDate(obj: RawObject, key: string, where: string): Date {
  const value = obj[key];
  const date = typeof value === 'string' ? parseRaDate(value) : undefined;
  if (!date) throw malformed(`${where}.${key}`, 'a date');
  return date;
}

function optionalDate(obj: RawObject, key: string, where: string): Date | null {
  const value = obj[key];
  if (isAbsent(value) || value === '') return null;
  return requiredDate(obj, key, where);
}

/** "33.33%" (or 33.33) -> 33.33, within 0-100. */
function optionalPercent(obj: RawObject, key: string, where: string): number {
  const value = obj[key];
  if (isAbsent(value)) return 0;
  const text = typeof value === 'string' ? value.trim().replace(/%$/, '') : value;
  const n = coerceNumber(text);
  if (n === undefined || n < 0 || n > 100) throw malformed(`${where}.${key}`, 'a percentage');
  return n;
}

const ACHIEVEMENT_TYPES: ReadonlySet<string> = new Set(['progression', 'win_condition', 'missable']);

/** The current server sends `Type`; older servers, the docs and other endpoints `type`. */
function achievementType(obj: RawObject, where: string): AchievementType {
  const value = obj.Type !== undefined ? obj.Type : obj.type;
  if (isAbsent(value) || value === '') return null;
  if (typeof value !== 'string') throw malformed(`${where}.Type`, 'a string or null');
  const type = value.trim();
  return ACHIEVEMENT_TYPES.has(type) ? (type as Exclude<AchievementType, null>) : null;
}

/** One of the four award kinds, or null for none or a kind this version doesn't know. */
export function parseAwardKind(value: unknown): AwardKind | null {
  if (typeof value !== 'string') return null;
  const kind = value.trim();
  return (AWARD_KINDS as readonly string[]).includes(kind) ? (kind as AwardKind) : null;
}

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

/** API_GetUserProfile. An unknown user is the bare `[]` (or `{"ID": null}` from older servers). */
export function normalizeUserProfile(raw: unknown, query: string): UserProfile {
  const where = 'GetUserProfile';
  const body = objectBody(raw, where, { what: 'user', query });
  if ('ID' in body && body.ID === null) throw new RaNotFoundError('user', query);
  const ulid = requiredString(body, 'ULID', where);
  if (ulid === '') throw malformed(`${where}.ULID`, 'a non-empty ULID');
  return {
    user: requiredString(body, 'User', where),
    ulid,
    userPic: optionalString(body, 'UserPic', where),
    totalPoints: optionalNumber(body, 'TotalPoints', where),
    totalSoftcorePoints: optionalNumber(body, 'TotalSoftcorePoints', where),
    totalTruePoints: optionalNumber(body, 'TotalTruePoints', where),
    memberSince: optionalDate(body, 'MemberSince', where),
    richPresenceMsg: optionalString(body, 'RichPresenceMsg', where),
    lastGameId: optionalId(body, 'LastGameID', where),
    motto: optionalString(body, 'Motto', where),
    untracked: optionalBoolean(body, 'Untracked', where),
  };
}

function normalizeAchievement(raw: unknown, where: string): Achievement {
  if (!isRawObject(raw)) throw malformed(where, 'an achievement object');
  return {
    id: requiredId(raw, 'ID', where),
    title: requiredString(raw, 'Title', where),
    description: optionalString(raw, 'Description', where),
    points: requiredNumber(raw, 'Points', where),
    retroPoints: optionalNumber(raw, 'TrueRatio', where),
    badgeName: optionalString(raw, 'BadgeName', where),
    displayOrder: optionalNumber(raw, 'DisplayOrder', where),
    numAwarded: optionalNumber(raw, 'NumAwarded', where),
    numAwardedHardcore: optionalNumber(raw, 'NumAwardedHardcore', where),
    author: optionalString(raw, 'Author', where),
    type: achievementType(raw, where),
    earnedAt: optionalDate(raw, 'DateEarned', where),
    earnedHardcoreAt: optionalDate(raw, 'DateEarnedHardcore', where),
  };
}

/**
 * `Achievements` is an object keyed by id; `{}` (or `[]`) when the set is empty. Object key
 * order is numeric, not display order, so the result is sorted by DisplayOrder, then ID.
 */
function normalizeAchievements(raw: unknown, where: string): Achievement[] {
  if (isAbsent(raw)) return [];
  return listOf(raw, where)
    .map((entry, i) => normalizeAchievement(entry, `${where}[${i}]`))
    .sort((a, b) => a.displayOrder - b.displayOrder || a.id - b.id);
}

/** The game's own fields, as GetGameInfoAndUserProgress and GetGameExtended both send them. */
function gameFields(body: RawObject, where: string) {
  const released = optionalString(body, 'Released', where);
  return {
    id: requiredId(body, 'ID', where),
    title: requiredString(body, 'Title', where),
    consoleId: optionalNumber(body, 'ConsoleID', where),
    consoleName: optionalString(body, 'ConsoleName', where),
    imageIcon: optionalString(body, 'ImageIcon', where),
    imageTitle: optionalString(body, 'ImageTitle', where),
    imageIngame: optionalString(body, 'ImageIngame', where),
    imageBoxArt: optionalString(body, 'ImageBoxArt', where),
    publisher: optionalString(body, 'Publisher', where),
    developer: optionalString(body, 'Developer', where),
    genre: optionalString(body, 'Genre', where),
    released: released === '' ? null : released,
    parentGameId: optionalId(body, 'ParentGameID', where),
    numDistinctPlayers: optionalNumber(body, 'NumDistinctPlayers', where),
  };
}

/**
 * API_GetGameInfoAndUserProgress with a=1. RA answers an unknown user AND an unknown game with
 * the same bare `[]`; `notFound` says how the caller wants that reported.
 */
export function normalizeGameProgress(raw: unknown, notFound: NotFoundContext): GameProgress {
  const where = 'GetGameInfoAndUserProgress';
  const body = objectBody(raw, where, notFound);
  const highestAwardKind = parseAwardKind(body.HighestAwardKind);
  return {
    ...gameFields(body, where),
    numAchievements: optionalNumber(body, 'NumAchievements', where),
    numAwardedToUser: optionalNumber(body, 'NumAwardedToUser', where),
    numAwardedToUserHardcore: optionalNumber(body, 'NumAwardedToUserHardcore', where),
    userCompletion: optionalPercent(body, 'UserCompletion', where),
    userCompletionHardcore: optionalPercent(body, 'UserCompletionHardcore', where),
    highestAwardKind,
    // A date without a kind we understand would describe an award we can't name.
    highestAwardDate: highestAwardKind === null ? null : optionalDate(body, 'HighestAwardDate', where),
    achievements: normalizeAchievements(body.Achievements, `${where}.Achievements`),
  };
}

function normalizeUnlockEvent(raw: unknown, where: string): UnlockEvent {
  if (!isRawObject(raw)) throw malformed(where, 'an unlock object');
  return {
    date: requiredDate(raw, 'Date', where),
    hardcore: optionalBoolean(raw, 'HardcoreMode', where),
    achievementId: requiredId(raw, 'AchievementID', where),
    title: requiredString(raw, 'Title', where),
    description: optionalString(raw, 'Description', where),
    badgeName: optionalString(raw, 'BadgeName', where),
    points: optionalNumber(raw, 'Points', where),
    retroPoints: optionalNumber(raw, 'TrueRatio', where),
    type: achievementType(raw, where),
    gameId: requiredId(raw, 'GameID', where),
    gameTitle: optionalString(raw, 'GameTitle', where),
    gameIcon: optionalString(raw, 'GameIcon', where),
    consoleName: optionalString(raw, 'ConsoleName', where),
  };
}

/**
 * API_GetUserRecentAchievements / API_GetAchievementsEarnedBetween: a list, in RA's order.
 * An unknown user is `[]` too, indistinguishable from "no unlocks": both give an empty list.
 * An unreadable row is skipped (reported to `onSkip`); the rest of the list counts.
 */
export function normalizeUnlockEvents(raw: unknown, endpoint: string, onSkip?: SkipReporter): UnlockEvent[] {
  return readRows(listOf(raw, endpoint), endpoint, normalizeUnlockEvent, onSkip);
}

/** API_GetUserRecentlyPlayedGames (an unknown user is `[]`, like a user with no games). */
export function normalizeRecentlyPlayedGames(raw: unknown): RecentlyPlayedGame[] {
  const endpoint = 'GetUserRecentlyPlayedGames';
  return listOf(raw, endpoint).map((row, i): RecentlyPlayedGame => {
    const where = `${endpoint}[${i}]`;
    if (!isRawObject(row)) throw malformed(where, 'a game object');
    return {
      gameId: requiredId(row, 'GameID', where),
      title: requiredString(row, 'Title', where),
      consoleName: optionalString(row, 'ConsoleName', where),
      imageIcon: optionalString(row, 'ImageIcon', where),
      lastPlayed: optionalDate(row, 'LastPlayed', where),
      numPossibleAchievements: optionalNumber(row, 'NumPossibleAchievements', where),
      numAchieved: optionalNumber(row, 'NumAchieved', where),
      numAchievedHardcore: optionalNumber(row, 'NumAchievedHardcore', where),
    };
  });
}

/** One page of API_GetRecentGameAwards. */
export interface GameAwardPage {
  events: GameAwardEvent[];
  /** RA's `Total`: rows matching the query before any were dropped (page by this, not by rows). */
  total: number;
}

/**
 * API_GetRecentGameAwards: `{Count, Total, Results}`, newest first; `Results` may be an object
 * when RA dropped rows (deleted users). A row whose kind this version doesn't know, or that
 * can't be read (a deleted account without a ULID, say), is skipped: one row must not hide the
 * rest of a site-wide feed.
 */
export function normalizeRecentGameAwards(raw: unknown, onSkip?: SkipReporter): GameAwardPage {
  const endpoint = 'GetRecentGameAwards';
  const body = objectBody(raw, endpoint);
  const rows = listOf(body.Results, `${endpoint}.Results`);
  const events = readRows(rows, `${endpoint}.Results`, normalizeAwardRow, onSkip);
  return { events, total: optionalNumber(body, 'Total', endpoint, rows.length) };
}

function normalizeAwardRow(row: unknown, where: string): GameAwardEvent | null {
  if (!isRawObject(row)) throw malformed(where, 'an award object');
  if (typeof row.AwardKind !== 'string') throw malformed(`${where}.AwardKind`, 'a string');
  const awardKind = parseAwardKind(row.AwardKind);
  if (awardKind === null) return null;
  return {
    user: requiredString(row, 'User', where),
    ulid: requiredString(row, 'ULID', where),
    awardKind,
    awardDate: requiredDate(row, 'AwardDate', where),
    gameId: requiredId(row, 'GameID', where),
    gameTitle: optionalString(row, 'GameTitle', where),
    consoleId: optionalNumber(row, 'ConsoleID', where),
    consoleName: optionalString(row, 'ConsoleName', where),
  };
}

/** API_GetGame: only used to tell an unknown game from an unknown user; true when it exists. */
export function gameExists(raw: unknown): boolean {
  if (isBareEmptyArray(raw)) return false;
  const body = objectBody(raw, 'GetGame');
  requiredString(body, 'Title', 'GetGame');
  return true;
}

/** RA lists may arrive as arrays, as objects keyed by index or id, or absent/`[]` for none. */
function listValues(raw: unknown, where: string): unknown[] {
  return isAbsent(raw) ? [] : listOf(raw, where);
}

/**
 * API_GetUserSummary. An unknown user is `{"ID": null, ...}` (with HTTP 404) or the bare `[]`.
 * `RecentAchievements` is keyed by game id, then achievement id; flattened, newest first.
 */
export function normalizeUserSummary(raw: unknown, query: string): UserSummary {
  const where = 'GetUserSummary';
  const body = objectBody(raw, where, { what: 'user', query });
  if ('ID' in body && body.ID === null) throw new RaNotFoundError('user', query);
  const lastGameRaw = body.LastGame;
  const lastGame =
    isRawObject(lastGameRaw) && !isAbsent(lastGameRaw.ID) && lastGameRaw.ID !== 0
      ? {
          id: requiredId(lastGameRaw, 'ID', `${where}.LastGame`),
          title: optionalString(lastGameRaw, 'Title', `${where}.LastGame`),
          consoleName: optionalString(lastGameRaw, 'ConsoleName', `${where}.LastGame`),
          imageIcon: optionalString(lastGameRaw, 'ImageIcon', `${where}.LastGame`),
        }
      : null;
  const recentUnlocks: SummaryUnlock[] = listValues(body.RecentAchievements, `${where}.RecentAchievements`)
    .flatMap((game, i) => listValues(game, `${where}.RecentAchievements[${i}]`))
    .map((row, i) => {
      const at = `${where}.RecentAchievements[${i}]`;
      if (!isRawObject(row)) throw malformed(at, 'an achievement object');
      return {
        achievementId: requiredId(row, 'ID', at),
        title: requiredString(row, 'Title', at),
        points: optionalNumber(row, 'Points', at),
        badgeName: optionalString(row, 'BadgeName', at),
        gameId: requiredId(row, 'GameID', at),
        gameTitle: optionalString(row, 'GameTitle', at),
        hardcore: optionalBoolean(row, 'HardcoreAchieved', at),
        date: requiredDate(row, 'DateAwarded', at),
      };
    })
    .sort((a, b) => b.date.getTime() - a.date.getTime() || b.achievementId - a.achievementId);
  const rank = optionalNumber(body, 'Rank', where, 0);
  return {
    user: requiredString(body, 'User', where),
    ulid: optionalString(body, 'ULID', where),
    userPic: optionalString(body, 'UserPic', where),
    motto: optionalString(body, 'Motto', where),
    totalPoints: optionalNumber(body, 'TotalPoints', where),
    totalSoftcorePoints: optionalNumber(body, 'TotalSoftcorePoints', where),
    totalTruePoints: optionalNumber(body, 'TotalTruePoints', where),
    rank: rank > 0 ? rank : null,
    totalRanked: optionalNumber(body, 'TotalRanked', where),
    memberSince: optionalDate(body, 'MemberSince', where),
    richPresenceMsg: optionalString(body, 'RichPresenceMsg', where),
    lastGame,
    recentUnlocks,
  };
}

function visibleAwardKind(type: string, hardcore: boolean): AwardKind | null {
  if (type === 'Mastery/Completion') return hardcore ? 'mastered' : 'completed';
  if (type === 'Game Beaten') return hardcore ? 'beaten-hardcore' : 'beaten-softcore';
  return null;
}

/**
 * API_GetUserAwards. Only game awards are kept from the visible list (site and event awards
 * have no game), in RA's order (the user's display order). An unknown user is the bare `[]`.
 */
export function normalizeUserAwards(raw: unknown, query: string): UserAwards {
  const where = 'GetUserAwards';
  const body = objectBody(raw, where, { what: 'user', query });
  const visible: VisibleGameAward[] = [];
  listValues(body.VisibleUserAwards, `${where}.VisibleUserAwards`).forEach((row, i) => {
    const at = `${where}.VisibleUserAwards[${i}]`;
    if (!isRawObject(row)) throw malformed(at, 'an award object');
    const kind = visibleAwardKind(
      optionalString(row, 'AwardType', at),
      optionalNumber(row, 'AwardDataExtra', at) === 1,
    );
    if (kind === null) return;
    visible.push({
      awardedAt: requiredDate(row, 'AwardedAt', at),
      kind,
      gameId: requiredId(row, 'AwardData', at),
      title: optionalString(row, 'Title', at),
      consoleName: optionalString(row, 'ConsoleName', at),
      imageIcon: optionalString(row, 'ImageIcon', at),
    });
  });
  return {
    masteries: optionalNumber(body, 'MasteryAwardsCount', where),
    completions: optionalNumber(body, 'CompletionAwardsCount', where),
    beatenHardcore: optionalNumber(body, 'BeatenHardcoreAwardsCount', where),
    beatenSoftcore: optionalNumber(body, 'BeatenSoftcoreAwardsCount', where),
    visible,
  };
}

/**
 * A list that PHP may have sent as an object keyed by the surviving indexes (rows dropped after
 * the list was built): the values in numeric key order.
 */
/**
 * API_GetUsersFollowingMe: `{Count, Total, Results}`, most recently active first. A row without
 * a ULID (or otherwise unreadable) is skipped: one odd row must not hide every other follower.
 */
export function normalizeUsersFollowingMe(raw: unknown): FollowersPage {
  const { rows, total } = normalizeUserList(raw, 'GetUsersFollowingMe', true);
  return { followers: rows.filter((row): row is Follower => row.ulid !== null), total };
}

/**
 * API_GetUsersIFollow: the users the key's owner follows, same shape as GetUsersFollowingMe
 * (`IsFollowingMe` instead of `AmIFollowing`). Older servers leave `ULID` out: such rows keep
 * `ulid: null` and the display name.
 */
export function normalizeUsersIFollow(raw: unknown): FollowedPage {
  const { rows, total } = normalizeUserList(raw, 'GetUsersIFollow', false);
  return { followed: rows, total };
}

function normalizeUserList(
  raw: unknown,
  endpoint: string,
  ulidRequired: boolean,
): { rows: FollowedUser[]; total: number } {
  const body = objectBody(raw, endpoint);
  const list = isAbsent(body.Results) ? [] : listOf(body.Results, `${endpoint}.Results`);
  const rows = readRows(list, `${endpoint}.Results`, (row, where): FollowedUser => {
    if (!isRawObject(row)) throw malformed(where, 'a user object');
    let ulid: string | null = null;
    if (ulidRequired || !isAbsent(row.ULID)) {
      ulid = requiredString(row, 'ULID', where).toUpperCase();
      if (ulid === '') throw malformed(`${where}.ULID`, 'a non-empty ULID');
    }
    return {
      user: requiredString(row, 'User', where),
      ulid,
      hardcorePoints: optionalNumber(row, 'Points', where),
      softcorePoints: optionalNumber(row, 'PointsSoftcore', where),
    };
  });
  const total = optionalNumber(body, 'Total', endpoint, rows.length);
  return { rows, total: Math.max(total, rows.length) };
}

/** Rows that can't be read are skipped: one bad row must not hide a whole console's games. */
function readableRows<T>(rows: unknown[], where: string, read: (row: RawObject, at: string) => T): T[] {
  return readRows(rows, where, (row, at) => {
    if (!isRawObject(row)) throw malformed(at, 'an object');
    return read(row, at);
  });
}

/** API_GetConsoleIDs (ids may be strings on older servers). */
export function normalizeConsoles(raw: unknown): RaConsole[] {
  const endpoint = 'GetConsoleIDs';
  return readableRows(listOf(raw, endpoint), endpoint, (row, at) => ({
    id: requiredId(row, 'ID', at),
    name: requiredString(row, 'Name', at),
    iconUrl: optionalString(row, 'IconURL', at),
    active: isAbsent(row.Active) ? true : optionalBoolean(row, 'Active', at),
    isGameSystem: isAbsent(row.IsGameSystem) ? true : optionalBoolean(row, 'IsGameSystem', at),
  }));
}

/** API_GetGameList (ids may be strings on older servers; an unknown console is `[]`). */
export function normalizeGameList(raw: unknown): GameListEntry[] {
  const endpoint = 'GetGameList';
  return readableRows(listOf(raw, endpoint), endpoint, (row, at) => ({
    id: requiredId(row, 'ID', at),
    title: requiredString(row, 'Title', at),
    consoleId: requiredId(row, 'ConsoleID', at),
    consoleName: optionalString(row, 'ConsoleName', at),
    imageIcon: optionalString(row, 'ImageIcon', at),
    numAchievements: optionalNumber(row, 'NumAchievements', at),
    points: optionalNumber(row, 'Points', at),
  }));
}

/** API_GetGameExtended. An unknown game is the bare `[]`. */
export function normalizeGameDetails(raw: unknown, query: string): GameDetails {
  const where = 'GetGameExtended';
  const body = objectBody(raw, where, { what: 'game', query });
  const achievements = normalizeAchievements(body.Achievements, `${where}.Achievements`);
  const byAuthor = new Map<string, number>();
  for (const a of achievements) {
    if (a.author) byAuthor.set(a.author, (byAuthor.get(a.author) ?? 0) + 1);
  }
  return {
    ...gameFields(body, where),
    numDistinctPlayersHardcore: optionalNumber(body, 'NumDistinctPlayersHardcore', where),
    numAchievements: isAbsent(body.NumAchievements)
      ? achievements.length
      : optionalNumber(body, 'NumAchievements', where),
    points: achievements.reduce((sum, a) => sum + a.points, 0),
    authors: [...byAuthor]
      .map(([name, count]) => ({ name, achievements: count }))
      .sort((a, b) => b.achievements - a.achievements || a.name.localeCompare(b.name)),
  };
}

/** API_GetAchievementOfTheWeek; null when RA has none set (`{"Achievement":{"ID":null},...}`). */
export function normalizeAchievementOfTheWeek(raw: unknown): AchievementOfTheWeek | null {
  const where = 'GetAchievementOfTheWeek';
  const body = objectBody(raw, where);
  const achievement = body.Achievement;
  if (!isRawObject(achievement) || isAbsent(achievement.ID)) return null;
  const a = `${where}.Achievement`;
  const game = isRawObject(body.Game) ? body.Game : {};
  const consoleObj = isRawObject(body.Console) ? body.Console : {};
  const unlockRows = isAbsent(body.Unlocks) ? [] : listOf(body.Unlocks, `${where}.Unlocks`);
  const unlocks: AotwUnlock[] = [];
  unlockRows.forEach((row, i) => {
    const at = `${where}.Unlocks[${i}]`;
    if (!isRawObject(row)) throw malformed(at, 'an unlock object');
    const ulid = optionalString(row, 'ULID', at);
    unlocks.push({
      user: requiredString(row, 'User', at),
      ulid: ulid === '' ? null : ulid,
      date: requiredDate(row, 'DateAwarded', at),
      hardcore: optionalBoolean(row, 'HardcoreMode', at),
    });
  });
  return {
    achievement: {
      id: requiredId(achievement, 'ID', a),
      title: requiredString(achievement, 'Title', a),
      description: optionalString(achievement, 'Description', a),
      points: optionalNumber(achievement, 'Points', a),
      retroPoints: optionalNumber(achievement, 'TrueRatio', a),
      badgeName: optionalString(achievement, 'BadgeName', a),
    },
    game: {
      id: requiredId(game, 'ID', `${where}.Game`),
      title: optionalString(game, 'Title', `${where}.Game`),
    },
    consoleName: optionalString(consoleObj, 'Title', `${where}.Console`),
    startAt: optionalDate(body, 'StartAt', where),
    totalPlayers: optionalNumber(body, 'TotalPlayers', where),
    unlocksCount: optionalNumber(body, 'UnlocksCount', where),
    unlocksHardcoreCount: optionalNumber(body, 'UnlocksHardcoreCount', where),
    unlocks,
  };
}

/** `Results` of a leaderboard endpoint (a list, or an object keyed by index), with `Total`. */
function leaderboardPage<T>(
  raw: unknown,
  endpoint: string,
  read: (row: RawObject, where: string) => T,
): RaPage<T> {
  const body = objectBody(raw, endpoint);
  const rows = isAbsent(body.Results) ? [] : listOf(body.Results, `${endpoint}.Results`);
  const results = readableRows(rows, `${endpoint}.Results`, read);
  const total = optionalNumber(body, 'Total', endpoint, results.length);
  return { results, total: Math.max(total, results.length) };
}

function boardFields(row: RawObject, where: string): Omit<RaLeaderboard, 'state' | 'topEntry'> {
  return {
    id: requiredId(row, 'ID', where),
    rankAsc: optionalBoolean(row, 'RankAsc', where),
    title: requiredString(row, 'Title', where),
    description: optionalString(row, 'Description', where),
    format: optionalString(row, 'Format', where) || 'VALUE',
  };
}

/** API_GetGameLeaderboards. */
export function normalizeGameLeaderboards(raw: unknown): RaPage<RaLeaderboard> {
  return leaderboardPage(raw, 'GetGameLeaderboards', (row, where) => {
    const top = row.TopEntry;
    return {
      ...boardFields(row, where),
      state: optionalString(row, 'State', where) || 'active',
      topEntry: isRawObject(top)
        ? {
            user: requiredString(top, 'User', `${where}.TopEntry`),
            ulid: optionalString(top, 'ULID', `${where}.TopEntry`).toUpperCase(),
            score: requiredNumber(top, 'Score', `${where}.TopEntry`),
            formattedScore: optionalString(top, 'FormattedScore', `${where}.TopEntry`),
          }
        : null,
    };
  });
}

/** API_GetLeaderboardEntries. */
export function normalizeLeaderboardEntries(raw: unknown): RaPage<RaLeaderboardEntry> {
  return leaderboardPage(raw, 'GetLeaderboardEntries', (row, where) => ({
    rank: requiredNumber(row, 'Rank', where),
    user: requiredString(row, 'User', where),
    ulid: optionalString(row, 'ULID', where).toUpperCase(),
    score: requiredNumber(row, 'Score', where),
    formattedScore: optionalString(row, 'FormattedScore', where),
    submittedAt: requiredDate(row, 'DateSubmitted', where),
  }));
}

/** API_GetUserGameLeaderboards. */
export function normalizeUserGameLeaderboards(raw: unknown): RaPage<RaUserLeaderboardEntry> {
  return leaderboardPage(raw, 'GetUserGameLeaderboards', (row, where) => {
    const entry = row.UserEntry;
    if (!isRawObject(entry)) throw malformed(`${where}.UserEntry`, 'an object');
    const at = `${where}.UserEntry`;
    return {
      leaderboard: boardFields(row, where),
      user: requiredString(entry, 'User', at),
      ulid: optionalString(entry, 'ULID', at).toUpperCase(),
      score: requiredNumber(entry, 'Score', at),
      formattedScore: optionalString(entry, 'FormattedScore', at),
      rank: requiredNumber(entry, 'Rank', at),
      updatedAt: requiredDate(entry, 'DateUpdated', at),
    };
  });
}
