/**
 * Issue 20: where each kind of post goes (guild_routes), which unlocks are posted and whether
 * progress milestones are (guild_post_filters), and the milestones already passed
 * (milestones_passed). A route change re-points what still waits for that kind, in order.
 */
import { ROUTE_KINDS, type RouteKind, type Routes, type UnlockFilters } from '../domain/routing.js';
import { widenOutboxKinds } from './migrate-community.js';
import type { Database } from './shared.js';
import { type Instant, toFlag, toMs } from './shared.js';

/** The outbox kinds of each route kind. */
const OUTBOX_KINDS: Record<RouteKind, readonly string[]> = {
  unlocks: ['unlock', 'unlock-bundle'],
  awards: ['award'],
  milestones: ['milestone'],
  digest: ['digest'],
  aotw: ['aotw'],
  challenge: ['challenge-start', 'challenge-results', 'challenge-vote', 'challenge-vote-result'],
  arcade: ['arcade-record', 'arcade-race-results'],
};

/** SQL: the route kind of an `outbox` row's kind (competitions post several kinds each). */
const ROUTE_KIND_OF_OUTBOX_SQL = `CASE WHEN outbox.kind IN ('unlock', 'unlock-bundle') THEN 'unlocks'
    WHEN outbox.kind = 'award' THEN 'awards' WHEN outbox.kind = 'milestone' THEN 'milestones'
    WHEN outbox.kind LIKE 'challenge-%' THEN 'challenge' WHEN outbox.kind LIKE 'arcade-%' THEN 'arcade'
    ELSE outbox.kind END`;

/** Kinds whose posts are about one tracked user (the user's own channel applies to them). */
const USER_KINDS: readonly RouteKind[] = ['unlocks', 'awards', 'milestones'];

/**
 * SQL: "no route of the row's guild covers the row's kind" (for statements on `outbox`), so a
 * change of the default or a user's channel leaves routed rows where their route sends them.
 */
export const NOT_ROUTED_SQL = `NOT EXISTS (SELECT 1 FROM guild_routes r WHERE r.guild_id = outbox.guild_id
  AND r.kind = ${ROUTE_KIND_OF_OUTBOX_SQL})`;

/** SQL: the channel the row's kind is routed to in its guild, or NULL. */
export const ROUTED_CHANNEL_SQL = `(SELECT r.channel_id FROM guild_routes r WHERE r.guild_id = outbox.guild_id
  AND r.kind = ${ROUTE_KIND_OF_OUTBOX_SQL})`;

/** Issue 20's schema, one migration. The outbox learns the 'milestone' kind. */
export function migrateRoutes(db: Database): void {
  db.exec(`
CREATE TABLE guild_routes (
  guild_id   TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN (${ROUTE_KINDS.map((k) => `'${k}'`).join(', ')})),
  channel_id TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (guild_id, kind)
) WITHOUT ROWID;
CREATE TABLE guild_post_filters (
  guild_id      TEXT PRIMARY KEY,
  hardcore_only INTEGER NOT NULL DEFAULT 0 CHECK (hardcore_only IN (0, 1)),
  min_points    INTEGER,
  rarer_than    REAL,
  milestones    INTEGER NOT NULL DEFAULT 0 CHECK (milestones IN (0, 1)),
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;
-- Progress milestones (25/50/75% of a set) a user passed in a mode: each is posted once, ever.
CREATE TABLE milestones_passed (
  user_id   INTEGER NOT NULL REFERENCES ra_users (id) ON DELETE CASCADE,
  game_id   INTEGER NOT NULL,
  hardcore  INTEGER NOT NULL CHECK (hardcore IN (0, 1)),
  percent   INTEGER NOT NULL,
  passed_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, game_id, hardcore, percent)
) WITHOUT ROWID;
`);
  widenOutboxKinds(db, ['milestone']);
}

export interface PostFilters extends UnlockFilters {
  /** Progress milestones are posted (off by default). */
  milestones: boolean;
}

export type PostFiltersPatch = { [K in keyof PostFilters]?: PostFilters[K] | undefined };

const DEFAULT_POST_FILTERS: Readonly<PostFilters> = {
  hardcoreOnly: false,
  minPoints: null,
  rarerThanPercent: null,
  milestones: false,
};

interface FiltersRow {
  guild_id: string;
  hardcore_only: number;
  min_points: number | null;
  rarer_than: number | null;
  milestones: number;
  updated_at: number;
}

export class RoutesTables {
  private readonly stmt;
  private readonly setRouteInTransaction;

