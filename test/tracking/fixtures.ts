/** Builders for RA domain data used by the detect and store tests. */

import type { AnnounceToggles, Subscription } from '../../src/domain/announcements.js';
import type { Achievement, AchievementType, AwardKind, GameProgress } from '../../src/ra/types.js';

export const T0 = Date.parse('2025-03-01T12:00:00Z');
export const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

export interface AchievementSpec {
  id: number;
  points?: number;
  type?: AchievementType;
  /** Softcore unlock time (minutes after T0). */
  soft?: number;
  /** Hardcore unlock time (minutes after T0); sets the softcore time too unless `soft` is given. */
  hard?: number;
  title?: string;
}

export function achievement(spec: AchievementSpec): Achievement {
  const hardcoreAt = spec.hard === undefined ? null : at(spec.hard);
  const softcoreAt = spec.soft === undefined ? hardcoreAt : at(spec.soft);
  return {
    id: spec.id,
    title: spec.title ?? `Achievement ${spec.id}`,
    description: `Do thing ${spec.id}`,
    points: spec.points ?? 5,
    retroPoints: (spec.points ?? 5) * 2,
    badgeName: String(10_000 + spec.id),
    displayOrder: spec.id,
    numAwarded: 40,
    numAwardedHardcore: 20,
    author: 'dev',
    type: spec.type ?? null,
    earnedAt: softcoreAt,
    earnedHardcoreAt: hardcoreAt,
  };
}

export function game(
  achievements: readonly AchievementSpec[],
  award: { kind: AwardKind | null; at?: number | null } = { kind: null },
  id = 1446,
): GameProgress {
  const list = achievements.map(achievement);
  const earned = list.filter((a) => a.earnedAt !== null);
  const hardcore = list.filter((a) => a.earnedHardcoreAt !== null);
  return {
    id,
    title: 'Sonic the Hedgehog',
    consoleId: 1,
    consoleName: 'Genesis/Mega Drive',
    imageIcon: '/Images/085573.png',
    imageTitle: '/Images/000001.png',
    imageIngame: '/Images/000002.png',
    imageBoxArt: '/Images/051872.png',
    publisher: 'Sega',
    developer: 'Sonic Team',
    genre: 'Platforming',
    released: '1991-06-23',
    parentGameId: null,
    numDistinctPlayers: 100,
    numAchievements: list.length,
    // Deliberately stale, like RA's asynchronously computed counters can be.
    numAwardedToUser: Math.max(0, earned.length - 1),
    numAwardedToUserHardcore: Math.max(0, hardcore.length - 1),
    userCompletion: 0,
    userCompletionHardcore: 0,
    highestAwardKind: award.kind,
    highestAwardDate: award.at === undefined || award.at === null ? null : at(award.at),
    achievements: list,
  };
}

export const ALL_ON: AnnounceToggles = {
  announceUnlocks: true,
  announceAwards: true,
  announceSoftcore: true,
};

export function subscription(
  guildId: string,
  trackedSinceMinutes: number,
  overrides: Omit<Partial<Subscription>, 'toggles'> & { toggles?: Partial<AnnounceToggles> } = {},
): Subscription {
  return {
    guildId,
    channelId: overrides.channelId === undefined ? `chan-${guildId}` : overrides.channelId,
    trackedSince: at(trackedSinceMinutes).getTime(),
    toggles: { ...ALL_ON, ...overrides.toggles },
  };
}

export const USER = {
  ulid: '01HZX5Q7N3J8K2M4P6R8T0V2W4',
  displayName: 'Sonic_Fan',
  userPic: '/UserPic/Sonic_Fan.png',
};
