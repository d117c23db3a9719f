/**
 * ra_followers: the RA users who follow the API key's owner (API_GetUsersFollowingMe), with the
 * points totals last read; ra_following, the same for the users it follows (API_GetUsersIFollow). The follower watcher compares each page it reads with these rows to
 * tell whose points changed; admin commands and `npm run doctor` ask which tracked users follow.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from './shared.js';
import { type Instant, TrackedVersion, toMs } from './shared.js';

export interface FollowerInput {
  ulid: string;
  displayName: string;
  hardcorePoints: number;
  softcorePoints: number;
}

export interface StoredFollower extends FollowerInput {
  /** Epoch ms when the points last changed between two reads; null if never seen changing. */
  pointsChangedAt: number | null;
  /** Epoch ms of the last read that listed the user. */
  lastSeenAt: number;
}

interface FollowerRow {
  ulid: string;
  display_name: string;
  hardcore_points: number;
  softcore_points: number;
  points_changed_at: number | null;
  last_seen_at: number;
}

export class FollowersTable {
  private readonly selectPoints;
  private readonly upsert;
  private readonly selectAll;
  private readonly deleteUnseen;
  private readonly countTracked;
  private readonly countTrackedInGuild;
  private readonly trackedInGuild;
  private readonly trackedAll;
  private readonly recordInTransaction;
  private readonly selectUlidOfName;
  private readonly selectListed;

  private readonly dataVersion;
  /** Rows added to or removed from this table (an update of one listed changes no membership). */
  private listed = 0;
  /**
   * The tracked-follower count and ULIDs, kept until a subscription, a row of this table or
   * another connection's commit changes what they are read from: the follower watcher asks for
   * the count before every read it plans (each a join over every tracked user: ~2 ms at 5,000
   * users, a quarter of the bot's CPU in the simulated day).
   */
  private readonly kept: { count?: { key: string; n: number }; ulids?: { key: string; set: Set<string> } } =
    {};

