/**
 * Pure change detection: RA's current progress for one (user, game) against the stored earned
 * set, and the fan-out of the resulting events to subscribed guilds. No database, no clock.
 *
 * A stored earned SET (not a time watermark) is the source of truth: clients may backdate
 * unlocks by up to two weeks, and anything earned that the set lacks is new whatever its date.
 * "Never announce what was earned before tracking" is enforced per guild in `planFanOut`, by
 * comparing each event's time with the guild's `trackedSince`.
 *
 * RA's answers flap (set revisions, lagging replicas), so the set only forgets what RA says
 * plainly: an achievement LISTED and not earned is reset; one missing from the list keeps its
 * stored unlock (a demoted achievement comes back with its original dates: no news). A hardcore
 * unlock reported as softcore-only with the same softcore date is a lagging answer and keeps its
 * hardcore time. An unlock or award reported again with a LATER date was earned again (reset,
 * then replayed) and is announced once more.
 */

import {
  type AnnouncementPayload,
  type AwardPayload,
  type OutboxInput,
  PAYLOAD_VERSION,
  type PayloadAchievement,
  type PayloadBase,
  type PayloadGame,
  type PayloadProgress,
  type PayloadUser,
  type Subscription,
} from '../domain/announcements.js';
import type {
  AwardChange,
  Detection,
  EarnedTimes,
  StoredGameState,
  UnlockChange,
} from '../domain/detection.js';
import { NO_FILTERS, passesFilters, resolveChannel } from '../domain/routing.js';
import {
  type Achievement,
  type AwardKind,
  awardRank,
  beatenAt,
  type GameProgress,
  isEarned,
  isHardcoreAward,
} from '../ra/types.js';

/** RA only grants mastery/completion for sets of at least this many achievements. */
export const MIN_ACHIEVEMENTS_FOR_MASTERY = 6;

/** More unlocks than this, in one game in one poll, are collapsed into one message. */
export const DEFAULT_COLLAPSE_THRESHOLD = 3;

/**
 * Diffs RA's current progress for one (user, game) against what was stored. `stored` null means
 * the game was never stored: everything earned is new (planFanOut filters old events by time).
 */
export function detectGameChanges(
  stored: StoredGameState | null,
  current: GameProgress,
  now: Date,
): Detection {
  const previous = stored?.earned ?? new Map<number, EarnedTimes>();
  const earned = new Map<number, EarnedTimes>();
  const listed = new Set<number>();
  const unlocks: UnlockChange[] = [];

  for (const achievement of current.achievements) {
    listed.add(achievement.id);
    const reported = earnedTimesOf(achievement);
    if (reported === null) continue; // listed and not earned: reset -> dropped
    const before = previous.get(achievement.id);
    const times = lagging(before, reported) ? { ...reported, hardcoreAt: before!.hardcoreAt } : reported;
    earned.set(achievement.id, times);
    const change = unlockChange(achievement, times, before);
    if (change !== null) unlocks.push(change);
  }
  // Not listed any more (demoted by a set revision, moved to another set): keep what was earned,
  // so its return with the original unlock is not news.
  for (const [id, times] of previous) if (!listed.has(id)) earned.set(id, times);
  unlocks.sort(byTimeThenDisplayOrder);

  const award = newAward(stored, current, now);
  const highestAward = nextHighestAward(stored?.highestAward ?? null, current.highestAwardKind);
  return {
    unlocks,
    award,
    nextState: { earned, highestAward, highestAwardAt: nextAwardAt(stored, current, award, highestAward) },
    awardLikelyPending:
      awardRank(expectedAward(current.achievements)) > awardRank(current.highestAwardKind) &&
      awardRank(expectedAward(current.achievements)) > awardRank(highestAward),
  };
}

function earnedTimesOf(achievement: Achievement): EarnedTimes | null {
  const hardcoreAt = achievement.earnedHardcoreAt?.getTime() ?? null;
  // A hardcore unlock sets both dates on RA; fill the softcore one in case a response lacks it.
  const softcoreAt = achievement.earnedAt?.getTime() ?? hardcoreAt;
  return softcoreAt === null ? null : { softcoreAt, hardcoreAt };
}

/** RA stamps in whole seconds; dates this close are the same unlock. */
const SAME_DATE_MS = 1000;

