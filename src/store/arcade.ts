/**
 * Arcade boards (issue 18): RA leaderboards a server follows, its tracked users' best entries on
 * them, and each server's record holder. A new server record is recorded and its post queued in
 * one transaction with the entries that made it: posted exactly once.
 */
import type {
  ArcadeBoard,
  ArcadeEntry,
  ArcadeRace,
  ArcadeRaceResultsPayload,
  ArcadeRecordPayload,
} from '../domain/challenges.js';
import type { Database } from './shared.js';
import { type Instant, randomNonce, toMs } from './shared.js';

export const ARCADE_TABLES = `
CREATE TABLE arcade_boards (
  guild_id   TEXT NOT NULL,
  board_id   INTEGER NOT NULL,
  game_id    INTEGER NOT NULL,
  -- The board as read when followed (title, format, direction, game title).
  board      TEXT NOT NULL CHECK (json_valid(board)),
  channel_id TEXT NOT NULL,
  added_at   INTEGER NOT NULL,
  PRIMARY KEY (guild_id, board_id)
) WITHOUT ROWID;
CREATE INDEX arcade_boards_by_game ON arcade_boards (game_id);
-- Tracked users' best entries as RA last showed them (shared by every server following the board).
CREATE TABLE arcade_entries (
  board_id  INTEGER NOT NULL,
  ulid      TEXT NOT NULL,
  score     INTEGER NOT NULL,
  formatted TEXT NOT NULL,
  rank      INTEGER NOT NULL,
  at        INTEGER NOT NULL,
  PRIMARY KEY (board_id, ulid)
) WITHOUT ROWID;
-- Each server's record on each followed board: whom it belongs to and the score.
CREATE TABLE arcade_records (
  guild_id TEXT NOT NULL,
  board_id INTEGER NOT NULL,
  ulid     TEXT NOT NULL,
  score    INTEGER NOT NULL,
  PRIMARY KEY (guild_id, board_id)
) WITHOUT ROWID;
-- Races: one board, a window; the podium is posted (once) in the transaction that finishes it.
CREATE TABLE arcade_races (
  id          INTEGER PRIMARY KEY,
  guild_id    TEXT NOT NULL,
  board_id    INTEGER NOT NULL,
  board       TEXT NOT NULL CHECK (json_valid(board)),
  channel_id  TEXT NOT NULL,
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE UNIQUE INDEX arcade_races_running ON arcade_races (guild_id, board_id) WHERE finished_at IS NULL;
`;

interface BoardRow {
  guild_id: string;
  board: string;
  channel_id: string;
}

interface EntryRow {
  ulid: string;
  displayName: string;
  score: number;
  formatted: string;
  rank: number;
  at: number;
}

/** An entry as read from RA, for `saveEntries`. */
export interface ArcadeEntryInput {
  boardId: number;
  ulid: string;
  score: number;
  formattedScore: string;
  rank: number;
  at: number;
}

const better = (board: ArcadeBoard, a: number, b: number) => (board.rankAsc ? a < b : a > b);

export class ArcadeTables {
  private readonly stmt;
  private readonly saveInTransaction;
  private readonly followInTransaction;
  private readonly finishRaceInTransaction;

