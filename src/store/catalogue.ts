/**
 * catalogue_*: RA's consoles and games with achievements, searched with FTS5.
 *
 * Refreshes are written as a new generation beside the current one, in small chunks (so a
 * refresh never blocks the event loop for long), and become visible in one tiny transaction
 * that moves the current-generation pointer. A refresh that fails half-way leaves rows of an
 * unfinished generation that nobody reads; the next refresh deletes them first.
 */

import type { SetKind } from '../domain/catalogue.js';
import type { GameListEntry } from '../ra/types.js';
import type { Database } from './shared.js';
import { type Instant, toMs } from './shared.js';

export interface CatalogueConsole {
  id: number;
  name: string;
  iconUrl: string;
}

/** A game of RA's list as the catalogue keeps it: the list row plus its search data. */
export interface CatalogueGame extends GameListEntry {
  kind: SetKind;
  /** The title's indexed words and abbreviations (`indexTitle`), space-separated. */
  terms: string;
  initials: string;
  wordCount: number;
}

/** A game as the refresher writes it: the row plus its search text from `indexTitle`. */
export interface CatalogueGameRow extends CatalogueGame {
  kindRank: number;
}

interface GameRow {
  game_id: number;
  title: string;
  console_id: number;
  console_name: string;
  image_icon: string;
  num_achievements: number;
  points: number;
  kind: SetKind;
  terms: string;
  initials: string;
  word_count: number;
}

const CURRENT_KEY = 'catalogue.generation';
const REFRESHED_KEY = 'catalogue.refreshed_at';

const GAME_COLUMNS =
  'g.game_id, g.title, g.console_id, g.console_name, g.image_icon, g.num_achievements, g.points, g.kind, g.terms, g.initials, g.word_count';

const toGame = (row: GameRow): CatalogueGame => ({
  id: row.game_id,
  title: row.title,
  consoleId: row.console_id,
  consoleName: row.console_name,
  imageIcon: row.image_icon,
  numAchievements: row.num_achievements,
  points: row.points,
  kind: row.kind,
  terms: row.terms,
  initials: row.initials,
  wordCount: row.word_count,
});

export class CatalogueTables {
  private readonly stmt;
  private readonly writeChunk;
  private readonly publish;