/** `b` is a later date than `a` (both known). */
function later(b: number | null, a: number | null): boolean {
  return a !== null && b !== null && b - a >= SAME_DATE_MS;
}

/** A hardcore unlock RA briefly reports as softcore only, same softcore date: a lagging answer. */
function lagging(before: EarnedTimes | undefined, reported: EarnedTimes): boolean {
  return (
    before !== undefined &&
    before.hardcoreAt !== null &&
    reported.hardcoreAt === null &&
    !later(reported.softcoreAt, before.softcoreAt)
  );
}

function unlockChange(
  achievement: Achievement,
  times: EarnedTimes,
  before: EarnedTimes | undefined,
): UnlockChange | null {
  // Earned again after a reset: RA reports a later date than the stored unlock.
  const again =
    before !== undefined &&
    (later(times.softcoreAt, before.softcoreAt) || later(times.hardcoreAt, before.hardcoreAt));
  if (before === undefined || again) {
    // First sight. A softcore unlock upgraded since is ONE hardcore event, flagged as upgrade.
    if (times.hardcoreAt !== null) {
      const upgrade = times.softcoreAt !== null && times.softcoreAt < times.hardcoreAt && !again;
      return { achievement, hardcore: true, upgrade, at: new Date(times.hardcoreAt) };
    }
    return { achievement, hardcore: false, upgrade: false, at: new Date(times.softcoreAt ?? 0) };
  }
  if (before.hardcoreAt === null && times.hardcoreAt !== null) {
    return { achievement, hardcore: true, upgrade: true, at: new Date(times.hardcoreAt) };
  }
  return null; // unchanged (or a lagging hardcore answer, kept above)
}

function byTimeThenDisplayOrder(a: UnlockChange, b: UnlockChange): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    a.achievement.displayOrder - b.achievement.displayOrder ||
    a.achievement.id - b.achievement.id
  );
}

/**
 * RA reports only its highest award, so announcing it (when higher) never announces a lesser one
 * too. The award the bot already has, reported again with the same date (RA stopped and started
 * reporting it), is no news; with a later date it was earned again (after a reset).
 */
function newAward(stored: StoredGameState | null, current: GameProgress, now: Date): AwardChange | null {
  const kind = current.highestAwardKind;
  if (kind === null) return null;
  const storedKind = stored?.highestAward ?? null;
  const reportedAt = current.highestAwardDate?.getTime() ?? null;
  const at = () => current.highestAwardDate ?? awardTimeFromUnlocks(current.achievements, kind) ?? now;
  if (awardRank(kind) > awardRank(storedKind)) return { kind, at: at(), again: false };
  if (kind === storedKind && later(reportedAt, stored?.highestAwardAt ?? null)) {
    return { kind, at: at(), again: true };
  }
  return null;
}

/** The date kept with the highest award: the announced one's, or RA's when not known yet. */
function nextAwardAt(
  stored: StoredGameState | null,
  current: GameProgress,
  award: AwardChange | null,
  highestAward: AwardKind | null,
): number | null {
  if (award !== null) return award.at.getTime();
  const storedAt = stored?.highestAwardAt ?? null;
  if (storedAt === null && current.highestAwardKind === highestAward && current.highestAwardDate) {
    return current.highestAwardDate.getTime();
  }
  return storedAt;
}

/**
 * When an award RA reports without a date was earned, from the unlocks: the moment its rule
 * became true, in the award's mode (hardcore times for beaten-hardcore and mastered). "Now"
 * would make an award earned before tracking look new. Mastered/completed: the latest unlock;
 * beaten: the latest progression unlock and the first win condition, when the set is typed;
 * otherwise the latest unlock in that mode. Null when nothing is earned in that mode.
 */
export function awardTimeFromUnlocks(achievements: readonly Achievement[], kind: AwardKind): Date | null {
  const hardcoreAward = isHardcoreAward(kind);
  const timeOf = (a: Achievement): number | null =>
    (hardcoreAward ? a.earnedHardcoreAt : (a.earnedAt ?? a.earnedHardcoreAt))?.getTime() ?? null;

  if (kind === 'beaten-softcore' || kind === 'beaten-hardcore') {
    const beaten = beatenAt(achievements, hardcoreAward);
    if (beaten !== null) return beaten;
  }
  let latest: number | null = null;
  for (const achievement of achievements) {
    const at = timeOf(achievement);
    if (at !== null && (latest === null || at > latest)) latest = at;
  }
  return latest === null ? null : new Date(latest);
}