  constructor(
    db: Database,
    private readonly nonce: () => string = randomNonce,
  ) {
    this.stmt = {
      follow: db.prepare<[string, number, number, string, string, number]>(
        `INSERT INTO arcade_boards (guild_id, board_id, game_id, board, channel_id, added_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      unfollow: db.prepare<[string, number]>('DELETE FROM arcade_boards WHERE guild_id = ? AND board_id = ?'),
      dropRecord: db.prepare<[string, number]>(
        'DELETE FROM arcade_records WHERE guild_id = ? AND board_id = ?',
      ),
      boardsOf: db.prepare<[string], BoardRow>(
        'SELECT guild_id, board, channel_id FROM arcade_boards WHERE guild_id = ? ORDER BY added_at, board_id',
      ),
      followersOf: db.prepare<[number], BoardRow>(
        'SELECT guild_id, board, channel_id FROM arcade_boards WHERE board_id = ?',
      ),
      followedGames: db.prepare<[], { game_id: number }>('SELECT DISTINCT game_id FROM arcade_boards'),
      saveEntry: db.prepare<[number, string, number, string, number, number]>(
        `INSERT INTO arcade_entries (board_id, ulid, score, formatted, rank, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (board_id, ulid) DO UPDATE SET score = excluded.score, formatted = excluded.formatted,
           rank = excluded.rank, at = excluded.at
         -- A board read cached for a few minutes must not undo a fresher entry.
         WHERE excluded.at >= arcade_entries.at`,
      ),
      // The server's tracked users' entries on the board.
      entries: db.prepare<{ board: number; guild: string }, EntryRow>(
        `SELECT e.ulid, t.display_name AS displayName, e.score, e.formatted, e.rank, e.at
         FROM arcade_entries e JOIN tracked_users t ON t.ulid = e.ulid AND t.guild_id = @guild
         WHERE e.board_id = @board`,
      ),
      record: db.prepare<[string, number], { ulid: string; score: number }>(
        'SELECT ulid, score FROM arcade_records WHERE guild_id = ? AND board_id = ?',
      ),
      setRecord: db.prepare<[string, number, string, number]>(
        `INSERT INTO arcade_records (guild_id, board_id, ulid, score) VALUES (?, ?, ?, ?)
         ON CONFLICT (guild_id, board_id) DO UPDATE SET ulid = excluded.ulid, score = excluded.score`,
      ),
      // No ulid: a competition post goes where the server's competitions go, not to a user's channel.
      post: db.prepare<[string, string, string, string, number, number]>(
        `INSERT INTO outbox (guild_id, channel_id, ulid, kind, payload, nonce, next_attempt_at, created_at)
         VALUES (?, ?, '', 'arcade-record', ?, ?, ?, ?)`,
      ),
      startRace: db.prepare<[string, number, string, string, number, number]>(
        `INSERT INTO arcade_races (guild_id, board_id, board, channel_id, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      runningRaces: db.prepare<[string], RaceRow>(
        'SELECT * FROM arcade_races WHERE guild_id = ? AND finished_at IS NULL ORDER BY ends_at, id',
      ),
      dueRaces: db.prepare<[number], RaceRow>(
        'SELECT * FROM arcade_races WHERE finished_at IS NULL AND ends_at <= ? ORDER BY ends_at, id',
      ),
      finishRace: db.prepare<[number, number]>(
        'UPDATE arcade_races SET finished_at = ? WHERE id = ? AND finished_at IS NULL',
      ),
      racePost: db.prepare<[string, string, string, string, number, number]>(
        `INSERT INTO outbox (guild_id, channel_id, ulid, kind, payload, nonce, next_attempt_at, created_at)
         VALUES (?, ?, '', 'arcade-race-results', ?, ?, ?, ?)`,
      ),
      followBoards: db.prepare<{ guild: string; old: string; channel: string }>(
        'UPDATE arcade_boards SET channel_id = @channel WHERE guild_id = @guild AND channel_id = @old',
      ),
      followRaces: db.prepare<{ guild: string; old: string; channel: string }>(
        `UPDATE arcade_races SET channel_id = @channel
         WHERE guild_id = @guild AND channel_id = @old AND finished_at IS NULL`,
      ),
      forgetRaces: db.prepare<[string]>('DELETE FROM arcade_races WHERE guild_id = ?'),
      forgetBoards: db.prepare<[string]>('DELETE FROM arcade_boards WHERE guild_id = ?'),
      forgetRecords: db.prepare<[string]>('DELETE FROM arcade_records WHERE guild_id = ?'),
    };
    this.followInTransaction = db.transaction(
      (
        guildId: string,
        board: ArcadeBoard,
        channelId: string,
        entries: readonly ArcadeEntryInput[],
        now: number,
      ) => {
        if (
          this.stmt.follow.run(guildId, board.id, board.gameId, JSON.stringify(board), channelId, now)
            .changes === 0
        )
          return false;
        for (const e of entries)
          this.stmt.saveEntry.run(e.boardId, e.ulid, e.score, e.formattedScore, e.rank, e.at);
        // The record as it stands when followed: nothing is announced for it.
        const best = this.best(guildId, board);
        if (best) this.stmt.setRecord.run(guildId, board.id, best.ulid, best.score);
        return true;
      },
    );
    this.finishRaceInTransaction = db.transaction((race: ArcadeRace, now: number): boolean => {
      if (this.stmt.finishRace.run(now, race.id).changes === 0) return false;
      const payload: ArcadeRaceResultsPayload = {
        version: 1,
        kind: 'arcade-race-results',
        board: race.board,
        startsAt: race.startsAt,
        endsAt: race.endsAt,
        standings: this.raceStandings(race),
      };
      this.stmt.racePost.run(race.guildId, race.channelId, JSON.stringify(payload), this.nonce(), now, now);
      return true;
    });
    this.saveInTransaction = db.transaction((entries: readonly ArcadeEntryInput[], now: number): number => {
      for (const e of entries)
        this.stmt.saveEntry.run(e.boardId, e.ulid, e.score, e.formattedScore, e.rank, e.at);
      let queued = 0;
      for (const boardId of new Set(entries.map((e) => e.boardId))) {
        for (const row of this.stmt.followersOf.all(boardId)) {
          const board = JSON.parse(row.board) as ArcadeBoard;
          const best = this.best(row.guild_id, board);
          if (!best) continue;
          const record = this.stmt.record.get(row.guild_id, boardId);
          if (record && !better(board, best.score, record.score)) continue;
          this.stmt.setRecord.run(row.guild_id, boardId, best.ulid, best.score);
          const held = record ? this.entryOf(row.guild_id, boardId, record.ulid) : null;
          const payload: ArcadeRecordPayload = {
            version: 1,
            kind: 'arcade-record',
            board,
            entry: best,
            beat: record
              ? {
                  ulid: record.ulid,
                  displayName: held?.displayName ?? '',
                  formattedScore: held?.formattedScore ?? String(record.score),
                }
              : null,
          };
          this.stmt.post.run(row.guild_id, row.channel_id, JSON.stringify(payload), this.nonce(), now, now);
          queued++;
        }
      }
      return queued;
    });
  }

  /** Follows a board here with the entries read for it; the current best becomes the record silently. */
  follow(
    guildId: string,
    board: ArcadeBoard,
    channelId: string,
    entries: readonly ArcadeEntryInput[],
    now: Instant,
  ): boolean {
    return this.followInTransaction(guildId, board, channelId, entries, toMs(now));
  }

  unfollow(guildId: string, boardId: number): boolean {
    const gone = this.stmt.unfollow.run(guildId, boardId).changes > 0;
    this.stmt.dropRecord.run(guildId, boardId);
    return gone;
  }

  boards(guildId: string): ArcadeBoard[] {
    return this.stmt.boardsOf.all(guildId).map((r) => JSON.parse(r.board) as ArcadeBoard);
  }

  /** Games some server follows a board of. */
  followedGames(): Set<number> {
    return new Set(this.stmt.followedGames.all().map((r) => r.game_id));
  }

  /**
   * Stores entries read from RA and, per server following their boards, records a new server
   * record and queues its post, in one transaction. Returns how many posts were queued.
   * (RA keeps each user's best entry, and only improvements are records: a repeat changes nothing.)
   */
  saveEntries(entries: readonly ArcadeEntryInput[], now: Instant): number {
    return this.saveInTransaction(entries, toMs(now));
  }

  /** The server's tracked users on the board, best first (ties: whoever set it first). */
  standings(guildId: string, board: ArcadeBoard): ArcadeEntry[] {
    return this.stmt.entries
      .all({ board: board.id, guild: guildId })
      .map(toEntry)
      .sort((a, b) => (board.rankAsc ? a.score - b.score : b.score - a.score) || a.at - b.at);
  }

  /** Starts a race on a followed board; false when one already runs on it here. */
  startRace(
    guildId: string,
    board: ArcadeBoard,
    channelId: string,
    startsAt: number,
    endsAt: number,
  ): boolean {
    return (
      this.stmt.startRace.run(guildId, board.id, JSON.stringify(board), channelId, startsAt, endsAt).changes >
      0
    );
  }

  runningRaces(guildId: string): ArcadeRace[] {
    return this.stmt.runningRaces.all(guildId).map(toRace);
  }

  dueRaces(now: Instant): ArcadeRace[] {
    return this.stmt.dueRaces.all(toMs(now)).map(toRace);
  }

  /** The race's standings: the server's users whose best entry was set during it, best first. */
  raceStandings(race: ArcadeRace): ArcadeEntry[] {
    return this.standings(race.guildId, race.board).filter(
      (e) => e.at >= race.startsAt && e.at < race.endsAt,
    );
  }

  /** Finishes the race and queues its podium, once: false when it was already finished. */
  finishRace(race: ArcadeRace, now: Instant): boolean {
    return this.finishRaceInTransaction(race, toMs(now));
  }

  /** The server's announcement channel moved: boards and races posting to the old one follow it. */
  followDefaultChannel(guildId: string, old: string | null, channel: string): void {
    if (old === null || old === channel) return;
    this.stmt.followBoards.run({ guild: guildId, old, channel });
    this.stmt.followRaces.run({ guild: guildId, old, channel });
  }

  forgetGuild(guildId: string): void {
    this.stmt.forgetRaces.run(guildId);
    this.stmt.forgetBoards.run(guildId);
    this.stmt.forgetRecords.run(guildId);
  }

  private best(guildId: string, board: ArcadeBoard): ArcadeEntry | null {
    return this.standings(guildId, board)[0] ?? null;
  }

  private entryOf(guildId: string, boardId: number, ulid: string): ArcadeEntry | null {
    const row = this.stmt.entries.all({ board: boardId, guild: guildId }).find((r) => r.ulid === ulid);
    return row ? toEntry(row) : null;
  }
}

interface RaceRow {
  id: number;
  guild_id: string;
  board: string;
  channel_id: string;
  starts_at: number;
  ends_at: number;
}

function toRace(row: RaceRow): ArcadeRace {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    board: JSON.parse(row.board) as ArcadeBoard,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  };
}

function toEntry(row: EntryRow): ArcadeEntry {
  return {
    ulid: row.ulid,
    displayName: row.displayName,
    score: row.score,
    formattedScore: row.formatted,
    rank: row.rank,
    at: row.at,
  };
}
