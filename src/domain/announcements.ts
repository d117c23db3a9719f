/**
 * Announcement data shared by detection (producer), the store (outbox rows) and the renderer
 * (consumer). A payload is plain JSON DATA, not a Discord message: it holds everything a
 * renderer needs to draw the announcement later, without calling RA, even after a restart or
 * an upgrade of the renderer. Keep changes additive; bump `PAYLOAD_VERSION` on a breaking one.
 */
import type { AchievementType, AwardKind } from '../ra/types.js';
import type { ChallengeNote } from './challenges.js';
import type { Routes, UnlockFilters } from './routing.js';

/** Rows written by an older/newer build carry their version so a renderer can refuse them. */
export const PAYLOAD_VERSION = 1;

export interface PayloadUser {
  ulid: string;
  displayName: string;
  /** Site-relative, e.g. `/UserPic/Name.png`. */
  userPic: string;
}

export interface PayloadGame {
  id: number;
  title: string;
  consoleName: string;
  /** Site-relative image paths (prefix the media host). */
  imageIcon: string;
  imageBoxArt: string;
  numAchievements: number;
  /** Sum of the set's points / RetroPoints. */
  totalPoints: number;
  totalRetroPoints: number;
  numDistinctPlayers: number;
}

/**
 * The user's progress in the game right after the change. Counted from the per-achievement
 * unlock dates rather than RA's counters, which are computed asynchronously and can lag.
 */
export interface PayloadProgress {
  /** Achievements earned in either mode (a hardcore unlock counts here too). */
  numAwardedToUser: number;
  numAwardedToUserHardcore: number;
  /** Percent, 0-100. */
  userCompletion: number;
  userCompletionHardcore: number;
  /** Points of the achievements earned in either mode. */
  pointsEarned: number;
  pointsEarnedHardcore: number;
}

export interface PayloadAchievement {
  id: number;
  title: string;
  description: string;
  points: number;
  retroPoints: number;
  badgeName: string;
  type: AchievementType;
  /** Earned in hardcore (a new hardcore unlock, or an upgrade). */
  hardcore: boolean;
  /** A softcore unlock upgraded to hardcore. */
  upgrade: boolean;
  /** ISO 8601 unlock time (the hardcore time for a hardcore unlock or upgrade). */
  at: string;
  numAwarded: number;
  numAwardedHardcore: number;
  /** The game's player count, so a renderer can show rarity (numAwarded / numDistinctPlayers). */
  numDistinctPlayers: number;
  /** It was RA's Achievement of the Week when announced (absent in older rows). */
  aotw?: boolean;
}

/** What every announcement carries, whatever its kind. */
export interface PayloadBase {
  version: typeof PAYLOAD_VERSION;
  user: PayloadUser;
  game: PayloadGame;
  progress: PayloadProgress;
  /** The server's running challenge is on this game: points and rank after this (absent otherwise). */
  challenge?: ChallengeNote;
}

export interface UnlockPayload extends PayloadBase {
  kind: 'unlock';
  achievement: PayloadAchievement;
}

/** Several unlocks of one user in one game found in one poll, shown as one message. */
export interface UnlockBundlePayload extends PayloadBase {
  kind: 'unlock-bundle';
  /** Oldest first. */
  achievements: PayloadAchievement[];
}

export interface AwardPayload extends PayloadBase {
  kind: 'award';
  award: {
    kind: AwardKind;
    /**
     * ISO 8601; RA's award date. When RA gave none: when the unlocks met the award's rule,
     * else the detection time.
     */
    at: string;
    /** First unlock in the game that counts for this award (hardcore for hardcore awards). */
    firstUnlockAt: string | null;
    /** Earned again after a reset ("mastered again"); absent on first awards. */
    again?: boolean;
    /** Which one it is for the player, from RA's award counts (absent when they couldn't be read). */
    milestone?: AwardMilestone;
  };
}

/** "Their 37th mastery, 12th this year". */
export interface AwardMilestone {
  /** The award's ordinal among the user's awards of this kind. */
  count: number;
  /** Its ordinal among those of `year` (UTC, by award date). */
  yearCount: number;
  year: number;
}

/** A tracked user passed 25%, 50% or 75% of a game's set (issue 20; posted once per line, ever). */
export interface MilestonePayload extends PayloadBase {
  kind: 'milestone';
  milestone: {
    percent: number;
    /** Counted in hardcore (the guild posts hardcore only), else in either mode. */
    hardcore: boolean;
    /** Achievements earned in that mode, of `total` in the set, right after the change. */
    earned: number;
    total: number;
    /** ISO 8601: the unlock that passed the line. */
    at: string;
  };
}

export type AnnouncementPayload = UnlockPayload | UnlockBundlePayload | AwardPayload | MilestonePayload;
export type AnnouncementKind = AnnouncementPayload['kind'];
export const ANNOUNCEMENT_KINDS: readonly AnnouncementKind[] = [
  'unlock',
  'unlock-bundle',
  'award',
  'milestone',
];

/** A guild's announcement switches (guild_settings). */
export interface AnnounceToggles {
  announceUnlocks: boolean;
  announceAwards: boolean;
  /** When off, softcore-only unlocks are skipped (an upgrade to hardcore still counts). */
  announceSoftcore: boolean;
}

/** One guild's subscription to one RA user, as the poller sees it. */
export interface Subscription {
  guildId: string;
  /** The user's channel override, else the guild default; null when the guild set neither. */
  channelId: string | null;
  /** Epoch ms; events older than this are never announced to this guild. */
  trackedSince: number;
  toggles: AnnounceToggles;
  /** The guild's per-kind channels (issue 20); a routed kind ignores `channelId`. */
  routes?: Routes;
  /** Which unlocks the guild posts (issue 20); awards are never filtered. */
  filters?: UnlockFilters;
  /** The guild posts progress milestones (issue 20; off by default). */
  milestones?: boolean;
}

/** One outbox row to write; the store adds the id, nonce, status and timestamps. */
export interface OutboxInput {
  guildId: string;
  channelId: string;
  payload: AnnouncementPayload;
}

/**
 * Reads a stored payload back. Returns null for text this build can't render (corrupt, or
 * written by another payload version) so the dispatcher can fail that one row, not the batch.
 */
export function parseAnnouncementPayload(json: string): AnnouncementPayload | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as { kind?: unknown; version?: unknown };
  if (candidate.version !== PAYLOAD_VERSION) return null;
  if (!ANNOUNCEMENT_KINDS.includes(candidate.kind as AnnouncementKind)) return null;
  return value as AnnouncementPayload;
}