  constructor(db: Database) {
    const moved = `next_attempt_at = min(next_attempt_at, @now), attempts = 0, last_error = NULL, claimed_at = NULL`;
    const kindsOf = 'kind IN (SELECT value FROM json_each(@kinds))';
    // Where a row of a kind goes without a route: the user's channel, else the default.
    const fallback = `(SELECT coalesce(t.channel_id, g.default_channel_id) FROM tracked_users t
      LEFT JOIN guild_settings g ON g.guild_id = t.guild_id
      WHERE t.guild_id = outbox.guild_id AND t.ulid = outbox.ulid)`;
    this.stmt = {
      routes: db.prepare<[string], { kind: RouteKind; channel_id: string }>(
        'SELECT kind, channel_id FROM guild_routes WHERE guild_id = ?',
      ),
      setRoute: db.prepare<[string, string, string, number]>(
        `INSERT INTO guild_routes (guild_id, kind, channel_id, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (guild_id, kind) DO UPDATE SET channel_id = excluded.channel_id, updated_at = excluded.updated_at`,
      ),
      clearRoute: db.prepare<[string, string]>('DELETE FROM guild_routes WHERE guild_id = ? AND kind = ?'),
      moveTo: db.prepare<{ guild: string; kinds: string; channel: string; now: number }>(
        `UPDATE outbox SET channel_id = @channel, ${moved}
         WHERE guild_id = @guild AND status = 'pending' AND ${kindsOf} AND channel_id <> @channel`,
      ),
      moveToFallback: db.prepare<{ guild: string; kinds: string; now: number }>(
        `UPDATE outbox SET channel_id = ${fallback}, ${moved}
         WHERE guild_id = @guild AND status = 'pending' AND ${kindsOf}
           AND ${fallback} IS NOT NULL AND ${fallback} <> channel_id`,
      ),
      filters: db.prepare<[string], FiltersRow>('SELECT * FROM guild_post_filters WHERE guild_id = ?'),
      upsertFilters: db.prepare<[FiltersRow]>(
        `INSERT INTO guild_post_filters (guild_id, hardcore_only, min_points, rarer_than, milestones, updated_at)
         VALUES (@guild_id, @hardcore_only, @min_points, @rarer_than, @milestones, @updated_at)
         ON CONFLICT (guild_id) DO UPDATE SET hardcore_only = excluded.hardcore_only,
           min_points = excluded.min_points, rarer_than = excluded.rarer_than,
           milestones = excluded.milestones, updated_at = excluded.updated_at`,
      ),
      milestones: db.prepare<[number, number], { hardcore: number; percent: number }>(
        'SELECT hardcore, percent FROM milestones_passed WHERE user_id = ? AND game_id = ?',
      ),
      recordMilestone: db.prepare<[number, number, number, number, number]>(
        `INSERT INTO milestones_passed (user_id, game_id, hardcore, percent, passed_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      forgetRoutes: db.prepare<[string]>('DELETE FROM guild_routes WHERE guild_id = ?'),
      forgetFilters: db.prepare<[string]>('DELETE FROM guild_post_filters WHERE guild_id = ?'),
    };
    this.setRouteInTransaction = db.transaction(
      (guildId: string, kind: RouteKind, channelId: string | null, now: number) => {
        const kinds = JSON.stringify(OUTBOX_KINDS[kind]);
        if (channelId !== null) {
          this.stmt.setRoute.run(guildId, kind, channelId, now);
          return this.stmt.moveTo.run({ guild: guildId, kinds, channel: channelId, now }).changes;
        }
        this.stmt.clearRoute.run(guildId, kind);
        // Only posts about a user have somewhere to fall back to; the community features'
        // own channels are read when their next post is queued.
        if (!USER_KINDS.includes(kind)) return 0;
        return this.stmt.moveToFallback.run({ guild: guildId, kinds, now }).changes;
      },
    );
  }

  routes(guildId: string): Routes {
    const routes: Routes = {};
    for (const row of this.stmt.routes.all(guildId)) routes[row.kind] = row.channel_id;
    return routes;
  }

  /**
   * Sets (or with null, clears) the route of `kind`; what still waits for that kind moves to
   * the new channel (cleared: to each user's channel, else the default), keeping its order.
   * Returns how many waiting posts moved.
   */
  setRoute(guildId: string, kind: RouteKind, channelId: string | null, now: Instant): number {
    return this.setRouteInTransaction(guildId, kind, channelId, toMs(now));
  }

  filters(guildId: string): PostFilters {
    const row = this.stmt.filters.get(guildId);
    if (!row) return { ...DEFAULT_POST_FILTERS };
    return {
      hardcoreOnly: row.hardcore_only === 1,
      minPoints: row.min_points,
      rarerThanPercent: row.rarer_than,
      milestones: row.milestones === 1,
    };
  }

  /** `undefined` keeps a field; `null` clears a nullable one. */
  updateFilters(guildId: string, patch: PostFiltersPatch, now: Instant): PostFilters {
    const next = { ...this.filters(guildId) };
    if (patch.hardcoreOnly !== undefined) next.hardcoreOnly = patch.hardcoreOnly;
    if (patch.minPoints !== undefined) next.minPoints = patch.minPoints;
    if (patch.rarerThanPercent !== undefined) next.rarerThanPercent = patch.rarerThanPercent;
    if (patch.milestones !== undefined) next.milestones = patch.milestones;
    this.stmt.upsertFilters.run({
      guild_id: guildId,
      hardcore_only: toFlag(next.hardcoreOnly),
      min_points: next.minPoints,
      rarer_than: next.rarerThanPercent,
      milestones: toFlag(next.milestones),
      updated_at: toMs(now),
    });
    return next;
  }

  /** Progress milestones recorded as passed for this (user, game), in either mode. */
  milestonesPassed(userId: number, gameId: number): { hardcore: boolean; percent: number }[] {
    return this.stmt.milestones
      .all(userId, gameId)
      .map((row) => ({ hardcore: row.hardcore === 1, percent: row.percent }));
  }

  /** Call inside the caller's transaction (with the outbox rows the milestones caused). */
  recordMilestones(
    userId: number,
    gameId: number,
    marks: readonly { hardcore: boolean; percent: number; at: number }[],
  ): void {
    for (const mark of marks) {
      this.stmt.recordMilestone.run(userId, gameId, toFlag(mark.hardcore), mark.percent, mark.at);
    }
  }

  /** The bot left the server: its routes and filters go (call inside the caller's transaction). */
  forgetGuild(guildId: string): void {
    this.stmt.forgetRoutes.run(guildId);
    this.stmt.forgetFilters.run(guildId);
  }
}
