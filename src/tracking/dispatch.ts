import type { REST } from '@discordjs/rest';
import { DiscordAPIError, type RESTPostAPIChannelMessageResult, Routes } from 'discord.js';
import { parseAnnouncementPayload } from '../domain/announcements.js';
import { ANNOUNCE_PERMISSION_NAMES } from '../domain/permissions.js';
import { messagesFor, serverLocale } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { RaUrls } from '../ra/urls.js';
import { renderAnnouncement } from '../render/announce.js';
import { renderChallengePost } from '../render/challenges.js';
import { renderCommunityPost } from '../render/community.js';
import type { OutboxRow, Store } from '../store/index.js';

/** Discord codes that will not succeed on retry: the channel is gone or the bot may not post. */
export const PERMANENT_CODES: ReadonlyMap<number, string> = new Map([
  [10003, 'the channel no longer exists'],
  [50001, 'the bot has no access to the channel'],
  [50013, `the bot lacks permission to post there (needs ${ANNOUNCE_PERMISSION_NAMES})`],
  [50035, 'Discord rejected the message as invalid'],
]);

/**
 * Codes that mean nothing can be posted to the channel, whatever the message: it is gone
 * (10003), the bot can't see it (50001), or it lacks a permission every announcement needs
 * (50013: on a message create that is Send Messages, or Attach Files/Embed Links, which the bot
 * requires for all announcements alike). One such answer (for 50001/50013: once the channel's
 * grace period below has passed) fails every queued row of the channel at once: retrying them would spend one refused 403/404 each, and refused requests count
 * toward Discord's 10,000-per-10-minutes ban. Other permanent errors (400 50035, a render
 * failure) belong to the one row and fail only it; 400s don't count toward that ban.
 */
export const CHANNEL_WIDE_CODES: ReadonlySet<number> = new Set([10003, 50001, 50013]);

/**
 * Permission problems (50001 no access, 50013 missing permission) are often fixed soon, or are
 * Discord briefly misreporting access during an outage. For this long after the first such answer
 * a channel's rows are held (one probe per cool-down) rather than failed; only then do they fail
 * for good. A deleted channel (10003) fails at once: it never comes back.
 */
export const PERMISSION_CODES: ReadonlySet<number> = new Set([50001, 50013]);
export const PERMISSION_GRACE_MS = 60 * 60_000;

const BATCH = 50;
/**
 * Rows one channel may take of a batch: channels take turns, so a backlog of thousands in one
 * channel (Discord lets it post about 5 messages per 5 s) delays a quiet channel by one batch at most.
 */
export const CHANNEL_TURN = 5;
/**
 * Transient failures (5xx, timeouts) one row may have: with the backoff below (30 s doubling,
 * capped at 30 min) the last try comes about a day after the first. Then it fails for good,
 * with its reason, and releases its channel.
 */
export const MAX_TRANSIENT_ATTEMPTS = 54;
/**
 * After a channel-wide failure, rows queued later for that channel wait this long after it,
 * then one of them probes the channel (an admin may have fixed it): at most one refused
 * request per channel per period.
 */
export const CHANNEL_COOLDOWN_MS = 10 * 60_000;
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
  /** Optional instrumentation (metrics); the dispatcher works the same without it. */
  observer?: DispatchObserver;
  /** The server's Discord preferred locale (from the gateway), the language of its posts unless `/settings language` chose one. */
  guildLocale?: (guildId: string) => string | null | undefined;
}

export interface DispatchObserver {
  posted?(row: OutboxRow, at: Date): void;
  postFailed?(error: unknown): void;
}

export interface DrainReport {
  sent: number;
  failed: number;
  retried: number;
}

type Outcome =
  | { kind: 'sent' }
  /** `rows`: how many rows failed (more than one when the whole channel failed). */
  | { kind: 'failed'; channelWide: boolean; rows: number; reason: string }
  | { kind: 'retry'; next: Date; error: string }
  /** The channel refused on permissions within its grace period: this row and the channel wait. */
  | { kind: 'held'; block: ChannelBlock };