/**
 * Awards only move up, so a lagging or flapping RA answer (or a reset, which makes RA drop the
 * award) can't make one be announced twice; an award earned again shows as a later date.
 */
function nextHighestAward(stored: AwardKind | null, reported: AwardKind | null): AwardKind | null {
  return awardRank(reported) > awardRank(stored) ? reported : stored;
}

/** The award the site's rules grant for the current unlocks (used to spot a lagging RA award). */
export function expectedAward(achievements: readonly Achievement[]): AwardKind | null {
  const hardcore = (a: Achievement) => a.earnedHardcoreAt !== null;
  if (achievements.length >= MIN_ACHIEVEMENTS_FOR_MASTERY) {
    if (achievements.every(hardcore)) return 'mastered';
    if (achievements.every(isEarned)) return 'completed';
  }
  if (isBeaten(achievements, hardcore)) return 'beaten-hardcore';
  if (isBeaten(achievements, isEarned)) return 'beaten-softcore';
  return null;
}

/** The site's rule: all `progression` achievements plus any one `win_condition`, when typed. */
function isBeaten(achievements: readonly Achievement[], earned: (a: Achievement) => boolean): boolean {
  const progression = achievements.filter((a) => a.type === 'progression');
  const winConditions = achievements.filter((a) => a.type === 'win_condition');
  if (progression.length === 0 && winConditions.length === 0) return false;
  return progression.every(earned) && (winConditions.length === 0 || winConditions.some(earned));
}

// ---------------------------------------------------------------------------------------------
// Fan-out: detection -> outbox rows per guild.

export interface FanOutInput {
  detection: Detection;
  user: PayloadUser;
  /** The same RA answer the detection was made from. */
  game: GameProgress;
  subscriptions: readonly Subscription[];
  /** More unlocks than this for one guild become one 'unlock-bundle' row. */
  collapseThreshold?: number;
}

/**
 * Turns a detection into outbox rows: per guild, drops events older than its `trackedSince`
 * and events its toggles turn off, then collapses many unlocks into one bundle. Unlock rows
 * come before the award row so a channel reads in the order things happened.
 */
export function planFanOut(input: FanOutInput): OutboxInput[] {
  const { detection, subscriptions } = input;
  if (detection.unlocks.length === 0 && detection.award === null) return [];
  const threshold = input.collapseThreshold ?? DEFAULT_COLLAPSE_THRESHOLD;
  const base = payloadBase(input.user, input.game);
  const award = detection.award;
  const awardPayload: AwardPayload | null = award && {
    ...base,
    kind: 'award',
    award: {
      kind: award.kind,
      at: award.at.toISOString(),
      ...(award.again ? { again: true } : {}),
      firstUnlockAt: firstUnlockAt(detection, award.kind),
    },
  };

  const rows: OutboxInput[] = [];
  for (const subscription of subscriptions) {
    // A kind's route wins over the user's channel and the default (domain/routing.ts).
    const where = { routes: subscription.routes ?? {}, defaultChannelId: subscription.channelId };
    const unlockChannel = resolveChannel('unlocks', where);
    if (unlockChannel !== null) {
      const unlocks = detection.unlocks.filter((u) => wantsUnlock(subscription, u, input.game));
      // Filtered out before collapsing: a collapsed post counts only the unlocks it shows.
      for (const payload of unlockPayloads(base, unlocks, input.game, threshold)) {
        rows.push({ guildId: subscription.guildId, channelId: unlockChannel, payload });
      }
    }
    const awardChannel = resolveChannel('awards', where);
    if (awardPayload && award && awardChannel !== null && wantsAward(subscription, award)) {
      rows.push({ guildId: subscription.guildId, channelId: awardChannel, payload: awardPayload });
    }
  }
  return rows;
}

function wantsUnlock(subscription: Subscription, unlock: UnlockChange, game: GameProgress): boolean {
  const { toggles } = subscription;
  if (!toggles.announceUnlocks) return false;
  if (!unlock.hardcore && !toggles.announceSoftcore) return false;
  const filters = subscription.filters ?? NO_FILTERS;
  const { points, numAwarded } = unlock.achievement;
  if (
    !passesFilters(filters, {
      hardcore: unlock.hardcore,
      points,
      numAwarded,
      numDistinctPlayers: game.numDistinctPlayers,
    })
  ) {
    return false;
  }
  return unlock.at.getTime() >= trackingStart(subscription);
}

