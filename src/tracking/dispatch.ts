import type { REST } from '@discordjs/rest';
import { DiscordAPIError, type RESTPostAPIChannelMessageResult, Routes } from 'discord.js';
import type { Logger } from '../log.js';
import type { RaUrls } from '../ra/urls.js';
import { renderAnnouncement } from '../render/announce.js';
import type { OutboxRow, Store } from '../store/index.js';
import { parseAnnouncementPayload } from './events.js';

/** Discord codes that will not succeed on retry: the channel is gone or the bot may not post. */
export const PERMANENT_CODES: ReadonlyMap<number, string> = new Map([
  [10003, 'the channel no longer exists'],
  [50001, 'the bot has no access to the channel'],
  [
    50013,
    'the bot lacks permission to post there (needs View Channel, Send Messages, Embed Links, Attach Files)',
  ],
  [50035, 'Discord rejected the message as invalid'],
]);

const BATCH = 50;
/** A channel whose post failed waits this long before the next row is tried (never hammer Discord). */
const CHANNEL_COOLDOWN_MS = 10 * 60_000;
/** After this many transient failures in one drain, stop until the next tick: Discord is having a bad day. */
const MAX_TRANSIENT_PER_DRAIN = 5;
const DAY_MS = 24 * 60 * 60_000;
/** Old rows are pruned at most this often (after a drain). */
export const PRUNE_INTERVAL_MS = 60 * 60_000;
/** Sent rows are kept this long (their nonce only matters for minutes; the rest is history). */
export const KEEP_SENT_MS = 30 * DAY_MS;
/** Rows that failed for good stay listed in `/settings show` this long. */
export const KEEP_FAILED_MS = 90 * DAY_MS;

/** Exponential backoff for transient failures: 30 s, 1 min, 2 min … capped at 30 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

export interface DispatcherOptions {
  store: Store;
  rest: REST;
  urls: RaUrls;
  logger: Logger;
  now: () => Date;
  /** Channels posted to at once; @discordjs/rest still queues per route and honours 429s. */
  concurrency?: number;
}

export interface DrainReport {
  sent: number;
  failed: number;
  retried: number;
}

type Outcome = { kind: 'sent' } | { kind: 'failed' } | { kind: 'retry'; next: Date };

