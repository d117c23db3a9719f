/**
 * Leaderboard facts: the achievement/game catalogue the poller saw (points, names, rarity), dated
 * awards, and RA's all-time totals per tracked user. Week and month boards are answered from
 * these and `earned` alone: a command never asks RA.
 */

import type { LeaderboardEntry } from '../domain/community.js';
import type { EarnedTimes } from '../domain/detection.js';
import { type AwardKind, beatenAt, type GameProgress } from '../ra/types.js';
import type { Database } from './shared.js';
import { type Instant, toMs } from './shared.js';

/** Unlocks older than this are not logged (and are pruned): the longest period is 30 days. */
export const UNLOCK_LOG_KEEP_MS = 35 * 24 * 60 * 60_000;

export interface RaTotals {
  hardcorePoints: number;
  softcorePoints: number;
  retroPoints: number;
  masteries: number;
  beaten: number;
}

/** RA's point totals for one user, read for free beside something else (/track add, the follower list). */
export interface RaPoints {
  ulid: string;
  hardcorePoints: number;
  softcorePoints: number;
  /** Absent when the read didn't carry it (the follower list): the stored value stays. */
  retroPoints?: number;
}

interface PeriodRow {
  ulid: string;
  display_name: string;
  points: number;
  unlocks: number;
  masteries: number;
  beaten: number;
}

interface AllTimeRow {
  ulid: string;
  display_name: string;
  hardcore_points: number | null;
  masteries: number | null;
  beaten: number | null;
  refreshed_at: number | null;
}

const MASTERY_KINDS = "('mastered', 'completed')";
const BEATEN_KINDS = "('beaten-hardcore', 'beaten-softcore')";

export class LeaderboardTables {
  private readonly stmt;
  private readonly savePointsInTransaction: (rows: readonly RaPoints[]) => void;

