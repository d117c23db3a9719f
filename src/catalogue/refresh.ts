/**
 * Keeps the local catalogue fresh: API_GetConsoleIDs, then API_GetGameList (f=1) per console,
 * all in the RA client's catalogue lane (behind commands, with a share beside the poller) and
 * paced, written as a new generation in small chunks and swapped in only once every console has
 * been read. A refresh that fails, or outlasts its deadline, keeps the catalogue it would have
 * replaced and is tried again later; an abandoned one never blocks the next.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from '../log.js';
import type { RaCatalogueApi } from '../ra/client.js';
import type { GameListEntry } from '../ra/types.js';
import type { CatalogueConsole, CatalogueGameRow, CatalogueTables } from '../store/catalogue.js';
import { withDeadline } from '../util/deadline.js';
import { errorMessage } from '../util/error-message.js';
import { realTimers, type Timers } from '../util/timers.js';
import { indexTitle, kindRank, setKind } from './title.js';

export interface CatalogueRefresherOptions {
  ra: Pick<RaCatalogueApi, 'getConsoleIds' | 'getGameList' | 'runWhenIdle'>;
  tables: CatalogueTables;
  logger: Logger;
  now: () => Date;
  /** How old the catalogue may get before it is refreshed. */
  everyMs: number;
  /** Pause between two catalogue requests, on top of the client's rate limit. Default 2000. */
  paceMs?: number;
  /** After a failed refresh, try again this much later. Default 1 hour. */
  retryMs?: number;
  /**
   * A refresh still running after this is abandoned (it fails, the old catalogue stays) and tried
   * again `retryMs` later. Default 2 hours: ~80 requests take ~4 minutes at 1 request/s with the
   * 2 s pace, ~9 with the poller saturating the key (1 slot in 5 for the catalogue).
   */
  deadlineMs?: number;
  /** Timers for the pace, the deadline and the schedule (tests: virtual time). */
  timers?: Timers;
  /** Rows per write transaction (and per index step). Default 100: ~10-25 ms each on a small VPS. */
  chunkSize?: number;
}

export interface RefreshResult {
  consoles: number;
  games: number;
  /** RA requests the refresh made (1 + consoles). */
  requests: number;
  ms: number;
}

export interface CatalogueRefresher {
  /** Refreshes now (joins a refresh already running). Rejects when it failed. */
  refresh(): Promise<RefreshResult>;
  /** Refreshes now if the catalogue is missing or stale, then whenever it goes stale. */
  start(): void;
  /** Stops scheduling and abandons a refresh in progress (its partial rows are never shown). */
  stop(): Promise<void>;
}

export function toCatalogueRow(entry: GameListEntry, consoleName: string): CatalogueGameRow {
  const kind = setKind(entry.title);
  return {
    ...entry,
    consoleName: entry.consoleName || consoleName,
    kind,
    kindRank: kindRank(kind),
    ...indexTitle(entry.title),
  };
}

/** Rank order's bucket: kind rank first, then word count (kind ranks and word counts are small integers). */
function rankKey(row: Pick<CatalogueGameRow, 'kindRank' | 'wordCount'>): number {
  return row.kindRank * 1_000_000 + Math.min(row.wordCount, 999_999);
}

class Stopped extends Error {}