function wantsAward(subscription: Subscription, award: AwardChange): boolean {
  return subscription.toggles.announceAwards && award.at.getTime() >= trackingStart(subscription);
}

/**
 * RA stamps unlocks in whole seconds: an unlock in the same second as `/track add` counts as
 * after it, so compare at RA's precision.
 */
export function trackingStart(subscription: Pick<Subscription, 'trackedSince'>): number {
  return Math.floor(subscription.trackedSince / 1000) * 1000;
}

/** What every announcement about `user` in `game` carries (progress right after the change). */
export function payloadBase(user: PayloadUser, game: GameProgress): PayloadBase {
  return {
    version: PAYLOAD_VERSION,
    user: { ulid: user.ulid, displayName: user.displayName, userPic: user.userPic },
    game: payloadGame(game),
    progress: payloadProgress(game),
  };
}

function unlockPayloads(
  base: PayloadBase,
  unlocks: readonly UnlockChange[],
  game: GameProgress,
  threshold: number,
): AnnouncementPayload[] {
  const achievements = unlocks.map((u) => payloadAchievement(u, game.numDistinctPlayers));
  // A "bundle" of one would just be a worse-looking single unlock.
  if (achievements.length > threshold && achievements.length > 1) {
    return [{ ...base, kind: 'unlock-bundle', achievements }];
  }
  return achievements.map((achievement) => ({ ...base, kind: 'unlock', achievement }));
}

function payloadAchievement(unlock: UnlockChange, numDistinctPlayers: number): PayloadAchievement {
  const a = unlock.achievement;
  return {
    id: a.id,
    title: a.title,
    description: a.description,
    points: a.points,
    retroPoints: a.retroPoints,
    badgeName: a.badgeName,
    type: a.type,
    hardcore: unlock.hardcore,
    upgrade: unlock.upgrade,
    at: unlock.at.toISOString(),
    numAwarded: a.numAwarded,
    numAwardedHardcore: a.numAwardedHardcore,
    numDistinctPlayers,
  };
}

function payloadGame(game: GameProgress): PayloadGame {
  let totalPoints = 0;
  let totalRetroPoints = 0;
  for (const a of game.achievements) {
    totalPoints += a.points;
    totalRetroPoints += a.retroPoints;
  }
  return {
    id: game.id,
    title: game.title,
    consoleName: game.consoleName,
    imageIcon: game.imageIcon,
    imageBoxArt: game.imageBoxArt,
    // The achievement list is the set the user is measured against; RA's count agrees with it.
    numAchievements: game.achievements.length || game.numAchievements,
    totalPoints,
    totalRetroPoints,
    numDistinctPlayers: game.numDistinctPlayers,
  };
}

function payloadProgress(game: GameProgress): PayloadProgress {
  let numAwardedToUser = 0;
  let numAwardedToUserHardcore = 0;
  let pointsEarned = 0;
  let pointsEarnedHardcore = 0;
  for (const a of game.achievements) {
    if (isEarned(a)) {
      numAwardedToUser += 1;
      pointsEarned += a.points;
    }
    if (a.earnedHardcoreAt !== null) {
      numAwardedToUserHardcore += 1;
      pointsEarnedHardcore += a.points;
    }
  }
  const total = game.achievements.length;
  return {
    numAwardedToUser,
    numAwardedToUserHardcore,
    userCompletion: percent(numAwardedToUser, total),
    userCompletionHardcore: percent(numAwardedToUserHardcore, total),
    pointsEarned,
    pointsEarnedHardcore,
  };
}

/** Two decimals, like RA's "33.33%". */
function percent(part: number, total: number): number {
  return total === 0 ? 0 : Math.round((part / total) * 10_000) / 100;
}

function firstUnlockAt(detection: Detection, kind: AwardKind): string | null {
  const hardcoreAward = isHardcoreAward(kind);
  let first: number | null = null;
  for (const times of detection.nextState.earned.values()) {
    const at = hardcoreAward ? times.hardcoreAt : times.softcoreAt;
    if (at !== null && (first === null || at < first)) first = at;
  }
  return first === null ? null : new Date(first).toISOString();
}