/** Why a channel's rows are held back in this drain, and until when. */
interface ChannelBlock {
  until: Date;
  why: string;
}

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
  /**
   * Channels refusing on permissions, since when, and until when their rows wait. In memory: a
   * restart costs one more probe and starts the grace period again, which errs on keeping rows.
   */
  const permissionTrouble = new Map<string, { since: number; block: ChannelBlock }>();

  function render(row: OutboxRow) {
    // Rows hold data and are rendered when posted, in the server's language at that moment: a
    // changed language changes the next posts, and nothing already posted.
    const messages = messagesFor(
      serverLocale(store.guildLanguage(row.guildId), options.guildLocale?.(row.guildId)),
    );
    const community =
      renderCommunityPost(row.kind, row.payload, urls, messages) ??
      renderChallengePost(row.kind, row.payload, urls, messages);
    if (community) return community;
    const payload = parseAnnouncementPayload(row.payload);
    if (payload === null) throw new Error(`payload of kind ${row.kind} is unreadable or of another version`);
    // A linked member is named beside the RA name where the server turned that on (never a ping).
    return renderAnnouncement(payload, urls, {
      memberId: store.announcedMember(row.guildId, row.ulid),
      messages,
    });
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
      return { kind: 'failed', channelWide: false, rows: 1, reason };
    }
    const startedAt = now();
    try {
      const sent = (await rest.post(Routes.channelMessages(row.channelId), {
        body: { ...message, nonce: row.nonce, enforce_nonce: true, allowed_mentions: { parse: [] } },
      })) as RESTPostAPIChannelMessageResult;
      store.markSent(row.id, sent.id, now());
      options.observer?.posted?.(row, now());
      permissionTrouble.delete(row.channelId);
      return { kind: 'sent' };
    } catch (error) {
      const at = now();
      options.observer?.postFailed?.(error);
      if (
        isDiscordApiError(error) &&
        (PERMANENT_CODES.has(Number(error.code)) || isPermanentStatus(error.status))
      ) {
        const code = Number(error.code) || null;
        const reason =
          PERMANENT_CODES.get(Number(error.code)) ?? `Discord answered ${error.status}: ${error.message}`;
        if (code !== null && PERMISSION_CODES.has(code)) {
          const since = permissionTrouble.get(row.channelId)?.since ?? at.getTime();
          if (at.getTime() - since < PERMISSION_GRACE_MS) {
            const block = {
              until: new Date(at.getTime() + CHANNEL_COOLDOWN_MS),
              why: `waiting: ${reason} (code ${code}); tried again every 10 minutes, failed for good if not fixed within an hour`,
            };
            permissionTrouble.set(row.channelId, { since, block });
            store.markRetry(row.id, block.until, block.why, false);
            logger.warn(
              { outboxId: row.id, guildId: row.guildId, channelId: row.channelId, code, reason },
              'cannot post to this channel (permissions); holding its announcements',
            );
            return { kind: 'held', block };
          }
          permissionTrouble.delete(row.channelId);
        }
        const channelWide = code !== null && CHANNEL_WIDE_CODES.has(code);
        // Channel-wide: every row queued before this post fails with it (rows queued since
        // are left for the next probe); otherwise only this row.
        const rows = channelWide
          ? store.failOutboxChannel(row.channelId, row.id, code, reason, at, startedAt)
          : Number(store.markFailed(row.id, code, reason, at));
        logger.warn(
          {
            outboxId: row.id,
            guildId: row.guildId,
            channelId: row.channelId,
            code,
            reason,
            rows,
            channelWide,
          },
          channelWide ? 'announcements to this channel failed for good' : 'announcement failed for good',
        );
        return { kind: 'failed', channelWide, rows, reason };
      }
      // 5xx after @discordjs/rest's own retries, timeouts, resets: try again later with backoff.
      const next = new Date(at.getTime() + retryDelayMs(row.attempts + 1));
      const message = describe(error);
      if (row.attempts + 1 >= MAX_TRANSIENT_ATTEMPTS) {
        const reason = `gave up after ${row.attempts + 1} tries over about a day: ${message}`;
        store.markFailed(row.id, null, reason, at);
        logger.warn(
          { outboxId: row.id, guildId: row.guildId, channelId: row.channelId, reason },
          'announcement failed for good',
        );
        return { kind: 'failed', channelWide: false, rows: 1, reason };
      }
      store.markRetry(row.id, next, message);
      logger.warn(
        { outboxId: row.id, channelId: row.channelId, retryAt: next.toISOString(), err: message },
        'announcement post failed; will retry',
      );
      return { kind: 'retry', next, error: message };
    }
  }

  /** Rows of a channel that can't be posted to now wait (without blame) instead of spending requests. */
  function holdBack(rows: readonly OutboxRow[], block: ChannelBlock): void {
    for (const row of rows) store.markRetry(row.id, block.until, block.why, false);
  }

  /** The block of a channel in its permission grace period, while its cool-down runs. */
  function heldOnPermissions(channelId: string): ChannelBlock | undefined {
    const trouble = permissionTrouble.get(channelId);
    return trouble && trouble.block.until.getTime() > now().getTime() ? trouble.block : undefined;
  }

  /** Channels still cooling down after a channel-wide failure (from the database: survives restarts). */
  function coolingChannels(): Map<string, ChannelBlock> {
    const at = now().getTime();
    const blocks = new Map<string, ChannelBlock>();
    for (const [channelId, failure] of store.outboxChannelFailuresSince(
      [...CHANNEL_WIDE_CODES],
      at - CHANNEL_COOLDOWN_MS,
    )) {
      blocks.set(channelId, {
        until: new Date(failure.at + CHANNEL_COOLDOWN_MS),
        why: `waiting: posting to this channel failed for good (${failure.reason}, code ${failure.code}); it is tried again once the cool-down ends`,
      });
    }
    return blocks;
  }

  async function drainOnce(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, failed: 0, retried: 0 };
    /** Channels whose post failed transiently in this drain, with when their held-back rows may go. */
    const blockedChannels = new Map<string, ChannelBlock>();
    let transientBudget = MAX_TRANSIENT_PER_DRAIN;
    while (transientBudget > 0) {
      pruneIfDue(); // on its schedule, however long a backlog keeps this drain going
      const claimed = store.claimDueOutbox(now(), BATCH, undefined, CHANNEL_TURN);
      if (claimed.length === 0) break;
      const cooling = coolingChannels();
      const byChannel = new Map<string, OutboxRow[]>();
      for (const row of claimed) {
        const block =
          blockedChannels.get(row.channelId) ??
          cooling.get(row.channelId) ??
          heldOnPermissions(row.channelId);
        if (block) {
          holdBack([row], block);
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
              holdBack(queue.slice(index), {
                until: now(),
                why: 'waiting: Discord failed repeatedly; trying again on the next run',
              });
              break;
            }
            const outcome = await post(row);
            if (outcome.kind === 'sent') {
              report.sent++;
              continue;
            }
            if (outcome.kind === 'held') {
              report.retried++;
              blockedChannels.set(row.channelId, outcome.block);
              holdBack(queue.slice(index + 1), outcome.block);
              break;
            }
            if (outcome.kind === 'failed') {
              report.failed += outcome.rows;
              // The rest of this queue failed with it (already marked): later rows of the
              // channel meet its cool-down. A row-specific failure doesn't concern the others.
              if (outcome.channelWide) break;
              continue;
            }
            report.retried++;
            transientBudget--;
            // Just after the failed row, so the channel keeps its order when it recovers.
            const block = {
              until: new Date(outcome.next.getTime() + 1),
              why: `waiting: an earlier post to this channel failed (${outcome.error}); posts go in order`,
            };
            blockedChannels.set(row.channelId, block);
            holdBack(queue.slice(index + 1), block);
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

/** The error as an admin reads it in `/settings show`: with the HTTP status when there is one. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number'
    ? `${error.name} (HTTP ${status}): ${error.message}`
    : `${error.name}: ${error.message}`;
}
