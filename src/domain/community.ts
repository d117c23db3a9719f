import type { AchievementOfTheWeek, AwardKind } from '../ra/types.js';
export interface GamePlayer {
  ulid: string;
  displayName: string;
  /** Achievements the bot has stored as earned (either mode), and those earned in hardcore. */
  earned: number;
  earnedHardcore: number;
  highestAward: AwardKind | null;
}

/** One tracked user's figures for a period (or all time). */
export interface LeaderboardEntry {
  ulid: string;
  displayName: string;
  /** Hardcore points gained (all time: RA's hardcore total). */
  points: number;
  /** Achievements unlocked in either mode; null when unknown (all time). */
  unlocks: number | null;
  /** Games mastered (hardcore) or completed (softcore). */
  masteries: number;
  /** Games beaten, either mode. */
  beaten: number;
  /**
   * All time only: when RA's totals were read (epoch ms); 0 when only the points are known yet
   * (savePoints: masteries and beaten follow with the background refresh); null when not read yet.
   */
  refreshedAt: number | null;
}

export interface PeriodAward {
  ulid: string;
  displayName: string;
  gameId: number;
  gameTitle: string | null;
  kind: AwardKind;
  at: number;
}

export interface PeriodUnlock {
  ulid: string;
  displayName: string;
  achievementId: number;
  title: string;
  points: number;
  badgeName: string;
  gameId: number;
  gameTitle: string | null;
  numAwarded: number;
  numDistinctPlayers: number;
  hardcore: boolean;
}

export interface PeriodGame {
  gameId: number;
  title: string | null;
  consoleName: string | null;
  imageIcon: string | null;
  players: number;
  unlocks: number;
}

export const PERIODS = ['week', 'month', 'all'] as const;

export type Period = (typeof PERIODS)[number];

export const RANK_BY = ['points', 'awards', 'unlocks'] as const;

export type RankBy = (typeof RANK_BY)[number];

export interface RankedEntry extends LeaderboardEntry {
  /** 1-based; equal scores share the rank. */
  rank: number;
}

/** RA's AotW runs a week from its start. */
export const AOTW_LENGTH_MS = 7 * 24 * 60 * 60_000;

export type AotwData = Omit<AchievementOfTheWeek, 'startAt' | 'unlocks'> & {
  startAt: string | null;
  unlocks: { user: string; ulid: string | null; date: string; hardcore: boolean }[];
};

/** Outbox payload of an "a new Achievement of the Week started" post. */
export interface AotwPayload {
  version: 1;
  kind: 'aotw';
  aotw: Omit<AotwData, 'unlocks'>;
}

export interface DigestPayload {
  version: 1;
  kind: 'digest';
  /** ISO: the week covered, [from, to). */
  from: string;
  to: string;
  timeZone: string;
  trackedCount: number;
  gainers: { ulid: string; displayName: string; points: number; unlocks: number; rank: number }[];
  awards: PeriodAward[];
  moreAwards: number;
  rarest: PeriodUnlock | null;
  mostPlayed: PeriodGame | null;
}
