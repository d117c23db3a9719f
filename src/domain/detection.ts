/**
 * What detection finds and what the store keeps per (user, game): the domain's own shapes,
 * shared by tracking (producer), store (persistence) and community (leaderboards).
 */
import type { Achievement, AwardKind } from '../ra/types.js';

/** Epoch-ms unlock times of one earned achievement. */
export interface EarnedTimes {
  softcoreAt: number | null;
  hardcoreAt: number | null;
}

export interface StoredGameState {
  /** Keyed by achievement id; only earned achievements are present. */
  earned: Map<number, EarnedTimes>;
  highestAward: AwardKind | null;
  /** Epoch ms: the date of `highestAward` as last seen (null/absent when unknown). */
  highestAwardAt?: number | null;
}

export interface UnlockChange {
  achievement: Achievement;
  hardcore: boolean;
  /** A softcore unlock upgraded to hardcore. */
  upgrade: boolean;
  /** The unlock time from RA: the hardcore time for a hardcore unlock or an upgrade. */
  at: Date;
}

export interface AwardChange {
  kind: AwardKind;
  /**
   * RA's award date. When RA gives none: when the unlocks met the award's rule (see
   * `awardTimeFromUnlocks`), and only failing that the detection time.
   */
  at: Date;
  /** The same award earned again (RA reports it with a later date than the one announced). */
  again: boolean;
}

export interface Detection {
  /** Oldest first. */
  unlocks: UnlockChange[];
  award: AwardChange | null;
  /** What to store for this (user, game) now. */
  nextState: StoredGameState;
  /**
   * The earned set qualifies for a higher award than RA reports. RA computes awards
   * asynchronously, so the poller should look at this game again on the next polls.
   */
  awardLikelyPending: boolean;
}
