/**
 * Progress milestones (issue 20), pure: which of 25/50/75% of a game's set a user has passed
 * and which guilds get a post. Policy:
 * - A line is passed ONCE per (user, game, mode), ever: every line found passed is recorded
 *   (posted or not), so a set revision that drops the user back under a line and over it again,
 *   or a guild turning milestones on later, never posts it (again).
 * - A line is posted only when the unlock that passed it is new in this poll and came after the
 *   guild started tracking the user: progress made before tracking is never posted, nor a line
 *   found passed long after the fact (an unlock from before this feature recorded lines, a set
 *   revision that removed achievements): those are recorded silently.
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

interface Passing extends MilestoneMark {
  /** The unlock that passed it is new in this poll. */
  fresh: boolean;
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
  const passings: Passing[] = [];
  const counts = new Map<boolean, number>();
  for (const hardcore of [false, true]) {
    const unlocks = unlocksInOrder(input, hardcore);
    // A hardcore line moves with hardcore unlocks (upgrades included); an either-mode line with first unlocks.
    const fresh = new Set(
      input.detection.unlocks
        .filter((u) => (hardcore ? u.hardcore : !u.upgrade))
        .map((u) => u.achievement.id),
    );
    counts.set(hardcore, unlocks.length);
    for (const percent of MILESTONE_PERCENTS) {
      const crossing = unlocks[Math.ceil((total * percent) / 100) - 1];
      if (crossing !== undefined && !input.passed.has(milestoneKey(hardcore, percent))) {
        passings.push({ hardcore, percent, at: crossing.at, fresh: fresh.has(crossing.id) });
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
    const best = passings
      .filter((p) => p.hardcore === hardcore && p.fresh && p.at >= start)
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
  return { rows, marks: passings.map(({ hardcore, percent, at }) => ({ hardcore, percent, at })) };
}

/** The user's unlocks (epoch ms, oldest first) of the achievements in the current set. */
function unlocksInOrder(input: MilestoneInput, hardcore: boolean): { id: number; at: number }[] {
  const unlocks: { id: number; at: number }[] = [];
  for (const achievement of input.game.achievements) {
    const earned = input.detection.nextState.earned.get(achievement.id);
    if (!earned) continue;
    const at = hardcore ? earned.hardcoreAt : minOf(earned.softcoreAt, earned.hardcoreAt);
    if (at !== null) unlocks.push({ id: achievement.id, at });
  }
  return unlocks.sort((a, b) => a.at - b.at || a.id - b.id);
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
