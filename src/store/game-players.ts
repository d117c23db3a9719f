/** "Who in this server plays this game": tracked users' stored progress in one game. */
import type { GamePlayer } from '../domain/community.js';
import type { AwardKind } from '../ra/types.js';
import type { Database } from './shared.js';

export class GamePlayersQuery {
  private readonly stmt;

  constructor(db: Database) {
    this.stmt = db.prepare<
      [{ game: number; guild: string }],
      { ulid: string; display_name: string; earned: number; hardcore: number; award: AwardKind | null }
    >(
      `SELECT t.ulid, u.display_name,
         (SELECT count(*) FROM earned e WHERE e.user_id = u.id AND e.game_id = @game) AS earned,
         (SELECT count(*) FROM earned e WHERE e.user_id = u.id AND e.game_id = @game
            AND e.hardcore_at IS NOT NULL) AS hardcore,
         (SELECT s.highest_award FROM game_state s WHERE s.user_id = u.id AND s.game_id = @game) AS award
       FROM tracked_users t JOIN ra_users u ON u.ulid = t.ulid
       WHERE t.guild_id = @guild`,
    );
  }

  /** Tracked users of the guild with anything stored for the game (unordered). */
  inGuild(guildId: string, gameId: number): GamePlayer[] {
    return this.stmt
      .all({ game: gameId, guild: guildId })
      .filter((r) => r.earned > 0 || r.award !== null)
      .map((r) => ({
        ulid: r.ulid,
        displayName: r.display_name,
        earned: r.earned,
        earnedHardcore: r.hardcore,
        highestAward: r.award,
      }));
  }
}
