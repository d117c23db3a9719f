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
