/**
 * Schema for the community features (leaderboards, weekly digest, Achievement of the Week,
 * award milestones). Kept apart from migrations.ts so that file only gains one line.
 */
import type { Database } from './shared.js';

/** Outbox kinds the community features post (besides the tracking announcements). */
export const COMMUNITY_OUTBOX_KINDS = ['digest', 'aotw'] as const;

const TABLES = `
-- What the bot saw of each achievement / game when it diffed one: enough to sum points and
-- name things in leaderboards and digests without asking RA again.
CREATE TABLE achievement_info (
  id                   INTEGER PRIMARY KEY,
  game_id              INTEGER NOT NULL,
  title                TEXT NOT NULL,
  points               INTEGER NOT NULL,
  retro_points         INTEGER NOT NULL,
  badge_name           TEXT NOT NULL,
  num_awarded          INTEGER NOT NULL,
  num_awarded_hardcore INTEGER NOT NULL
);
CREATE TABLE game_info (
  id                   INTEGER PRIMARY KEY,
  title                TEXT NOT NULL,
  console_name         TEXT NOT NULL,
  image_icon           TEXT NOT NULL,
  num_distinct_players INTEGER NOT NULL
);
-- Recent unlocks (kept 35 days): week/month boards and digests scan these few rows instead of
-- every earned row of every user. kind 'unlock' = first unlock (either mode) at its softcore
-- time; 'hardcore' = earned in hardcore (directly or as an upgrade) at its hardcore time.
CREATE TABLE unlock_log (
  user_id        INTEGER NOT NULL REFERENCES ra_users (id) ON DELETE CASCADE,
  achievement_id INTEGER NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('unlock', 'hardcore')),
  game_id        INTEGER NOT NULL,
  at             INTEGER NOT NULL,
  PRIMARY KEY (user_id, achievement_id, kind)
) WITHOUT ROWID;
CREATE INDEX unlock_log_by_time ON unlock_log (at);
-- Awards with their RA dates (game_state keeps only the highest kind), for "this week's masteries".
CREATE TABLE award_log (
  user_id    INTEGER NOT NULL REFERENCES ra_users (id) ON DELETE CASCADE,
  game_id    INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('beaten-softcore', 'beaten-hardcore', 'completed', 'mastered')),
  awarded_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, game_id, kind)
) WITHOUT ROWID;
-- RA's all-time totals per tracked user, refreshed in the background (never when a command runs).
CREATE TABLE ra_totals (
  user_id         INTEGER PRIMARY KEY REFERENCES ra_users (id) ON DELETE CASCADE,
  hardcore_points INTEGER NOT NULL,
  softcore_points INTEGER NOT NULL,
  retro_points    INTEGER NOT NULL,
  masteries       INTEGER NOT NULL,
  beaten          INTEGER NOT NULL,
  refreshed_at    INTEGER NOT NULL
);
-- Per-server community settings: absent row = everything off.
CREATE TABLE guild_community (
  guild_id           TEXT PRIMARY KEY,
  aotw_channel_id    TEXT,
  digest_channel_id  TEXT,
  digest_weekday     INTEGER CHECK (digest_weekday BETWEEN 0 AND 6),
  digest_hour        INTEGER CHECK (digest_hour BETWEEN 0 AND 23),
  digest_time_zone   TEXT,
  -- The scheduled instant (epoch ms) of the last digest queued: each period is queued once.
  digest_last_period INTEGER,
  updated_at         INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Widens the outbox's `kind` CHECK to include `kinds`, GENERICALLY: other migrations (merged in
 * either order) may have added outbox columns, kinds or indexes, so the table is rebuilt from
 * its current definition in sqlite_master rather than from a copy of it here. Kinds already
 * allowed are kept. A no-op when every kind is already allowed.
 */
export function widenOutboxKinds(db: Database, kinds: readonly string[]): void {
  const table = db
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox'")
    .get();
  if (!table) throw new Error('outbox table missing');
  const check = /CHECK\s*\(\s*kind\s+IN\s*\(([^)]*)\)\s*\)/i.exec(table.sql);
  if (!check) throw new Error('outbox kind CHECK not found');
  const current = [...check[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
  const wanted = [...current, ...kinds.filter((k) => !current.includes(k))];
  if (wanted.length === current.length) return;
  const list = wanted.map((k) => `'${k.replaceAll("'", "''")}'`).join(', ');
  const newSql = table.sql
    .replace(check[0], `CHECK (kind IN (${list}))`)
    .replace(/^CREATE TABLE\s+("?)outbox\1/i, 'CREATE TABLE outbox_rebuilt');
  const indexes = db
    .prepare<[], { sql: string }>(
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL",
    )
    .all();
  db.exec(newSql);
  db.exec('INSERT INTO outbox_rebuilt SELECT * FROM outbox');
  db.exec('DROP TABLE outbox');
  db.exec('ALTER TABLE outbox_rebuilt RENAME TO outbox');
  for (const index of indexes) db.exec(index.sql);
}

export function migrateCommunity(db: Database): void {
  db.exec(TABLES);
  widenOutboxKinds(db, COMMUNITY_OUTBOX_KINDS);
}