/**
 * Posts pending outbox rows. Each row is posted with its own nonce and `enforce_nonce`, then
 * marked sent, so a crash between the two makes the repeat harmless. Rows of one channel go
 * in order; channels go in parallel up to `concurrency`.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, rest, urls, logger, now } = options;
  let draining: Promise<DrainReport> | null = null;
  /** Epoch ms of the last prune; the first drain of a process prunes. */
  let lastPruneAt: number | null = null;

  function render(row: OutboxRow) {
    const payload = parseAnnouncementPayload(row.payload);
    if (payload === null) throw new Error(`payload of kind ${row.kind} is unreadable or of another version`);
    return renderAnnouncement(payload, urls);
  }

  async function post(row: OutboxRow): Promise<Outcome> {
    let message: ReturnType<typeof render>;
    try {
      message = render(row);
    } catch (error) {
      // A bug (an unreadable payload): keep the row visible as failed, never drop it silently.
      const reason = `internal error: ${describe(error)}`;
      store.markFailed(row.id, null, reason, now());
      logger.error({ outboxId: row.id, err: reason }, 'announcement could not be rendered');
      return { kind: 'failed' };
    }
    try {
      const sent = (await rest.post(Routes.channelMessages(row.channelId), {
        body: { ...message, nonce: row.nonce, enforce_nonce: true, allowed_mentions: { parse: [] } },
      })) as RESTPostAPIChannelMessageResult;
      store.markSent(row.id, sent.id, now());
      return { kind: 'sent' };
    } catch (error) {
      const at = now();
      if (
        isDiscordApiError(error) &&
        (PERMANENT_CODES.has(Number(error.code)) || isPermanentStatus(error.status))
      ) {
        const code = Number(error.code) || null;
        const reason =
          PERMANENT_CODES.get(Number(error.code)) ?? `Discord answered ${error.status}: ${error.message}`;
        store.markFailed(row.id, code, reason, at);
        logger.warn(
          { outboxId: row.id, guildId: row.guildId, channelId: row.channelId, code, reason },
          'announcement failed for good',
        );
        return { kind: 'failed' };
      }
      // 5xx after @discordjs/rest's own retries, timeouts, resets: try again later with backoff.
      const next = new Date(at.getTime() + retryDelayMs(row.attempts + 1));
      store.markRetry(row.id, next, describe(error));
      logger.warn(
        { outboxId: row.id, channelId: row.channelId, retryAt: next.toISOString(), err: describe(error) },
        'announcement post failed; will retry',
      );
      return { kind: 'retry', next };
    }
  }

  /** Rows of a channel that just failed wait (without blame) instead of spending more requests. */
  function holdBack(rows: readonly OutboxRow[], until: Date): void {
    for (const row of rows)
      store.markRetry(row.id, until, 'waiting: an earlier post to this channel failed', false);
  }

  async function drainOnce(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, failed: 0, retried: 0 };
    /** Channels that failed in this drain, with when their held-back rows may go. */
    const blockedChannels = new Map<string, Date>();
    let transientBudget = MAX_TRANSIENT_PER_DRAIN;
    while (transientBudget > 0) {
      const claimed = store.claimDueOutbox(now(), BATCH);
      if (claimed.length === 0) break;
      const byChannel = new Map<string, OutboxRow[]>();
      for (const row of claimed) {
        const blockedUntil = blockedChannels.get(row.channelId);
        if (blockedUntil) {
          holdBack([row], blockedUntil);
          continue;
        }
        byChannel.set(row.channelId, [...(byChannel.get(row.channelId) ?? []), row]);
      }
      const queues = [...byChannel.values()];
      const worker = async () => {
        for (let queue = queues.shift(); queue; queue = queues.shift()) {
          for (const [index, row] of queue.entries()) {
            if (transientBudget <= 0) {
              // Discord is having a bad day: the rest waits for the next drain, unblamed.
              holdBack(queue.slice(index), now());
              break;
            }
            const outcome = await post(row);
            if (outcome.kind === 'sent') {
              report.sent++;
              continue;
            }
            let until: Date;
            if (outcome.kind === 'failed') {
              report.failed++;
              // Missing access/permissions is channel-wide: give an admin time to fix it.
              until = new Date(now().getTime() + CHANNEL_COOLDOWN_MS);
            } else {
              report.retried++;
              transientBudget--;
              // Just after the failed row, so the channel keeps its order when it recovers.
              until = new Date(outcome.next.getTime() + 1);
            }
            blockedChannels.set(row.channelId, until);
            holdBack(queue.slice(index + 1), until);
            break;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
    }
    if (report.sent + report.failed + report.retried > 0) logger.info(report, 'outbox drained');
    pruneIfDue();
    return report;
  }

  /** Sent rows' payloads are dead weight after a while; failures stay visible in /settings show longer. */
  function pruneIfDue(): void {
    const at = now().getTime();
    if (lastPruneAt !== null && at - lastPruneAt < PRUNE_INTERVAL_MS) return;
    lastPruneAt = at;
    try {
      const pruned = store.pruneOutbox(new Date(at - KEEP_SENT_MS), new Date(at - KEEP_FAILED_MS));
      if (pruned > 0) logger.info({ pruned }, 'old outbox rows pruned');
    } catch (error) {
      logger.warn({ err: describe(error) }, 'outbox prune failed; will try again later');
    }
  }

  return {
    /** Posts everything due; concurrent calls share one drain. */
    drain(): Promise<DrainReport> {
      if (!draining) {
        draining = drainOnce().finally(() => {
          draining = null;
        });
      }
      return draining;
    },
  };
}

/**
 * discord.js (CommonJS) and an ESM import of @discordjs/rest load two copies of the error
 * class, so `instanceof` alone misses the errors the client's REST throws: check the shape too.
 */
function isDiscordApiError(error: unknown): error is Pick<DiscordAPIError, 'code' | 'status' | 'message'> {
  if (error instanceof DiscordAPIError) return true;
  return (
    error instanceof Error &&
    error.name.startsWith('DiscordAPIError') &&
    typeof (error as { status?: unknown }).status === 'number' &&
    'code' in error
  );
}

function isPermanentStatus(status: number): boolean {
  return status === 400 || status === 403 || status === 404;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
