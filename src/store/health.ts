/** Read-only figures about the database for health checks and metrics (no business logic). */
import type { Database } from './shared.js';

export type OutboxState = 'pending' | 'held' | 'failed';

export interface OutboxStateCount {
  state: OutboxState;
  /** pending: 'due' or 'scheduled'; held: 'waiting' (channel blocked) or 'retry'; failed: the Discord code or 'other'. */
  reason: string;
  n: number;
}

/**
 * Outbox rows not yet sent, by state: `pending` (never tried and due, or scheduled), `held`
 * (waiting after a failed or refused try) and `failed` (for good, by Discord error code).
 */
export function outboxStateCounts(db: Database, nowMs: number): OutboxStateCount[] {
  return db
    .prepare<[number], OutboxStateCount>(
      `SELECT CASE WHEN status = 'failed' THEN 'failed' WHEN last_error IS NULL THEN 'pending' ELSE 'held' END AS state,
         CASE
           WHEN status = 'failed' THEN coalesce(CAST(error_code AS TEXT), 'other')
           WHEN last_error IS NULL THEN CASE WHEN next_attempt_at <= ? THEN 'due' ELSE 'scheduled' END
           WHEN last_error LIKE 'waiting:%' THEN 'waiting'
           ELSE 'retry'
         END AS reason,
         count(*) AS n
       FROM outbox WHERE status IN ('pending', 'failed') GROUP BY state, reason`,
    )
    .all(nowMs);
}

/** meta key the health checks write to prove the database takes writes. */
export const HEALTH_PROBE_META_KEY = 'health_probe_at';

/** One small real write (a meta row): throws when the database is read-only, full or locked. */
export function databaseWriteProbe(db: Database, nowMs: number): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(HEALTH_PROBE_META_KEY, String(nowMs));
}
