import { DiscordAPIError, type REST } from '@discordjs/rest';
import { type RESTPostAPIChannelMessageResult, Routes } from 'discord.js';
import type { Logger } from '../log.js';
import type { RaUrls } from '../ra/urls.js';
import { renderAnnouncement } from '../render/announce.js';
import type { OutboxRow, Store } from '../store/index.js';
import type { AnnouncementPayload } from './events.js';

/** Discord codes that will not succeed on retry: the channel is gone or the bot may not post. */
export const PERMANENT_CODES: ReadonlyMap<number, string> = new Map([
  [10003, 'the channel no longer exists'],
  [50001, 'the bot has no access to the channel'],
  [50013, 'the bot lacks permission to post there (needs View Channel, Send Messages, Embed Links)'],
  [50035, 'Discord rejected the message as invalid'],
]);

const BATCH = 50;
/** A channel whose post failed waits this long before the next row is tried (never hammer Discord). */
const CHANNEL_COOLDOWN_MS = 10 * 60_000;
/** After this many transient failures in one drain, stop until the next tick: Discord is having a bad day. */
const MAX_TRANSIENT_PER_DRAIN = 5;

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

type Outcome = 'sent' | 'failed' | 'retry';

/**
 * Posts pending outbox rows. Each row is posted with its own nonce and `enforce_nonce`, then
 * marked sent, so a crash between the two makes the repeat harmless. Rows of one channel go
 * in order; channels go in parallel up to `concurrency`.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, rest, urls, logger, now } = options;
  let draining: Promise<DrainReport> | null = null;

  function render(row: OutboxRow) {
    const payload = JSON.parse(row.payload) as AnnouncementPayload;
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
      return 'failed';
    }
    try {
      const sent = (await rest.post(Routes.channelMessages(row.channelId), {
        body: { ...message, nonce: row.nonce, enforce_nonce: true, allowed_mentions: { parse: [] } },
      })) as RESTPostAPIChannelMessageResult;
      store.markSent(row.id, sent.id, now());
      return 'sent';
    } catch (error) {
      const at = now();
      if (
        error instanceof DiscordAPIError &&
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
        return 'failed';
      }
      // 5xx after @discordjs/rest's own retries, timeouts, resets: try again later with backoff.
      const next = new Date(at.getTime() + retryDelayMs(row.attempts + 1));
      store.markRetry(row.id, next, describe(error));
      logger.warn(
        { outboxId: row.id, channelId: row.channelId, retryAt: next.toISOString(), err: describe(error) },
        'announcement post failed; will retry',
      );
      return 'retry';
    }
  }

  async function drainOnce(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, failed: 0, retried: 0 };
    const blockedChannels = new Set<string>();
    let transientBudget = MAX_TRANSIENT_PER_DRAIN;
    for (;;) {
      const rows = store.claimDueOutbox(now(), BATCH).filter((r) => !blockedChannels.has(r.channelId));
      if (rows.length === 0 || transientBudget <= 0) break;
      const byChannel = new Map<string, OutboxRow[]>();
      for (const row of rows) byChannel.set(row.channelId, [...(byChannel.get(row.channelId) ?? []), row]);
      const queues = [...byChannel.values()];
      let progressed = false;
      const worker = async () => {
        for (let queue = queues.shift(); queue; queue = queues.shift()) {
          for (const row of queue) {
            if (transientBudget <= 0) return;
            const outcome = await post(row);
            if (outcome === 'sent') {
              report.sent++;
              progressed = true;
              continue;
            }
            if (outcome === 'failed') report.failed++;
            else {
              report.retried++;
              transientBudget--;
            }
            progressed = true;
            // Don't spend more requests on a channel that just failed; its other rows wait.
            blockedChannels.add(row.channelId);
            const later = new Date(now().getTime() + CHANNEL_COOLDOWN_MS);
            for (const rest of queue.slice(queue.indexOf(row) + 1))
              store.markRetry(rest.id, later, 'waiting: an earlier post to this channel failed', false);
            break;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
      if (!progressed) break;
    }
    if (report.sent + report.failed + report.retried > 0) logger.info(report, 'outbox drained');
    return report;
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

function isPermanentStatus(status: number): boolean {
  return status === 400 || status === 403 || status === 404;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