export function createCatalogueRefresher(options: CatalogueRefresherOptions): CatalogueRefresher {
  const { ra, tables, logger } = options;
  const paceMs = options.paceMs ?? 2_000;
  const retryMs = options.retryMs ?? 60 * 60_000;
  const chunkSize = options.chunkSize ?? 100;
  const deadlineMs = options.deadlineMs ?? 2 * 60 * 60_000;
  const timers = options.timers ?? realTimers;
  const stopping = new AbortController();
  let running: Promise<RefreshResult> | null = null;
  let timer: unknown = null;

  /** A run's own stop: set when the refresher stops or the run is abandoned at its deadline. */
  interface Run {
    abandoned: boolean;
  }

  const checkStopped = (runState: Run) => {
    if (stopping.signal.aborted || runState.abandoned) throw new Stopped('catalogue refresh stopped');
  };

  async function pace(runState: Run): Promise<void> {
    if (paceMs > 0) await new Promise<void>((resolve) => timers.setTimeout(resolve, paceMs));
    checkStopped(runState);
  }

  async function pruneStale(runState: Run): Promise<void> {
    while (tables.pruneStale(chunkSize) > 0) {
      await yieldToEventLoop();
      checkStopped(runState);
    }
  }

  async function mergeIndex(runState: Run): Promise<void> {
    while (tables.mergeIndexStep()) {
      await yieldToEventLoop();
      checkStopped(runState);
    }
  }

  async function run(runState: Run): Promise<RefreshResult> {
    const started = performance.now();
    await pruneStale(runState);
    const all = await ra.runWhenIdle(() => ra.getConsoleIds());
    const consoles: CatalogueConsole[] = all
      .filter((c) => c.isGameSystem && c.active)
      .map((c) => ({ id: c.id, name: c.name, iconUrl: c.iconUrl }));
    // Rows by (kind rank, word count): the order they are written in, built as they come.
    const buckets = new Map<number, CatalogueGameRow[]>();
    for (const console of consoles) {
      await pace(runState);
      const list = await ra.runWhenIdle(() => ra.getGameList(console.id));
      checkStopped(runState);
      // Indexing a title costs tens of microseconds: chunk by chunk, so a command or a poll
      // waiting on the event loop never waits long.
      for (let i = 0; i < list.length; i += chunkSize) {
        for (const entry of list.slice(i, i + chunkSize)) {
          const row = toCatalogueRow(entry, console.name);
          const key = rankKey(row);
          const bucket = buckets.get(key);
          if (bucket) bucket.push(row);
          else buckets.set(key, [row]);
        }
        await yieldToEventLoop();
        checkStopped(runState);
      }
    }
    // Written in rank order: the store reads search matches in rowid order and stops early. One
    // sort of 50,000 rows held the event loop ~150 ms: a bucket per (kind, word count), each
    // sorted by id on its own turn.
    const rows: CatalogueGameRow[] = [];
    for (const key of [...buckets.keys()].sort((a, b) => a - b)) {
      const bucket = buckets.get(key)!;
      bucket.sort((a, b) => a.id - b.id);
      for (const row of bucket) rows.push(row);
      buckets.delete(key);
      await yieldToEventLoop();
      checkStopped(runState);
    }
    const generation = tables.nextGeneration();
    let games = 0;
    for (let i = 0; i < rows.length; i += chunkSize) {
      games += tables.writeGames(generation, rows.slice(i, i + chunkSize));
      await yieldToEventLoop();
      checkStopped(runState);
    }
    await mergeIndex(runState);
    tables.publishGeneration(generation, consoles, options.now());
    await pruneStale(runState);
    await mergeIndex(runState);
    return {
      consoles: consoles.length,
      games,
      requests: 1 + consoles.length,
      ms: performance.now() - started,
    };
  }

  /** The run, or its deadline: then the run is abandoned (it stops at its next step). */
  function runWithDeadline(): Promise<RefreshResult> {
    const runState: Run = { abandoned: false };
    return withDeadline(
      run(runState),
      deadlineMs,
      timers,
      () => new Error(`catalogue refresh abandoned at its deadline (${Math.round(deadlineMs / 1000)} s)`),
      () => {
        runState.abandoned = true;
      },
    );
  }

  function refresh(): Promise<RefreshResult> {
    running ??= runWithDeadline().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(delayMs: number): void {
    if (stopping.signal.aborted) return;
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(tick, Math.max(0, delayMs));
  }

  function dueInMs(): number {
    const at = tables.refreshedAt();
    return at === null ? 0 : at + options.everyMs - options.now().getTime();
  }

  function tick(): void {
    const due = dueInMs();
    if (due > 0) {
      schedule(due);
      return;
    }
    refresh().then(
      (result) => {
        logger.info(result, 'game catalogue refreshed');
        schedule(dueInMs());
      },
      (error: unknown) => {
        if (error instanceof Stopped) return;
        logger.warn(
          { err: errorMessage(error), retryInMs: retryMs },
          'game catalogue refresh failed; keeping the previous catalogue',
        );
        schedule(retryMs);
      },
    );
  }

  return {
    refresh,
    start: () => schedule(0),
    async stop() {
      // Not awaited: a refresh waiting on RA must not hold up shutdown (closing the RA client
      // ends it, and its unfinished generation is never shown).
      stopping.abort();
      if (timer !== null) timers.clearTimeout(timer);
    },
  };
}
