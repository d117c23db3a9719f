/**
 * earned + game_state: what the bot last saw of each (RA user, game). Rows key on the user's
 * small integer id (ra_users.id); every read and write is a primary-key prefix lookup.
 */

import type { EarnedTimes, StoredGameState } from '../domain/detection.js';
import type { AwardKind } from '../ra/types.js';
import type { Database } from './shared.js';

interface EarnedRow {
  achievement_id: number;
  softcore_at: number | null;
  hardcore_at: number | null;
}

interface GameStateRow {
  highest_award: AwardKind | null;
  highest_award_at: number | null;
  recheck_remaining: number;
}

/** What `writeGame` changed, for callers and tests that care about write volume. */
export interface GameWriteStats {
  upserted: number;
  deleted: number;
}

export interface GameStateWrite {
  highestAward: AwardKind | null;
  /** Epoch ms: the date of that award as RA reported it (null when unknown). */
  highestAwardAt?: number | null;
  recheckRemaining: number;
  now: number;
}

// `earned` stores unix seconds (RA's precision) to keep the largest table small.
const toSeconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));
const toMillis = (seconds: number | null): number | null => (seconds === null ? null : seconds * 1000);

export class ProgressTables {
  private readonly stmt;

  constructor(db: Database) {
    this.stmt = {
      userId: db.prepare<[string], { id: number }>('SELECT id FROM ra_users WHERE ulid = ?'),
      earnedOfGame: db.prepare<[number, number], EarnedRow>(
        'SELECT achievement_id, softcore_at, hardcore_at FROM earned WHERE user_id = ? AND game_id = ?',
      ),
      upsertEarned: db.prepare<[number, number, number, number | null, number | null]>(
        `INSERT INTO earned (user_id, game_id, achievement_id, softcore_at, hardcore_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id, game_id, achievement_id)
         DO UPDATE SET softcore_at = excluded.softcore_at, hardcore_at = excluded.hardcore_at`,
      ),
      deleteEarned: db.prepare<[number, number, number]>(
        'DELETE FROM earned WHERE user_id = ? AND game_id = ? AND achievement_id = ?',
      ),
      gameState: db.prepare<[number, number], GameStateRow>(
        'SELECT highest_award, highest_award_at, recheck_remaining FROM game_state WHERE user_id = ? AND game_id = ?',
      ),
      upsertGameState: db.prepare<[number, number, AwardKind | null, number | null, number, number]>(
        `INSERT INTO game_state (user_id, game_id, highest_award, highest_award_at, recheck_remaining, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, game_id) DO UPDATE SET highest_award = excluded.highest_award,
           highest_award_at = excluded.highest_award_at, recheck_remaining = excluded.recheck_remaining, updated_at = excluded.updated_at`,
      ),
      requestRecheck: db.prepare<[number, number, number, number]>(
        `INSERT INTO game_state (user_id, game_id, highest_award, recheck_remaining, updated_at)
         VALUES (?, ?, NULL, ?, ?)
         ON CONFLICT (user_id, game_id) DO UPDATE SET
           recheck_remaining = max(recheck_remaining, excluded.recheck_remaining), updated_at = excluded.updated_at`,
      ),
      spendRecheck: db.prepare<[number, number]>(
        `UPDATE game_state SET recheck_remaining = recheck_remaining - 1
         WHERE user_id = ? AND game_id = ? AND recheck_remaining > 0`,
      ),
      gamesNeedingRecheck: db.prepare<[string], { game_id: number }>(
        `SELECT game_id FROM game_state
         WHERE user_id = (SELECT id FROM ra_users WHERE ulid = ?) AND recheck_remaining > 0
         ORDER BY game_id`,
      ),
    };
  }

  /** The user's row id, or null when no guild tracks them (their progress isn't kept). */
  userId(ulid: string): number | null {
    return this.stmt.userId.get(ulid)?.id ?? null;
  }

  /** Null when the bot has never stored this game for this user. */
  read(userId: number, gameId: number): StoredGameState | null {
    const state = this.stmt.gameState.get(userId, gameId);
    const rows = this.stmt.earnedOfGame.all(userId, gameId);
    if (state === undefined && rows.length === 0) return null;
    const earned = new Map<number, EarnedTimes>();
    for (const row of rows) {
      earned.set(row.achievement_id, {
        softcoreAt: toMillis(row.softcore_at),
        hardcoreAt: toMillis(row.hardcore_at),
      });
    }
    return {
      earned,
      highestAward: state?.highest_award ?? null,
      highestAwardAt: state?.highest_award_at ?? null,
    };
  }

  recheckRemaining(userId: number, gameId: number): number | null {
    return this.stmt.gameState.get(userId, gameId)?.recheck_remaining ?? null;
  }

  gamesNeedingRecheck(ulid: string): number[] {
    return this.stmt.gamesNeedingRecheck.all(ulid).map((row) => row.game_id);
  }

  /**
   * Asks for the game to be re-diffed at least `polls` more times. A game never stored gets a
   * state row with no award and nothing earned, which detection treats like no row at all.
   */
  requestRecheck(userId: number, gameId: number, polls: number, now: number): void {
    this.stmt.requestRecheck.run(userId, gameId, polls, now);
  }

  /** One recheck poll used up without a diff (the game could not be read). */
  spendRecheck(userId: number, gameId: number): void {
    this.stmt.spendRecheck.run(userId, gameId);
  }

  /**
   * Writes only the difference between the stored earned set and `next` (read back here, in
   * the caller's transaction, so the delta is against what is really on disk), then the game
   * state row when it changed. Call inside a transaction.
   */
  writeGame(
    userId: number,
    gameId: number,
    next: Map<number, EarnedTimes>,
    state: GameStateWrite,
  ): GameWriteStats {
    const stats: GameWriteStats = { upserted: 0, deleted: 0 };
    const stored = new Map<number, EarnedRow>();
    for (const row of this.stmt.earnedOfGame.all(userId, gameId)) stored.set(row.achievement_id, row);

    for (const [achievementId, times] of next) {
      const softcore = toSeconds(times.softcoreAt);
      const hardcore = toSeconds(times.hardcoreAt);
      const before = stored.get(achievementId);
      if (before?.softcore_at === softcore && before.hardcore_at === hardcore) continue;
      this.stmt.upsertEarned.run(userId, gameId, achievementId, softcore, hardcore);
      stats.upserted++;
    }
    for (const achievementId of stored.keys()) {
      if (next.has(achievementId)) continue;
      this.stmt.deleteEarned.run(userId, gameId, achievementId);
      stats.deleted++;
    }

    const before = this.stmt.gameState.get(userId, gameId);
    const awardAt = state.highestAwardAt ?? null;
    if (
      before?.highest_award !== state.highestAward ||
      before.highest_award_at !== awardAt ||
      before.recheck_remaining !== state.recheckRemaining
    ) {
      this.stmt.upsertGameState.run(
        userId,
        gameId,
        state.highestAward,
        awardAt,
        state.recheckRemaining,
        state.now,
      );
    }
    return stats;
  }
}
