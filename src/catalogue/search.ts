/**
 * Game lookup over the local catalogue: a query becomes FTS5 terms through the same rules that
 * indexed the titles (`title.ts`), a console named in the query narrows it, and the store ranks
 * main sets first. Everything here answers from SQLite; nothing asks RA.
 */
import type { CatalogueGame, CatalogueTables } from '../store/catalogue.js';
import { consoleAliases, narrowByConsole, queryWords } from './title.js';

export type { CatalogueGame } from '../store/catalogue.js';

export interface SearchOptions {
  limit?: number;
  /** Treat the last word as a prefix (autocomplete: the user is still typing). Default true. */
  prefix?: boolean;
}

export interface Catalogue {
  search(query: string, options?: SearchOptions): CatalogueGame[];
  game(gameId: number): CatalogueGame | null;
  /** Games in the current catalogue (0 until the first refresh completes). */
  size(): number;
  refreshedAt(): number | null;
}

/** FTS5 query: every word must match a title word or an abbreviation. Words are [letters digits]. */
export function ftsQuery(ws: readonly string[], prefix: boolean): string {
  return ws
    .map((w, i) => {
      const last = i === ws.length - 1;
      // One-letter prefixes match a large share of the catalogue and say little: exact only.
      return `{terms initials}: "${w}"${last && prefix && w.length >= 2 ? '*' : ''}`;
    })
    .join(' AND ');
}

export function createCatalogue(tables: CatalogueTables): Catalogue {
  let aliasCache: { generation: number; consoles: Array<{ id: number; aliases: string[] }> } | null = null;

  function consoles() {
    const generation = tables.currentGeneration();
    if (aliasCache?.generation !== generation) {
      aliasCache = {
        generation,
        consoles: tables.consoles().map((c) => ({ id: c.id, aliases: consoleAliases(c.name) })),
      };
    }
    return aliasCache.consoles;
  }

  function search(query: string, options: SearchOptions = {}): CatalogueGame[] {
    const limit = options.limit ?? 25;
    const prefix = options.prefix ?? true;
    const ws = queryWords(query);
    if (ws.length === 0) return [];
    const narrowed = narrowByConsole(ws, consoles());
    if (narrowed) {
      const found = tables.search(ftsQuery(narrowed.rest, prefix), limit, narrowed.consoleIds);
      if (found.length > 0) return found;
    }
    return tables.search(ftsQuery(ws, prefix), limit);
  }

  return {
    search,
    game: (id) => tables.game(id),
    size: () => tables.count(),
    refreshedAt: () => tables.refreshedAt(),
  };
}
