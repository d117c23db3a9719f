/**
 * Domain types for RetroAchievements data. Only `normalize.ts` reads raw RA JSON; everything
 * else in the bot sees these camelCase, fully-typed shapes.
 */

/** Game awards, lowest prestige first. `completed` = softcore mastery, `mastered` = hardcore. */
export const AWARD_KINDS = ['beaten-softcore', 'beaten-hardcore', 'completed', 'mastered'] as const;
export type AwardKind = (typeof AWARD_KINDS)[number];

/** Higher is more prestigious; `null` (no award) ranks 0. */
export function awardRank(kind: AwardKind | null): number {
  return kind === null ? 0 : AWARD_KINDS.indexOf(kind) + 1;
}

/** Beaten (hardcore) and mastered are earned in hardcore; the other two in softcore. */
export function isHardcoreAward(kind: AwardKind): boolean {
  return kind === 'beaten-hardcore' || kind === 'mastered';
}

export type AchievementType = 'progression' | 'win_condition' | 'missable' | null;

/**
 * When a game's beaten rule became true in one mode (all progression achievements plus the
 * first win condition; RA's rule), from the unlock dates; null when the set has no typed
 * achievements or the rule isn't met in that mode.
 */
export function beatenAt(achievements: readonly Achievement[], hardcore: boolean): Date | null {
  const timeOf = (a: Achievement): number | null =>
    (hardcore ? a.earnedHardcoreAt : (a.earnedAt ?? a.earnedHardcoreAt))?.getTime() ?? null;
  const progression = achievements.filter((a) => a.type === 'progression').map(timeOf);
  const winTimes = achievements
    .filter((a) => a.type === 'win_condition')
    .map(timeOf)
    .filter((t): t is number => t !== null);
  const hasWins = achievements.some((a) => a.type === 'win_condition');
  const met =
    (progression.length > 0 || hasWins) &&
    progression.every((t) => t !== null) &&
    (!hasWins || winTimes.length > 0);
  if (!met) return null;
  const parts = progression.filter((t): t is number => t !== null);
  if (winTimes.length > 0) parts.push(Math.min(...winTimes));
  return new Date(Math.max(...parts));
}

export interface Achievement {
  id: number;
  title: string;
  description: string;
  points: number;
  /** RetroPoints (RA's `TrueRatio`). */
  retroPoints: number;
  badgeName: string;
  displayOrder: number;
  numAwarded: number;
  numAwardedHardcore: number;
  author: string;
  type: AchievementType;
  /** Softcore unlock time (a hardcore unlock sets both). */
  earnedAt: Date | null;
  earnedHardcoreAt: Date | null;
}

/** Unlocked in either mode (a hardcore unlock sets both dates, but don't rely on it). */
export function isEarned(a: Pick<Achievement, 'earnedAt' | 'earnedHardcoreAt'>): boolean {
  return a.earnedAt !== null || a.earnedHardcoreAt !== null;
}

export interface Game {
  id: number;
  title: string;
  consoleId: number;
  consoleName: string;
  /** Site-relative image paths such as `/Images/067895.png`; see `urls.ts`. */
  imageIcon: string;
  imageTitle: string;
  imageIngame: string;
  imageBoxArt: string;
  publisher: string;
  developer: string;
  genre: string;
  released: string | null;
  parentGameId: number | null;
  numDistinctPlayers: number;
  numAchievements: number;
}

/** API_GetGameInfoAndUserProgress with a=1. */
export interface GameProgress extends Game {
  numAwardedToUser: number;
  numAwardedToUserHardcore: number;
  /** Percent, 0-100 (RA sends "33.33%"). */
  userCompletion: number;
  userCompletionHardcore: number;
  highestAwardKind: AwardKind | null;
  highestAwardDate: Date | null;
  /** Sorted by displayOrder, then id. */
  achievements: Achievement[];
}

export interface UserProfile {
  /** Current display name. */
  user: string;
  /** Stable id; survives renames. */
  ulid: string;
  /** Site-relative path, e.g. `/UserPic/Name.png`. */
  userPic: string;
  totalPoints: number;
  totalSoftcorePoints: number;
  totalTruePoints: number;
  memberSince: Date | null;
  richPresenceMsg: string;
  lastGameId: number | null;
  motto: string;
  untracked: boolean;
}

/** A row of API_GetUserRecentAchievements / API_GetAchievementsEarnedBetween. */
export interface UnlockEvent {
  date: Date;
  hardcore: boolean;
  achievementId: number;
  title: string;
  description: string;
  badgeName: string;
  points: number;
  retroPoints: number;
  type: AchievementType;
  gameId: number;
  gameTitle: string;
  gameIcon: string;
  consoleName: string;
}

export interface RecentlyPlayedGame {
  gameId: number;
  title: string;
  consoleName: string;
  imageIcon: string;
  lastPlayed: Date | null;
  numPossibleAchievements: number;
  numAchieved: number;
  numAchievedHardcore: number;
}

export interface GameAwardEvent {
  user: string;
  ulid: string;
  awardKind: AwardKind;
  awardDate: Date;
  gameId: number;
  gameTitle: string;
  consoleId: number;
  consoleName: string;
}