  constructor(private readonly db: Database) {
    this.stmt = {
      meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      maxGeneration: db.prepare<[], { g: number | null }>(
        'SELECT max(g) AS g FROM (SELECT max(generation) AS g FROM catalogue_games UNION ALL SELECT max(generation) FROM catalogue_consoles)',
      ),
      staleRows: db.prepare<[number, number], { row_id: number }>(
        'SELECT row_id FROM catalogue_games WHERE generation <> ? LIMIT ?',
      ),
      deleteGame: db.prepare<[number]>('DELETE FROM catalogue_games WHERE row_id = ?'),
      deleteFts: db.prepare<[number]>('DELETE FROM catalogue_fts WHERE rowid = ?'),
      deleteStaleConsoles: db.prepare<[number]>('DELETE FROM catalogue_consoles WHERE generation <> ?'),
      insertConsole: db.prepare<[number, number, string, string]>(
        'INSERT OR REPLACE INTO catalogue_consoles (generation, id, name, icon_url) VALUES (?, ?, ?, ?)',
      ),
      insertGame: db.prepare<
        [
          number,
          number,
          string,
          number,
          string,
          string,
          number,
          number,
          string,
          number,
          number,
          string,
          string,
        ]
      >(
        `INSERT OR IGNORE INTO catalogue_games (generation, game_id, title, console_id, console_name, image_icon,
           num_achievements, points, kind, kind_rank, word_count, terms, initials)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertFts: db.prepare<[number | bigint, string, string]>(
        'INSERT INTO catalogue_fts (rowid, terms, initials) VALUES (?, ?, ?)',
      ),
      merge: db.prepare("INSERT INTO catalogue_fts (catalogue_fts, rank) VALUES ('merge', -16)"),
      totalChanges: db.prepare<[], { n: number }>('SELECT total_changes() AS n'),
      consoles: db.prepare<[number], { id: number; name: string; icon_url: string }>(
        'SELECT id, name, icon_url FROM catalogue_consoles WHERE generation = ? ORDER BY id',
      ),
      count: db.prepare<[number], { n: number }>(
        'SELECT count(*) AS n FROM catalogue_games WHERE generation = ?',
      ),
      byId: db.prepare<[number, number], GameRow>(
        `SELECT ${GAME_COLUMNS} FROM catalogue_games g WHERE g.generation = ? AND g.game_id = ?`,
      ),
      // Candidates for the search to rank, in rowid order, which the refresher made rank order
      // (main sets, fewest words, oldest): FTS5 stops at the limit, no sort of every match.
      search: db.prepare<[string, number, number], GameRow>(
        `SELECT ${GAME_COLUMNS} FROM catalogue_fts f JOIN catalogue_games g ON g.row_id = f.rowid
         WHERE catalogue_fts MATCH ? AND g.generation = ?
         ORDER BY f.rowid LIMIT ?`,
      ),
      searchIn: db.prepare<[string, number, string, number], GameRow>(
        `SELECT ${GAME_COLUMNS} FROM catalogue_fts f JOIN catalogue_games g ON g.row_id = f.rowid
         WHERE catalogue_fts MATCH ? AND g.generation = ?
           AND g.console_id IN (SELECT value FROM json_each(?))
         ORDER BY f.rowid LIMIT ?`,
      ),
    };
    this.writeChunk = db.transaction((generation: number, rows: readonly CatalogueGameRow[]) => {
      let written = 0;
      for (const r of rows) {
        const info = this.stmt.insertGame.run(
          generation,
          r.id,
          r.title,
          r.consoleId,
          r.consoleName,
          r.imageIcon,
          r.numAchievements,
          r.points,
          r.kind,
          r.kindRank,
          r.wordCount,
          r.terms,
          r.initials,
        );
        if (info.changes === 0) continue; // a game listed twice: the first row wins
        this.stmt.insertFts.run(info.lastInsertRowid, r.terms, r.initials);
        written++;
      }
      return written;
    });
    this.publish = db.transaction(
      (generation: number, consoles: readonly CatalogueConsole[], refreshedAt: number) => {
        for (const c of consoles) this.stmt.insertConsole.run(generation, c.id, c.name, c.iconUrl);
        this.stmt.setMeta.run(CURRENT_KEY, String(generation));
        this.stmt.setMeta.run(REFRESHED_KEY, String(refreshedAt));
        this.stmt.deleteStaleConsoles.run(generation);
      },
    );
  }

  /** The generation readers see; 0 before the first complete refresh. */
  currentGeneration(): number {
    return Number(this.stmt.meta.get(CURRENT_KEY)?.value ?? 0);
  }

  /** When the current catalogue was completed (epoch ms), or null if there is none yet. */
  refreshedAt(): number | null {
    const value = this.stmt.meta.get(REFRESHED_KEY)?.value;
    return value === undefined ? null : Number(value);
  }

  /** A fresh generation number for a refresh about to start. */
  nextGeneration(): number {
    return Math.max(this.currentGeneration(), this.stmt.maxGeneration.get()?.g ?? 0) + 1;
  }

  /**
   * Deletes up to `limit` rows that belong to no visible generation (an older catalogue, or an
   * unfinished refresh). Returns how many; call again until 0.
   */
  pruneStale(limit: number): number {
    const current = this.currentGeneration();
    return this.db.transaction(() => {
      const rows = this.stmt.staleRows.all(current, limit);
      for (const { row_id } of rows) {
        this.stmt.deleteFts.run(row_id);
        this.stmt.deleteGame.run(row_id);
      }
      return rows.length;
    })();
  }

  /** Writes rows of a generation that is not visible yet (one transaction per call). */
  writeGames(generation: number, rows: readonly CatalogueGameRow[]): number {
    return this.writeChunk(generation, rows);
  }

  /**
   * One bounded step (about 16 pages) of merging the search index's segments. Returns false
   * once there is nothing left to merge. Call between yields after writing a generation.
   */
  mergeIndexStep(): boolean {
    const before = this.stmt.totalChanges.get()?.n ?? 0;
    this.stmt.merge.run();
    // FTS5's documented test: fewer than 2 changes means the merge found no work.
    return (this.stmt.totalChanges.get()?.n ?? 0) - before >= 2;
  }

  /** Makes a fully written generation the one readers see, with its consoles. */
  publishGeneration(generation: number, consoles: readonly CatalogueConsole[], refreshedAt: Instant): void {
    this.publish(generation, consoles, toMs(refreshedAt));
  }

  consoles(): CatalogueConsole[] {
    return this.stmt.consoles
      .all(this.currentGeneration())
      .map((c) => ({ id: c.id, name: c.name, iconUrl: c.icon_url }));
  }

  count(): number {
    return this.stmt.count.get(this.currentGeneration())?.n ?? 0;
  }

  game(gameId: number): CatalogueGame | null {
    const row = this.stmt.byId.get(this.currentGeneration(), gameId);
    return row ? toGame(row) : null;
  }

  /** `match` is an FTS5 query built by the catalogue search; `consoleIds` narrows when given. */
  search(match: string, limit: number, consoleIds?: readonly number[]): CatalogueGame[] {
    const generation = this.currentGeneration();
    const rows = consoleIds
      ? this.stmt.searchIn.all(match, generation, JSON.stringify(consoleIds), limit)
      : this.stmt.search.all(match, generation, limit);
    return rows.map(toGame);
  }
}
