/**
 * Progress milestones (issue 20), pure: which of 25/50/75% of a game's set a user has passed
 * and which guilds get a post. Policy:
 * - A line is passed ONCE per (user, game, mode), ever: every line found passed is recorded
 *   (posted or not), so a set revision that drops the user back under a line and over it again,
 *   or a guild turning milestones on later, never posts it (again).
 * - A line's time is the unlock that passed it; a guild gets the post only when that unlock came
 *   after it started tracking the user (progress made before tracking is never posted).
 * - One post per poll and game: the highest new line (a burst 0 -> 80% says "75%" once), and none
 *   when the set is now complete in that mode (the award post says it better).
 * - The mode follows the guild's filters: hardcore-only guilds count hardcore unlocks; others
 *   count unlocks in either mode.
 */
import {
  type MilestonePayload,
  type OutboxInput,
  PAYLOAD_VERSION,
  type PayloadBase,
  type Subscription,
} from '../domain/announcements.js';
import type { Detection } from '../domain/detection.js';
import { resolveChannel } from '../domain/routing.js';
import type { GameProgress } from '../ra/types.js';

export const MILESTONE_PERCENTS = [25, 50, 75] as const;

/** A line passed, to record. */
export interface MilestoneMark {
  hardcore: boolean;
  percent: number;
  /** Epoch ms of the unlock that passed it. */
  at: number;
}

/** `${hardcore ? 1 : 0}:${percent}`, the key of a recorded line. */
export function milestoneKey(hardcore: boolean, percent: number): string {
  return `${hardcore ? 1 : 0}:${percent}`;
}

export interface MilestoneInput {
  detection: Detection;
  game: GameProgress;
  /** The payload base planFanOut uses (user, game, progress after the change). */
  base: PayloadBase;
  subscriptions: readonly Subscription[];
  /** Lines already recorded for this (user, game), as `milestoneKey`s. */
  passed: ReadonlySet<string>;
  /** When a subscription's tracking starts, at RA's precision (detect.trackingStart). */
  trackingStart: (subscription: Subscription) => number;
}

export function planMilestones(input: MilestoneInput): { rows: OutboxInput[]; marks: MilestoneMark[] } {
  const total = input.game.achievements.length;
  if (total === 0) return { rows: [], marks: [] };
  const marks: MilestoneMark[] = [];
  const counts = new Map<boolean, number>();
  for (const hardcore of [false, true]) {
    const times = unlockTimes(input, hardcore);
    counts.set(hardcore, times.length);
    for (const percent of MILESTONE_PERCENTS) {
      const need = Math.ceil((total * percent) / 100);
      const at = times[need - 1];
      if (at !== undefined && !input.passed.has(milestoneKey(hardcore, percent))) {
        marks.push({ hardcore, percent, at });
      }
    }
  }
  const rows: OutboxInput[] = [];
  for (const subscription of input.subscriptions) {
    if (!subscription.milestones) continue;
    const hardcore = subscription.filters?.hardcoreOnly ?? false;
    const earned = counts.get(hardcore) ?? 0;
    if (earned >= total) continue;
    const start = input.trackingStart(subscription);
    const best = marks
      .filter((mark) => mark.hardcore === hardcore && mark.at >= start)
      .sort((a, b) => b.percent - a.percent)[0];
    const channelId = resolveChannel('milestones', {
      routes: subscription.routes ?? {},
      defaultChannelId: subscription.channelId,
    });
    if (!best || channelId === null) continue;
    const payload: MilestonePayload = {
      ...input.base,
      version: PAYLOAD_VERSION,
      kind: 'milestone',
      milestone: { percent: best.percent, hardcore, earned, total, at: new Date(best.at).toISOString() },
    };
    rows.push({ guildId: subscription.guildId, channelId, payload });
  }
  return { rows, marks };
}

/** The user's unlock times (epoch ms, oldest first) of the achievements in the current set. */
function unlockTimes(input: MilestoneInput, hardcore: boolean): number[] {
  const times: number[] = [];
  for (const achievement of input.game.achievements) {
    const earned = input.detection.nextState.earned.get(achievement.id);
    if (!earned) continue;
    const at = hardcore ? earned.hardcoreAt : minOf(earned.softcoreAt, earned.hardcoreAt);
    if (at !== null) times.push(at);
  }
  return times.sort((a, b) => a - b);
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
