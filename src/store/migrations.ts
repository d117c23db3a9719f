/**
 * Schema migrations, applied in order at start. Migration N (1-based) brings the database to
 * version N, recorded in `PRAGMA user_version`. Never edit a released migration: append one.
 * Migrations run with foreign keys OFF (so rebuilding a referenced table can't cascade-delete
 * its children) and `foreign_key_check` must pass before they commit.
 */

import { migrateChallenges } from './challenges.js';
import { migrateCommunity } from './migrate-community.js';
import { migrateRoutes } from './routes.js';
import type { Database } from './shared.js';

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

/**
 * Followers of the API key's owner (API_GetUsersFollowingMe) with the points last read: the
 * follower watcher compares each read with them (across restarts too) to see whose points moved.
 */
const FOLLOWERS = `
CREATE TABLE ra_followers (
  ulid              TEXT PRIMARY KEY,
  display_name      TEXT NOT NULL,
  hardcore_points   INTEGER NOT NULL,
  softcore_points   INTEGER NOT NULL,
  points_changed_at INTEGER,
  last_seen_at      INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** ra_following: the users the API key's owner follows (API_GetUsersIFollow), like ra_followers. */
const FOLLOWING = FOLLOWERS.replace('CREATE TABLE ra_followers', 'CREATE TABLE ra_following');

/**
 * Linked accounts (issue 12): a Discord account tied to one RA account, global to the bot.
 * - account_links: one row per Discord user; an RA account (ULID) belongs to at most one of them.
 * - link_guilds: servers where a linked member was seen (ran a command), so announcements name a
 *   member only where they are a member, never revealing the link elsewhere.
 * - guild_link_settings: the per-server switches for self-service tracking and for naming linked
 *   members in announcements (its own table, so guild_settings stays as other features grow it).
 */
const LINKS = `
CREATE TABLE account_links (
  discord_user_id TEXT PRIMARY KEY,
  ulid            TEXT NOT NULL UNIQUE,
  display_name    TEXT NOT NULL,
  linked_by       TEXT NOT NULL,
  linked_at       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE link_guilds (
  discord_user_id TEXT NOT NULL REFERENCES account_links (discord_user_id) ON DELETE CASCADE,
  guild_id        TEXT NOT NULL,
  PRIMARY KEY (discord_user_id, guild_id)
) WITHOUT ROWID;

CREATE TABLE guild_link_settings (
  guild_id      TEXT PRIMARY KEY,
  self_tracking INTEGER NOT NULL DEFAULT 0 CHECK (self_tracking IN (0, 1)),
  name_members  INTEGER NOT NULL DEFAULT 0 CHECK (name_members IN (0, 1)),
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * The game catalogue (issue 13). Rows carry the refresh generation that wrote them;
 * readers see only the generation named in meta (`catalogue.generation`), so a refresh is
 * written beside the old catalogue and swapped in at once. The FTS5 index is contentless (the
 * search text is never read back) and keyed by catalogue_games.row_id, which the refresher
 * assigns in rank order (main sets, fewest words, oldest first): a search reads matches in rowid
 * order and stops at its limit instead of sorting every match of a short prefix.
 */
const CATALOGUE = `
CREATE TABLE catalogue_consoles (
  generation INTEGER NOT NULL,
  id         INTEGER NOT NULL,
  name       TEXT NOT NULL,
  icon_url   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (generation, id)
) WITHOUT ROWID;

CREATE TABLE catalogue_games (
  row_id           INTEGER PRIMARY KEY,
  generation       INTEGER NOT NULL,
  game_id          INTEGER NOT NULL,
  title            TEXT NOT NULL,
  console_id       INTEGER NOT NULL,
  console_name     TEXT NOT NULL,
  image_icon       TEXT NOT NULL DEFAULT '',
  num_achievements INTEGER NOT NULL,
  points           INTEGER NOT NULL,
  kind             TEXT NOT NULL,
  kind_rank        INTEGER NOT NULL,
  word_count       INTEGER NOT NULL,
  -- What ranking reads back (the FTS index is contentless): the indexed words and initials.
  terms            TEXT NOT NULL,
  initials         TEXT NOT NULL
);
CREATE UNIQUE INDEX catalogue_games_by_id ON catalogue_games (generation, game_id);

CREATE VIRTUAL TABLE catalogue_fts USING fts5 (
  terms, initials,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
-- No automatic merges inside the refresh's inserts (one could stall the event loop for 100+ ms
-- on a large catalogue): the refresher merges in small steps between its own yields.
INSERT INTO catalogue_fts (catalogue_fts, rank) VALUES ('automerge', 0);
`;

/**
 * Announcements under RA's real behaviour):
 * - game_failures: (user, game) pairs RA keeps failing on, each retried on its own backoff while
 *   the user's window moves on; `warned` makes the "failing for a day" warning log once.
 * - game_state.highest_award_at: the date of the award the bot last saw, so an award RA stops
 *   and starts reporting with the same date is not announced twice, and one earned again is.
 * - outbox_pending_channel: "does an earlier row of this channel wait?" (order across retries)
 *   and per-channel turns in the claim query.
 */
const RELIABILITY = `
CREATE TABLE game_failures (
  user_id         INTEGER NOT NULL REFERENCES ra_users (id) ON DELETE CASCADE,
  game_id         INTEGER NOT NULL,
  failures        INTEGER NOT NULL,
  first_failed_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  warned          INTEGER NOT NULL DEFAULT 0 CHECK (warned IN (0, 1)),
  PRIMARY KEY (user_id, game_id)
) WITHOUT ROWID;
ALTER TABLE game_state ADD COLUMN highest_award_at INTEGER;
CREATE INDEX outbox_pending_channel ON outbox (channel_id, id) WHERE status = 'pending';
`;

/**
 * Leaderboards, digest, AotW, milestones (see migrate-community.ts). Rebuilds the outbox generically
 * to widen its `kind` CHECK: the columns and indexes added above are kept.
 */
const COMMUNITY: Migration = migrateCommunity;

/** Issue 19: the language of a server's posts; null follows Discord's preferred locale of the server. */
const LANGUAGE = 'ALTER TABLE guild_settings ADD COLUMN language TEXT;';

/** Issue 20: per-kind channels, unlock filters, progress milestones (see routes.ts). */
const ROUTES: Migration = migrateRoutes;
/** Issue 18: competitions: challenges, their results, nominations and votes (challenges.ts), arcade boards and races (arcade.ts). */
const CHALLENGES: Migration = migrateChallenges;

export const MIGRATIONS: readonly Migration[] = [
  V1,
  V2,
  V3,
  FOLLOWERS,
  LINKS,
  CATALOGUE,
  RELIABILITY,
  COMMUNITY,
  FOLLOWING,
  LANGUAGE,
  ROUTES,
  CHALLENGES,
];