  constructor(db: Database) {
    this.stmt = {
      upsertAchievement: db.prepare<[number, number, string, number, number, string, number, number]>(
        `INSERT INTO achievement_info (id, game_id, title, points, retro_points, badge_name, num_awarded,
           num_awarded_hardcore) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET game_id = excluded.game_id, title = excluded.title, points = excluded.points,
           retro_points = excluded.retro_points, badge_name = excluded.badge_name, num_awarded = excluded.num_awarded,
           num_awarded_hardcore = excluded.num_awarded_hardcore`,
      ),
      upsertGame: db.prepare<[number, string, string, string, number]>(
        `INSERT INTO game_info (id, title, console_name, image_icon, num_distinct_players) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, console_name = excluded.console_name,
           image_icon = excluded.image_icon, num_distinct_players = excluded.num_distinct_players`,
      ),
      recordAward: db.prepare<[number, number, AwardKind, number]>(
        `INSERT INTO award_log (user_id, game_id, kind, awarded_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      // Unlocks and points only count from when this server started tracking the user (earlier
      // rows exist only for games seen since, so counting them would be partial and unfair).
      period: db.prepare<{ guild: string; from: number; to: number }, PeriodRow>(
        `SELECT t.ulid, t.display_name,
           coalesce((SELECT sum(a.points) FROM unlock_log l JOIN achievement_info a ON a.id = l.achievement_id
             WHERE l.user_id = u.id AND l.kind = 'hardcore'
               AND l.at >= max(@from, t.tracked_since / 1000) AND l.at < @to), 0) AS points,
           (SELECT count(*) FROM unlock_log l WHERE l.user_id = u.id AND l.kind = 'unlock'
             AND l.at >= max(@from, t.tracked_since / 1000) AND l.at < @to) AS unlocks,
           (SELECT count(DISTINCT w.game_id) FROM award_log w WHERE w.user_id = u.id AND w.kind IN ${MASTERY_KINDS}
             AND w.awarded_at >= max(@from * 1000, t.tracked_since) AND w.awarded_at < @to * 1000) AS masteries,
           (SELECT count(DISTINCT w.game_id) FROM award_log w WHERE w.user_id = u.id AND w.kind IN ${BEATEN_KINDS}
             AND w.awarded_at >= max(@from * 1000, t.tracked_since) AND w.awarded_at < @to * 1000) AS beaten
         FROM tracked_users t JOIN ra_users u ON u.ulid = t.ulid
         WHERE t.guild_id = @guild`,
      ),
      logUnlock: db.prepare<[number, number, 'unlock' | 'hardcore', number, number]>(
        'INSERT INTO unlock_log (user_id, achievement_id, kind, game_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      pruneLog: db.prepare<[number]>('DELETE FROM unlock_log WHERE at < ?'),
      allTime: db.prepare<[string], AllTimeRow>(
        `SELECT t.ulid, t.display_name, r.hardcore_points, r.masteries, r.beaten, r.refreshed_at
         FROM tracked_users t JOIN ra_users u ON u.ulid = t.ulid LEFT JOIN ra_totals r ON r.user_id = u.id
         WHERE t.guild_id = ?`,
      ),
      upsertTotals: db.prepare<[number, number, number, number, number, number, string]>(
        `INSERT INTO ra_totals (user_id, hardcore_points, softcore_points, retro_points, masteries, beaten, refreshed_at)
         SELECT id, ?, ?, ?, ?, ?, ? FROM ra_users WHERE ulid = ?
         ON CONFLICT (user_id) DO UPDATE SET hardcore_points = excluded.hardcore_points,
           softcore_points = excluded.softcore_points, retro_points = excluded.retro_points,
           masteries = excluded.masteries, beaten = excluded.beaten, refreshed_at = excluded.refreshed_at`,
      ),
      holders: db.prepare<[number, string], { ulid: string; display_name: string; hardcore: number }>(
        `SELECT t.ulid, t.display_name, e.hardcore_at IS NOT NULL AS hardcore
         FROM tracked_users t JOIN ra_users u ON u.ulid = t.ulid
         JOIN earned e ON e.user_id = u.id AND e.achievement_id = ?
         WHERE t.guild_id = ?`,
      ),
      // A new row has refreshed_at 0: counted at once, and still first in line for the full read.
      savePoints: db.prepare<{ ulid: string; hardcore: number; softcore: number; retro: number | null }>(
        `INSERT INTO ra_totals (user_id, hardcore_points, softcore_points, retro_points, masteries, beaten, refreshed_at)
         SELECT id, @hardcore, @softcore, coalesce(@retro, 0), 0, 0, 0 FROM ra_users WHERE ulid = @ulid
         ON CONFLICT (user_id) DO UPDATE SET hardcore_points = excluded.hardcore_points,
           softcore_points = excluded.softcore_points, retro_points = coalesce(@retro, retro_points)`,
      ),
      staleTotals: db.prepare<[number, number], { ulid: string }>(
        `SELECT u.ulid FROM ra_users u LEFT JOIN ra_totals r ON r.user_id = u.id
         WHERE r.refreshed_at IS NULL OR r.refreshed_at < ?
         ORDER BY r.refreshed_at IS NOT NULL, r.refreshed_at, u.id LIMIT ?`,
      ),
    };
    this.savePointsInTransaction = db.transaction((rows: readonly RaPoints[]) => {
      for (const row of rows) {
        this.stmt.savePoints.run({
          ulid: row.ulid,
          hardcore: row.hardcorePoints,
          softcore: row.softcorePoints,
          retro: row.retroPoints ?? null,
        });
      }
    });
  }

  /**
   * Call inside the poller's write transaction: the game's catalogue row, the earned
   * achievements' points and rarity, and RA's highest award with its date.
   */
  recordGame(
    userId: number,
    game: GameProgress,
    earned: ReadonlyMap<number, EarnedTimes>,
    changed: readonly number[],
    keepSinceMs: number,
  ): void {
    for (const id of changed) {
      const times = earned.get(id);
      if (!times) continue;
      if (times.softcoreAt !== null && times.softcoreAt >= keepSinceMs) {
        this.stmt.logUnlock.run(userId, id, 'unlock', game.id, Math.floor(times.softcoreAt / 1000));
      }
      if (times.hardcoreAt !== null && times.hardcoreAt >= keepSinceMs) {
        this.stmt.logUnlock.run(userId, id, 'hardcore', game.id, Math.floor(times.hardcoreAt / 1000));
      }
    }
    this.stmt.upsertGame.run(game.id, game.title, game.consoleName, game.imageIcon, game.numDistinctPlayers);
    for (const a of game.achievements) {
      if (!earned.has(a.id)) continue;
      this.stmt.upsertAchievement.run(
        a.id,
        game.id,
        a.title,
        a.points,
        a.retroPoints,
        a.badgeName,
        a.numAwarded,
        a.numAwardedHardcore,
      );
    }
    const kind = game.highestAwardKind;
    if (kind !== null && game.highestAwardDate !== null) {
      this.stmt.recordAward.run(userId, game.id, kind, game.highestAwardDate.getTime());
    }
    // RA reports only the highest award: a game beaten and mastered between two polls shows as
    // mastered alone. Its beaten award counts too (as it does when two polls see both), dated when
    // the beaten rule became true in the mastery's mode.
    if (kind === 'mastered' || kind === 'completed') {
      const hardcore = kind === 'mastered';
      const beaten = beatenAt(game.achievements, hardcore);
      if (beaten !== null) {
        this.stmt.recordAward.run(
          userId,
          game.id,
          hardcore ? 'beaten-hardcore' : 'beaten-softcore',
          beaten.getTime(),
        );
      }
    }
  }

  /** Drops unlock log rows dated before `before`; returns how many. */
  pruneUnlockLog(before: Instant): number {
    return this.stmt.pruneLog.run(Math.floor(toMs(before) / 1000)).changes;
  }

  /** Every user the guild tracks, with what they gained in [from, to). */
  period(guildId: string, from: Instant, to: Instant): LeaderboardEntry[] {
    const rows = this.stmt.period.all({
      guild: guildId,
      from: Math.floor(toMs(from) / 1000),
      // RA dates are whole seconds: an unlock in the current second is before `to = now`.
      to: Math.ceil(toMs(to) / 1000),
    });
    return rows.map((row) => ({
      ulid: row.ulid,
      displayName: row.display_name,
      points: row.points,
      unlocks: row.unlocks,
      masteries: row.masteries,
      beaten: row.beaten,
      refreshedAt: null,
    }));
  }

  /** Every user the guild tracks, with RA's all-time totals as last refreshed. */
  allTime(guildId: string): LeaderboardEntry[] {
    return this.stmt.allTime.all(guildId).map((row) => ({
      ulid: row.ulid,
      displayName: row.display_name,
      points: row.hardcore_points ?? 0,
      unlocks: null,
      masteries: row.masteries ?? 0,
      beaten: row.beaten ?? 0,
      refreshedAt: row.refreshed_at,
    }));
  }

  /** The guild's tracked users the bot has seen earn this achievement (any time). */
  holdersOf(
    guildId: string,
    achievementId: number,
  ): { ulid: string; displayName: string; hardcore: boolean }[] {
    return this.stmt.holders.all(achievementId, guildId).map((row) => ({
      ulid: row.ulid,
      displayName: row.display_name,
      hardcore: row.hardcore === 1,
    }));
  }

  saveTotals(ulid: string, totals: RaTotals, at: Instant): void {
    this.stmt.upsertTotals.run(
      totals.hardcorePoints,
      totals.softcorePoints,
      totals.retroPoints,
      totals.masteries,
      totals.beaten,
      toMs(at),
      ulid,
    );
  }

  /**
   * Stores point totals RA returned with another read, for the users the bot knows (others are
   * skipped), in one transaction. Keeps the rest of a full read; never marks one as done.
   */
  savePoints(rows: readonly RaPoints[]): void {
    if (rows.length > 0) this.savePointsInTransaction(rows);
  }

  /** Tracked users whose totals were never read or were read before `olderThan`, oldest first. */
  staleTotals(olderThan: Instant, limit: number): string[] {
    return this.stmt.staleTotals.all(toMs(olderThan), limit).map((row) => row.ulid);
  }
}