  /**
   * `ra_followers` (who follows the key's owner) or `ra_following` (whom it follows): same shape.
   * `tracked` hears of every subscription added or removed (the Store shares one with UsersTables).
   */
  constructor(
    db: Database,
    table: 'ra_followers' | 'ra_following' = 'ra_followers',
    private readonly tracked = new TrackedVersion(),
  ) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.selectPoints = db.prepare<[string], Pick<FollowerRow, 'hardcore_points' | 'softcore_points'>>(
      `SELECT hardcore_points, softcore_points FROM ${table} WHERE ulid = ?`,
    );
    this.upsert = db.prepare<[string, string, number, number, number | null, number]>(
      `INSERT INTO ${table} (ulid, display_name, hardcore_points, softcore_points, points_changed_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (ulid) DO UPDATE SET display_name = excluded.display_name,
         hardcore_points = excluded.hardcore_points, softcore_points = excluded.softcore_points,
         points_changed_at = coalesce(excluded.points_changed_at, points_changed_at),
         last_seen_at = excluded.last_seen_at`,
    );
    this.selectAll = db.prepare<[], FollowerRow>(`SELECT * FROM ${table} ORDER BY ulid`);
    this.deleteUnseen = db.prepare<[number]>(`DELETE FROM ${table} WHERE last_seen_at < ?`);
    this.countTracked = db.prepare<[], { n: number }>(
      `SELECT count(DISTINCT t.ulid) AS n FROM tracked_users t JOIN ${table} f ON f.ulid = t.ulid`,
    );
    this.countTrackedInGuild = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM tracked_users t JOIN ${table} f ON f.ulid = t.ulid WHERE t.guild_id = ?`,
    );
    this.trackedInGuild = db.prepare<[string], { ulid: string }>(
      `SELECT t.ulid FROM tracked_users t JOIN ${table} f ON f.ulid = t.ulid WHERE t.guild_id = ?`,
    );
    this.trackedAll = db.prepare<[], { ulid: string }>(
      `SELECT DISTINCT t.ulid FROM tracked_users t JOIN ${table} f ON f.ulid = t.ulid`,
    );
    this.selectListed = db.prepare<[string], Pick<FollowerRow, 'display_name' | 'last_seen_at'>>(
      `SELECT display_name, last_seen_at FROM ${table} WHERE ulid = ?`,
    );
    this.selectUlidOfName = db.prepare<[string], { ulid: string }>(
      'SELECT ulid FROM ra_users WHERE display_name = ? COLLATE NOCASE ORDER BY ulid LIMIT 1',
    );
    this.recordInTransaction = db.transaction((rows: readonly FollowerInput[], seenAt: number) => {
      const changed: string[] = [];
      for (const row of rows) {
        const before = this.selectPoints.get(row.ulid);
        const moved =
          before !== undefined &&
          (before.hardcore_points !== row.hardcorePoints || before.softcore_points !== row.softcorePoints);
        if (moved) changed.push(row.ulid);
        if (before === undefined) this.listed++;
        this.upsert.run(
          row.ulid,
          row.displayName,
          row.hardcorePoints,
          row.softcorePoints,
          moved ? seenAt : null,
          seenAt,
        );
      }
      return changed;
    });
  }

  /**
   * Stores one page of followers as read at `seenAt`; returns the ULIDs whose points differ from
   * the stored ones (a follower seen for the first time has nothing to differ from).
   */
  record(rows: readonly FollowerInput[], seenAt: Instant): string[] {
    return this.recordInTransaction(rows, toMs(seenAt));
  }

  /** Forgets followers no read has listed since `before` (they unfollowed or were deleted). */
  forgetUnseenSince(before: Instant): number {
    const removed = this.deleteUnseen.run(toMs(before)).changes;
    if (removed > 0) this.listed++;
    return removed;
  }

  all(): StoredFollower[] {
    return this.selectAll.all().map((row) => ({
      ulid: row.ulid,
      displayName: row.display_name,
      hardcorePoints: row.hardcore_points,
      softcorePoints: row.softcore_points,
      pointsChangedAt: row.points_changed_at,
      lastSeenAt: row.last_seen_at,
    }));
  }

  /** The name the last read that listed this user gave, and when (epoch ms); null if not listed. */
  listedName(ulid: string): { displayName: string; seenAt: number } | null {
    const row = this.selectListed.get(ulid.toUpperCase());
    return row ? { displayName: row.display_name, seenAt: row.last_seen_at } : null;
  }

  /** The ULID of a user the bot knows by this display name (rows of older servers lack ULIDs). */
  ulidOfName(displayName: string): string | null {
    return this.selectUlidOfName.get(displayName)?.ulid ?? null;
  }

  /** Tracked users (in one guild, or anywhere) who follow the key owner, as last read. */
  countTrackedFollowers(guildId?: string): number {
    if (guildId !== undefined) return this.countTrackedInGuild.get(guildId)?.n ?? 0;
    const key = this.keptKey();
    if (this.kept.count?.key !== key) this.kept.count = { key, n: this.countTracked.get()?.n ?? 0 };
    return this.kept.count.n;
  }

  /** ULIDs (upper case) of the tracked users on this list, in any guild, as last read. */
  trackedUlids(): Set<string> {
    const key = this.keptKey();
    if (this.kept.ulids?.key !== key)
      this.kept.ulids = { key, set: new Set(this.trackedAll.all().map((row) => row.ulid.toUpperCase())) };
    return new Set(this.kept.ulids.set);
  }

  private keptKey(): string {
    return `${this.tracked.value} ${this.listed} ${this.dataVersion.get()}`;
  }

  /** ULIDs of this guild's tracked users who follow the key owner, as last read. */
  trackedFollowersIn(guildId: string): Set<string> {
    return new Set(this.trackedInGuild.all(guildId).map((row) => row.ulid));
  }
}

/**
 * ULIDs tracked in a database file, read-only (for `npm run doctor`, which must not migrate or
 * lock a database the bot may be using). Null when there is no readable database yet.
 */
export function trackedUlidsInFile(path: string): Set<string> | null {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    const rows = db.prepare<[], { ulid: string }>('SELECT DISTINCT ulid FROM tracked_users').all();
    return new Set(rows.map((row) => row.ulid.toUpperCase()));
  } catch {
    return null;
  } finally {
    db?.close();
  }
}
