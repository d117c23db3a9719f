/**
 * `/settings test` samples (issue 20): announcement payloads built from a real tracked user and
 * game when the server has one, never written to the outbox (so they never count anywhere).
 */
import {
  type AwardPayload,
  type MilestonePayload,
  PAYLOAD_VERSION,
  type PayloadBase,
  type UnlockPayload,
} from '../domain/announcements.js';
import type { PeriodUnlock } from '../domain/community.js';

/** What the sample shows: a real unlock seen here, else a tracked user, else placeholders. */
export interface SampleSource {
  unlock: PeriodUnlock | null;
  user: { ulid: string; displayName: string } | null;
  /** Placeholder names in the server's language, for a server with nobody tracked yet. */
  placeholders: { user: string; game: string; achievement: string };
  now: Date;
}

function sampleBase(source: SampleSource): PayloadBase {
  const { unlock, user, placeholders } = source;
  const who = unlock ?? user;
  return {
    version: PAYLOAD_VERSION,
    user: { ulid: who?.ulid ?? '', displayName: who?.displayName ?? placeholders.user, userPic: '' },
    game: {
      id: unlock?.gameId ?? 0,
      title: unlock?.gameTitle ?? placeholders.game,
      consoleName: '',
      imageIcon: '',
      imageBoxArt: '',
      numAchievements: 1,
      totalPoints: unlock?.points ?? 0,
      totalRetroPoints: unlock?.points ?? 0,
      numDistinctPlayers: unlock?.numDistinctPlayers ?? 0,
    },
    progress: {
      numAwardedToUser: 1,
      numAwardedToUserHardcore: 1,
      userCompletion: 100,
      userCompletionHardcore: 100,
      pointsEarned: unlock?.points ?? 0,
      pointsEarnedHardcore: unlock?.points ?? 0,
    },
  };
}

export function sampleUnlock(source: SampleSource): UnlockPayload {
  const { unlock } = source;
  return {
    ...sampleBase(source),
    kind: 'unlock',
    achievement: {
      id: unlock?.achievementId ?? 0,
      title: unlock?.title ?? source.placeholders.achievement,
      description: '',
      points: unlock?.points ?? 0,
      retroPoints: unlock?.points ?? 0,
      badgeName: unlock?.badgeName ?? '00000',
      type: null,
      hardcore: true,
      upgrade: false,
      at: source.now.toISOString(),
      numAwarded: unlock?.numAwarded ?? 0,
      numAwardedHardcore: unlock?.numAwarded ?? 0,
      numDistinctPlayers: unlock?.numDistinctPlayers ?? 0,
    },
  };
}

export function sampleAward(source: SampleSource): AwardPayload {
  return {
    ...sampleBase(source),
    kind: 'award',
    award: { kind: 'mastered', at: source.now.toISOString(), firstUnlockAt: null },
  };
}

export function sampleMilestone(source: SampleSource): MilestonePayload {
  return {
    ...sampleBase(source),
    kind: 'milestone',
    milestone: { percent: 50, hardcore: true, earned: 1, total: 2, at: source.now.toISOString() },
  };
}