/** One of a user's latest unlocks as API_GetUserSummary lists them. */
export interface SummaryUnlock {
  achievementId: number;
  title: string;
  points: number;
  badgeName: string;
  gameId: number;
  gameTitle: string;
  hardcore: boolean;
  date: Date;
}

/** API_GetUserSummary (a command-time call only: RA computes the rank per call). */
export interface UserSummary {
  user: string;
  /** Empty when an older server leaves it out. */
  ulid: string;
  userPic: string;
  motto: string;
  totalPoints: number;
  totalSoftcorePoints: number;
  totalTruePoints: number;
  /** Site rank by hardcore points; null when RA ranks the user not (untracked, too few points). */
  rank: number | null;
  totalRanked: number;
  memberSince: Date | null;
  richPresenceMsg: string;
  lastGame: { id: number; title: string; consoleName: string; imageIcon: string } | null;
  /** Newest first. */
  recentUnlocks: SummaryUnlock[];
}

/** One game award in API_GetUserAwards' visible list. */
export interface VisibleGameAward {
  awardedAt: Date;
  /** Mapped from RA's AwardType + AwardDataExtra (1 = hardcore). */
  kind: AwardKind;
  gameId: number;
  /** The game as the list names it (/profile shows it). */
  title: string;
  consoleName: string;
  imageIcon: string;
}

/** API_GetUserAwards: the user's award counts and the visible game awards. */
export interface UserAwards {
  masteries: number;
  completions: number;
  beatenHardcore: number;
  beatenSoftcore: number;
  /** Game awards only (site and event awards are left out). */
  visible: VisibleGameAward[];
}

/** A row of API_GetUsersFollowingMe: an RA user who follows the API key's owner. */
export interface Follower {
  /** Display name. */
  user: string;
  ulid: string;
  hardcorePoints: number;
  softcorePoints: number;
}

/** A row of API_GetUsersIFollow: a user the API key's owner follows (older servers: no ULID). */
export interface FollowedUser extends Omit<Follower, 'ulid'> {
  ulid: string | null;
}

/** One page of API_GetUsersIFollow, most recently active first. */
export interface FollowedPage {
  followed: FollowedUser[];
  /** Users in all pages. */
  total: number;
}

/** One page of API_GetUsersFollowingMe, most recently active first. */
export interface FollowersPage {
  followers: Follower[];
  /** Followers in all pages. */
  total: number;
}

/** A row of API_GetConsoleIDs. */
export interface RaConsole {
  id: number;
  name: string;
  iconUrl: string;
  active: boolean;
  isGameSystem: boolean;
}

/** A row of API_GetGameList (f=1: games with achievements). */
export interface GameListEntry {
  id: number;
  title: string;
  consoleId: number;
  consoleName: string;
  imageIcon: string;
  numAchievements: number;
  points: number;
}

/** API_GetGameExtended: a set's card (no user). */
export interface GameDetails extends Game {
  numDistinctPlayersHardcore: number;
  /** Sum of the published achievements' points. */
  points: number;
  /** Achievement authors, most achievements first. */
  authors: Array<{ name: string; achievements: number }>;
}

/** One row of the Achievement of the Week's `Unlocks` (those since it started, at most 500). */
export interface AotwUnlock {
  user: string;
  /** Absent on older servers. */
  ulid: string | null;
  date: Date;
  hardcore: boolean;
}

/** API_GetAchievementOfTheWeek when one is set. */
export interface AchievementOfTheWeek {
  achievement: {
    id: number;
    title: string;
    description: string;
    points: number;
    retroPoints: number;
    badgeName: string;
  };
  game: { id: number; title: string };
  consoleName: string;
  startAt: Date | null;
  totalPlayers: number;
  unlocksCount: number;
  unlocksHardcoreCount: number;
  unlocks: AotwUnlock[];
}

/** A leaderboard's `Format` (RA's value formats; see ra-api.md "Leaderboards"). */
export type LeaderboardFormat = string;

/** One board of API_GetGameLeaderboards. */
export interface RaLeaderboard {
  id: number;
  /** True: lower is better (times). */
  rankAsc: boolean;
  title: string;
  description: string;
  format: LeaderboardFormat;
  /** `active`, `disabled` or `unpublished`. */
  state: string;
  /** The best entry; null on a board nobody has entered. */
  topEntry: { user: string; ulid: string; score: number; formattedScore: string } | null;
}

/** One row of API_GetLeaderboardEntries (best first; ties share a rank). */
export interface RaLeaderboardEntry {
  rank: number;
  user: string;
  ulid: string;
  score: number;
  formattedScore: string;
  submittedAt: Date;
}

/** One row of API_GetUserGameLeaderboards: a board of the game and the user's entry on it. */
export interface RaUserLeaderboardEntry {
  leaderboard: Omit<RaLeaderboard, 'state' | 'topEntry'>;
  user: string;
  ulid: string;
  score: number;
  formattedScore: string;
  rank: number;
  updatedAt: Date;
}

/** A page of a leaderboard list and how many there are in all. */
export interface RaPage<T> {
  results: T[];
  total: number;
}
