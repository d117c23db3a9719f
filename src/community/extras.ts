/**
 * Extra facts added to announcements before they are queued: an award's milestone ("their 37th
 * mastery, 12th this year", from RA's award counts) and whether an unlock is the current
 * Achievement of the Week. The poller awaits `prepare` (RA requests) BEFORE its final, await-free
 * plan-and-write, then calls `decorate` on the rows it writes.
 */

import type { AwardMilestone, AwardPayload, OutboxInput } from '../domain/announcements.js';
import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import type { AwardKind, UserAwards } from '../ra/types.js';
import { errorMessage } from '../util/error-message.js';
import { TtlCache } from '../util/ttl-cache.js';

export interface AnnouncementExtras {
  /** Fetches what `decorate` needs for these rows (at most one RA request per award). */
  prepare(rows: readonly OutboxInput[]): Promise<void>;
  /** Adds the milestones and AotW marks to the rows' payloads, synchronously. */
  decorate(rows: readonly OutboxInput[]): void;
}

export interface ExtrasOptions {
  ra: RaClient;
  logger: Logger;
  /** The current AotW (achievement id, start in epoch ms), from the stored copy (no request). */
  currentAotw: () => { achievementId: number; startAt: number | null } | null;
}

/** How many of the user's awards of `kind` there are with this one, overall and in its year. */
export function milestoneOf(awards: UserAwards, gameId: number, kind: AwardKind, at: Date): AwardMilestone {
  const total: Record<AwardKind, number> = {
    mastered: awards.masteries,
    completed: awards.completions,
    'beaten-hardcore': awards.beatenHardcore,
    'beaten-softcore': awards.beatenSoftcore,
  };
  // RA grants awards in background jobs: the counts may not include this one yet.
  const listed = awards.visible.some((v) => v.gameId === gameId && v.kind === kind);
  const year = at.getUTCFullYear();
  const inYear = awards.visible.filter(
    (v) => v.kind === kind && v.awardedAt.getUTCFullYear() === year && v.gameId !== gameId,
  ).length;
  return { count: Math.max(total[kind] + (listed ? 0 : 1), 1), yearCount: inYear + 1, year };
}

function awardKey(payload: AwardPayload): string {
  return `${payload.user.ulid}:${payload.game.id}:${payload.award.kind}:${payload.award.at}`;
}

export function createAnnouncementExtras(options: ExtrasOptions): AnnouncementExtras {
  const { ra, logger } = options;
  /** One request per award announced: the rows of every guild share it, and so does a re-plan. */
  const milestones = new TtlCache<string, AwardMilestone | null>(500, 30 * 60_000);

  return {
    async prepare(rows) {
      const awards = new Map<string, AwardPayload>();
      for (const row of rows) {
        if (row.payload.kind === 'award' && milestones.get(awardKey(row.payload)) === undefined) {
          awards.set(awardKey(row.payload), row.payload);
        }
      }
      for (const [key, payload] of awards) {
        try {
          const counts = await ra.getUserAwards(payload.user.ulid);
          milestones.set(
            key,
            milestoneOf(counts, payload.game.id, payload.award.kind, new Date(payload.award.at)),
          );
        } catch (error) {
          // Cosmetic: the award goes out without its ordinal rather than late.
          milestones.set(key, null);
          logger.warn({ ulid: payload.user.ulid, err: errorMessage(error) }, 'could not read award counts');
        }
      }
    },
    decorate(rows) {
      const aotw = options.currentAotw();
      for (const { payload } of rows) {
        if (payload.kind === 'award') {
          const milestone = milestones.get(awardKey(payload));
          if (milestone) payload.award.milestone = milestone;
        } else if (aotw !== null && payload.kind !== 'milestone') {
          const list = payload.kind === 'unlock' ? [payload.achievement] : payload.achievements;
          for (const a of list) {
            // RA counts AotW unlocks from its start: an older (backdated) unlock isn't one.
            if (a.id === aotw.achievementId && Date.parse(a.at) >= (aotw.startAt ?? 0)) a.aotw = true;
          }
        }
      }
    },
  };
}
