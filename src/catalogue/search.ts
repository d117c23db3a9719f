/**
 * Game lookup over the local catalogue: a query becomes FTS5 terms through the same rules that
 * indexed the titles (`title.ts`), a console named in the query narrows it, and the store ranks
 * main sets first. Everything here answers from SQLite; nothing asks RA.
 */
import type { CatalogueGame, CatalogueTables } from '../store/catalogue.js';
import { consoleAliases, kindRank, narrowByConsole, queryWords } from './title.js';

export type { CatalogueGame } from '../store/catalogue.js';

export interface SearchOptions {
  limit?: number;
  /** Treat the last word as a prefix (autocomplete: the user is still typing). Default true. */
  prefix?: boolean;
}

export interface CatalogueMatches {
  games: CatalogueGame[];
  /** The query words the games matched (a console named in the query taken out). */
  words: string[];
}

export interface Catalogue {
  search(query: string, options?: SearchOptions): CatalogueGame[];
  /** Like search, also saying which words matched (for telling a whole title from a part). */
  lookup(query: string, options?: SearchOptions): CatalogueMatches;
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

/** Candidates read from SQLite before ranking: far more than any answer shows. */
const CANDIDATES = 200;

/** The title's own words: tags (`~Hack~`) and bracketed parts (`[Subset - Bonus]`) left out. */
export function bareTitle(title: string): string {
  return queryWords(title.replace(/~[^~]*~|\[[^\]]*\]|\([^)]*\)/g, ' ')).join(' ');
}

/**
 * How well a game matches the query words: tier 0 the whole title, 1 an abbreviation of it
 * (one word that is its initials), 2 every query word is a whole word of the title, 3 the last
 * word only as a prefix (still typing); and how many title words the query leaves out.
 */
function matchQuality(game: CatalogueGame, ws: readonly string[]): { tier: number; extra: number } {
  const extra = Math.max(0, game.wordCount - ws.length);
  if (ws.length === 1 && game.initials.split(' ').includes(ws[0]!)) return { tier: 1, extra };
  const terms = game.terms.split(' ');
  if (!ws.every((w) => terms.includes(w))) return { tier: 3, extra };
  // Only a title all of whose words were typed can be the whole title.
  return { tier: bareTitle(game.title) === ws.join(' ') ? 0 : 2, extra };
}

/**
 * Main sets first, then the closest match, then the fewest words beyond the query, then the
 * older set: RA's ids grow with time, and the classics people mean by a short query ("sonic")
 * got their sets first. API_GetGameList gives no popularity figure, so age stands in for it.
 */
export function rankGames(games: readonly CatalogueGame[], ws: readonly string[]): CatalogueGame[] {
  return games
    .map((game) => ({ game, kind: kindRank(game.kind), ...matchQuality(game, ws) }))
    .sort((a, b) => a.kind - b.kind || a.tier - b.tier || a.extra - b.extra || a.game.id - b.game.id)
    .map((r) => r.game);
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

  function lookup(query: string, options: SearchOptions = {}): CatalogueMatches {
    const limit = options.limit ?? 25;
    const prefix = options.prefix ?? true;
    const ws = queryWords(query);
    if (ws.length === 0) return { games: [], words: [] };
    const narrowed = narrowByConsole(ws, consoles());
    if (narrowed) {
      const found = tables.search(ftsQuery(narrowed.rest, prefix), CANDIDATES, narrowed.consoleIds);
      if (found.length > 0) {
        return { games: rankGames(found, narrowed.rest).slice(0, limit), words: narrowed.rest };
      }
    }
    return {
      games: rankGames(tables.search(ftsQuery(ws, prefix), CANDIDATES), ws).slice(0, limit),
      words: ws,
    };
  }

  return {
    search: (query, options) => lookup(query, options).games,
    lookup,
    game: (id) => tables.game(id),
    size: () => tables.count(),
    refreshedAt: () => tables.refreshedAt(),
  };
}
