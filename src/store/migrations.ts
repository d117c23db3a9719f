/**
 * Schema migrations, applied in order at start. Migration N (1-based) brings the database to
 * version N, recorded in `PRAGMA user_version`. Never edit a released migration: append one.
 * Migrations run with foreign keys OFF (so rebuilding a referenced table can't cascade-delete
 * its children) and `foreign_key_check` must pass before they commit.
 */
import type { Database } from './db.js';
import { migrateCommunity } from './migrate-community.js';

export type Migration = string | ((db: Database) => void);

/**
 * Version 1. Size matters most for `earned` (one row per unlock of every tracked user), so:
 * - RA users get a small integer id; `earned`/`game_state` key on it instead of repeating the
 *   26-char ULID in every row, and cascade away when the user row is deleted.
 * - `earned` is WITHOUT ROWID keyed (user_id, game_id, achievement_id): the per-game read and
 *   the delta writes are PK-prefix lookups, and there is no second b-tree to maintain.
 * - unlock times in `earned` are unix SECONDS (RA's precision); everything else is epoch ms.
 */
const V1 = `
CREATE TABLE guild_settings (
  guild_id           TEXT PRIMARY KEY,
  default_channel_id TEXT,
  manager_role_id    TEXT,
  announce_unlocks   INTEGER NOT NULL DEFAULT 1 CHECK (announce_unlocks IN (0, 1)),
  announce_awards    INTEGER NOT NULL DEFAULT 1 CHECK (announce_awards IN (0, 1)),
  announce_softcore  INTEGER NOT NULL DEFAULT 1 CHECK (announce_softcore IN (0, 1)),
  updated_at         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ra_users (
  id                   INTEGER PRIMARY KEY,
  ulid                 TEXT NOT NULL UNIQUE,
  display_name         TEXT NOT NULL,
  user_pic             TEXT NOT NULL DEFAULT '',
  last_success_at      INTEGER,
  last_attempt_at      INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_error           TEXT
);

CREATE TABLE tracked_users (
  guild_id      TEXT NOT NULL,
  ulid          TEXT NOT NULL REFERENCES ra_users (ulid),
  display_name  TEXT NOT NULL,
  channel_id    TEXT,
  added_by      TEXT NOT NULL,
  tracked_since INTEGER NOT NULL,
  PRIMARY KEY (guild_id, ulid)
) WITHOUT ROWID;
-- Per-user lookups across guilds (poll targets, rename, "is anyone still tracking?") and the
-- foreign key check when a ra_users row is deleted.
CREATE INDEX tracked_users_by_ulid ON tracked_users (ulid);

CREATE TABLE earned (
  user_id        INTEGER NOT NULL REFERENCES ra_users (id) ON DELETE CASCADE,
  game_id        INTEGER NOT NULL,
  achievement_id INTEGER NOT NULL,
  softcore_at    INTEGER,
  hardcore_at    INTEGER,
  PRIMARY KEY (user_id, game_id, achievement_id)
) WITHOUT ROWID;

CREATE TABLE game_state (
  user_id           INTEGER NOT NULL REFERENCES ra_users (id) ON DELETE CASCADE,
  game_id           INTEGER NOT NULL,
  highest_award     TEXT CHECK (highest_award IN ('beaten-softcore', 'beaten-hardcore', 'completed', 'mastered')),
  recheck_remaining INTEGER NOT NULL DEFAULT 0,
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (user_id, game_id)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  guild_id        TEXT NOT NULL,
  channel_id      TEXT NOT NULL,
  ulid            TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('unlock', 'unlock-bundle', 'award')),
  payload         TEXT NOT NULL CHECK (json_valid(payload)),
  nonce           TEXT NOT NULL UNIQUE CHECK (length(nonce) BETWEEN 1 AND 25),
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  failed_at       INTEGER,
  message_id      TEXT,
  last_error      TEXT,
  error_code      INTEGER
);
-- The dispatcher's hot query. Partial: sent/failed rows (the bulk) cost nothing here.
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending';

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Version 2.
 * - outbox.claimed_at: when the running dispatcher leased a row. A lease only guards against a
 *   second drain of the same process; after a crash or restart nobody holds it, so start-up
 *   gives claimed rows back at once instead of waiting out the lease (the nonce makes the
 *   repeat harmless). Kept apart from next_attempt_at so a retry's backoff is never cut short.
 * - ra_users.profile_checked_at: when the display name was last read from RA, so the poller
 *   refreshes renamed users' names without asking RA on every cycle.
 */
const V2 = `
ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;
ALTER TABLE ra_users ADD COLUMN profile_checked_at INTEGER;
`;

/**
 * Version 3: the dispatcher also asks "which channels failed for good recently?" before each
 * batch (to hold their rows); without an index that scanned every sent row of the last 30 days.
 */
const V3 = `
CREATE INDEX outbox_failed_recent ON outbox (failed_at) WHERE status = 'failed';
`;

/** Version 4: leaderboards, digest, AotW, milestones (see migrate-community.ts). */
const V4: Migration = migrateCommunity;

export const MIGRATIONS: readonly Migration[] = [V1, V2, V3, V4];
