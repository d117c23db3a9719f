/**
 * Unlock-to-post times of a server's announcements, read from the outbox: for each unlock
 * announcement sent in a window, the post time minus the unlock's own time (the newest unlock of
 * a bundle). Awards are left out: RA dates them by the last unlock but grants them later.
 */
import type { Database } from './shared.js';
import { type Instant, toMs } from './shared.js';

export interface LatencyStats {
  count: number;
  medianMs: number | null;
  p95Ms: number | null;
}

const UNLOCK_AT = `CASE kind WHEN 'unlock' THEN json_extract(payload, '$.achievement.at')
  ELSE json_extract(payload, '$.achievements[#-1].at') END`;

export class LatencyQueries {
  private readonly sentSince;

  constructor(db: Database) {
    this.sentSince = db.prepare<[string, number], { ms: number }>(
      `SELECT sent_at - CAST(unixepoch(${UNLOCK_AT}, 'subsec') * 1000 AS INTEGER) AS ms
       FROM outbox
       WHERE guild_id = ? AND status = 'sent' AND kind IN ('unlock', 'unlock-bundle') AND sent_at >= ?`,
    );
  }

  /** Median and 95th percentile of unlock-to-post over announcements sent since `since`. */
  unlockToPost(guildId: string, since: Instant): LatencyStats {
    const values = this.sentSince
      .all(guildId, toMs(since))
      .map((row) => row.ms)
      .filter((ms) => Number.isFinite(ms) && ms >= 0 && ms <= toMsDay)
      .sort((a, b) => a - b);
    return { count: values.length, medianMs: percentile(values, 0.5), p95Ms: percentile(values, 0.95) };
  }
}

/** Unlocks RA recorded more than a day late (offline, backdated) say nothing about the bot's speed. */
const toMsDay = 24 * 60 * 60_000;

/** Nearest-rank percentile of sorted values; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
