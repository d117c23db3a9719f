/**
 * game_failures: (RA user, game) pairs RA keeps failing on. The poller moves the user's window on
 * and retries each such game on its own backoff, so one broken game never silences the user.
 */
import type { Database } from './shared.js';
import { clipError, type Instant, toMs } from './shared.js';

/** A game RA has been failing on for a while, as `/settings show` lists it. */
export interface GameFailure {
  ulid: string;
  displayName: string;
  gameId: number;
  /** Epoch ms of the first failure in the current run of failures. */
  since: number;
  failures: number;
  lastError: string;
}

/** What recording a failure returns: the run so far. */
export interface GameFailureRun {
  failures: number;
  since: number;
  /** True once a warning about this run was logged. */
  warned: boolean;
}

export class GameFailuresTable {
  private readonly stmt;

  constructor(db: Database) {
    this.stmt = {
      record: db.prepare<
        [number, number, number, number, string],
        { failures: number; first_failed_at: number; warned: number }
      >(
        `INSERT INTO game_failures (user_id, game_id, failures, first_failed_at, next_attempt_at, last_error)
         VALUES (?, ?, 1, ?, ?, ?)
         ON CONFLICT (user_id, game_id) DO UPDATE SET failures = failures + 1,
           next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error
         RETURNING failures, first_failed_at, warned`,
      ),
      failures: db.prepare<[number, number], { failures: number }>(
        'SELECT failures FROM game_failures WHERE user_id = ? AND game_id = ?',
      ),
      clear: db.prepare<[number, number]>('DELETE FROM game_failures WHERE user_id = ? AND game_id = ?'),
      retryAt: db.prepare<[number, number, number]>(
        'UPDATE game_failures SET next_attempt_at = ? WHERE user_id = ? AND game_id = ?',
      ),
      markWarned: db.prepare<[number, number]>(
        'UPDATE game_failures SET warned = 1 WHERE user_id = ? AND game_id = ?',
      ),
      ofUser: db.prepare<[number], { game_id: number; next_attempt_at: number }>(
        'SELECT game_id, next_attempt_at FROM game_failures WHERE user_id = ? ORDER BY game_id',
      ),
      ofGuild: db.prepare<
        [string, number],
        {
          ulid: string;
          display_name: string;
          game_id: number;
          first_failed_at: number;
          failures: number;
          last_error: string | null;
        }
      >(
        `SELECT u.ulid, t.display_name, f.game_id, f.first_failed_at, f.failures, f.last_error
         FROM game_failures f JOIN ra_users u ON u.id = f.user_id
         JOIN tracked_users t ON t.ulid = u.ulid AND t.guild_id = ?
         WHERE f.first_failed_at <= ? ORDER BY f.first_failed_at, f.game_id`,
      ),
    };
  }

  /** Records one more failure; the next try is at `nextAttemptAt`. */
  record(
    userId: number,
    gameId: number,
    now: Instant,
    nextAttemptAt: Instant,
    error: string,
  ): GameFailureRun {
    const row = this.stmt.record.get(userId, gameId, toMs(now), toMs(nextAttemptAt), clipError(error))!;
    return { failures: row.failures, since: row.first_failed_at, warned: row.warned === 1 };
  }

  /** Failures so far in the current run (0 when the game isn't failing). */
  failures(userId: number, gameId: number): number {
    return this.stmt.failures.get(userId, gameId)?.failures ?? 0;
  }

  /** The game read fine again. */
  clear(userId: number, gameId: number): void {
    this.stmt.clear.run(userId, gameId);
  }

  /** Moves the next try of a failing game (e.g. far away: given up until activity shows it). */
  retryAt(userId: number, gameId: number, nextAttemptAt: Instant): void {
    this.stmt.retryAt.run(toMs(nextAttemptAt), userId, gameId);
  }

  markWarned(userId: number, gameId: number): void {
    this.stmt.markWarned.run(userId, gameId);
  }

  /** The user's failing games and when each may be tried again (epoch ms). */
  ofUser(userId: number): Map<number, number> {
    return new Map(this.stmt.ofUser.all(userId).map((r) => [r.game_id, r.next_attempt_at]));
  }

  /** Games of this guild's tracked users failing since `failingSince` or earlier. */
  ofGuild(guildId: string, failingSince: Instant): GameFailure[] {
    return this.stmt.ofGuild.all(guildId, toMs(failingSince)).map((r) => ({
      ulid: r.ulid,
      displayName: r.display_name,
      gameId: r.game_id,
      since: r.first_failed_at,
      failures: r.failures,
      lastError: r.last_error ?? '',
    }));
  }
}
