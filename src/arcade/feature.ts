/**
 * Arcade boards (issue 18): RA leaderboards a server follows. Budget: a user's entries are read
 * (API_GetUserGameLeaderboards, one request per user and game, background lane) only after a poll
 * shows activity in a followed board's game, at most once per READ_GAP_MS per (user, game); a
 * board shown with `/arcade show` is read once per BOARD_TTL_MS (API_GetLeaderboardEntries, paged
 * only as far as needed to find the server's users); a game's board list once per BOARD_TTL_MS.
 */
import type { ArcadeBoard } from '../domain/challenges.js';
import type { Logger } from '../log.js';
import type { RaClient, RaLeaderboardApi } from '../ra/client.js';
import type { RaLeaderboard, RaLeaderboardEntry } from '../ra/types.js';
import type { ArcadeEntryInput } from '../store/arcade.js';
import type { Store } from '../store/index.js';
import { errorMessage } from '../util/error-message.js';
import { TtlCache } from '../util/ttl-cache.js';

/** At most one read of a user's entries per game in this time. */
export const READ_GAP_MS = 2 * 60_000;
/** A board (or a game's board list) read for a command is reused this long. */
export const BOARD_TTL_MS = 5 * 60_000;
/** Entries per page of a board read, and the most pages one read goes through. */
const PAGE = 500;
const MAX_PAGES = 4;

export interface ArcadeOptions {
  store: Store;
  ra: RaClient & RaLeaderboardApi;
  logger: Logger;
  now: () => Date;
  /** Called after reads queued posts (app.ts drains the outbox). */
  onQueued?: () => void;
  /** How often ended races are looked for; null: no timer (tests call `tick()`). */
  tickMs?: number | null;
}

/** How often ended races are looked for. */
export const RACE_TICK_MS = 60_000;

export function createArcade(options: ArcadeOptions) {
  const { store, ra, logger, now } = options;
  const lastRead = new Map<string, number>();
  const clock = () => now().getTime();
  const gameBoards = new TtlCache<number, RaLeaderboard[]>(200, BOARD_TTL_MS, clock);
  const boardReads = new TtlCache<number, RaLeaderboardEntry[]>(200, BOARD_TTL_MS, clock);
  const running = new Set<Promise<void>>();

  async function readUser(ulid: string, gameId: number): Promise<void> {
    try {
      // The community lane: a share of the rate beside the poller (ra/lanes.ts).
      const page = await ra.runInBackground(() => ra.getUserGameLeaderboards(ulid, gameId), 'community');
      const entries: ArcadeEntryInput[] = page.results.map((e) => ({
        boardId: e.leaderboard.id,
        ulid,
        score: e.score,
        formattedScore: e.formattedScore,
        rank: e.rank,
        at: e.updatedAt.getTime(),
      }));
      if (store.arcade.saveEntries(entries, now()) > 0) options.onQueued?.();
    } catch (error) {
      logger.warn({ ulid, gameId, err: errorMessage(error) }, 'could not read leaderboard entries');
    }
  }

  /** The board's rows (cached): paged only as far as needed to find every one of `ulids` (or MAX_PAGES). */
  async function rowsOf(boardId: number, ulids: ReadonlySet<string>): Promise<RaLeaderboardEntry[]> {
    const cached = boardReads.get(boardId);
    if (cached) return cached;
    const rows: RaLeaderboardEntry[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const got = await ra.getLeaderboardEntries(boardId, { offset: page * PAGE, count: PAGE });
      rows.push(...got.results);
      const found = rows.filter((r) => ulids.has(r.ulid)).length;
      if (found >= ulids.size || rows.length >= got.total || got.results.length === 0) break;
    }
    boardReads.set(boardId, rows);
    return rows;
  }

  let timer: ReturnType<typeof setInterval> | null = null;

  /** Posts the podium of every race past its end (also those that ended while the bot was down), once. */
  function tick(): number {
    let finished = 0;
    for (const race of store.arcade.dueRaces(now())) {
      try {
        if (store.arcade.finishRace(race, now())) finished++;
      } catch (error) {
        logger.error(
          { race: race.id, err: errorMessage(error) },
          'finishing a race failed; tried again next tick',
        );
      }
    }
    if (finished > 0) options.onQueued?.();
    return finished;
  }

  return {
    tick,
    start(): void {
      tick();
      const every = options.tickMs === undefined ? RACE_TICK_MS : options.tickMs;
      if (every !== null) {
        timer = setInterval(tick, every);
        timer.unref();
      }
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
    /** The poller read these games of the user (new activity): their followed boards are read, within budget. */
    gamesPlayed(ulid: string, gameIds: readonly number[]): void {
      if (gameIds.length === 0) return;
      const followed = store.arcade.followedGames();
      const at = now().getTime();
      for (const gameId of gameIds) {
        if (!followed.has(gameId)) continue;
        const key = `${ulid}:${gameId}`;
        const last = lastRead.get(key);
        if (last !== undefined && at - last < READ_GAP_MS) continue;
        lastRead.set(key, at);
        // Only the last READ_GAP_MS matter: forget older reads now and then.
        if (lastRead.size > 10_000) {
          for (const [k, t] of lastRead) if (at - t >= READ_GAP_MS) lastRead.delete(k);
        }
        const work = readUser(ulid, gameId).finally(() => running.delete(work));
        running.add(work);
      }
    },
    /** A game's boards (cached; the person waits: commands lane). */
    async boardsOfGame(gameId: number): Promise<RaLeaderboard[]> {
      const cached = gameBoards.get(gameId);
      if (cached) return cached;
      const page = await ra.getGameLeaderboards(gameId, { count: 500 });
      gameBoards.set(gameId, page.results);
      return page.results;
    },
    /**
     * Reads the board (cached) for `ulids` and saves their entries like a user read, so a record
     * found this way is announced too. Returns how many of them have an entry.
     */
    async readBoard(boardId: number, ulids: ReadonlySet<string>): Promise<number> {
      const entries = toInputs(boardId, await rowsOf(boardId, ulids), ulids);
      if (store.arcade.saveEntries(entries, now()) > 0) options.onQueued?.();
      return entries.length;
    },
    /** Entries of `ulids` on a board being followed (saved by `follow`: no post for them). */
    async entriesFor(boardId: number, ulids: ReadonlySet<string>): Promise<ArcadeEntryInput[]> {
      return toInputs(boardId, await rowsOf(boardId, ulids), ulids);
    },
    /** Settles when no read is running (tests, shutdown). */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

export type Arcade = ReturnType<typeof createArcade>;

function toInputs(
  boardId: number,
  rows: readonly RaLeaderboardEntry[],
  ulids: ReadonlySet<string>,
): ArcadeEntryInput[] {
  return rows
    .filter((r) => ulids.has(r.ulid))
    .map((r) => ({
      boardId,
      ulid: r.ulid,
      score: r.score,
      formattedScore: r.formattedScore,
      rank: r.rank,
      at: r.submittedAt.getTime(),
    }));
}

/** The board as the server keeps it. */
export function toArcadeBoard(board: RaLeaderboard, gameId: number, gameTitle: string): ArcadeBoard {
  return {
    id: board.id,
    gameId,
    gameTitle,
    title: board.title,
    description: board.description,
    format: board.format,
    rankAsc: board.rankAsc,
  };
}
