/**
 * outbox: announcements waiting to be posted. A row is written in the same transaction as the
 * state change that caused it, posted with its `nonce` (Discord's `enforce_nonce` makes a
 * repeated post harmless), then marked sent; so a crash anywhere loses nothing and posts
 * nothing twice.
 */
import type { AnnouncementKind, OutboxInput } from '../domain/announcements.js';
import type { ChallengePostKind } from '../domain/challenges.js';
import type { CommunityPostKind } from './community.js';
import type { Database } from './shared.js';
import { clipError, type Instant, randomNonce, toMs } from './shared.js';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxRow {
  id: number;
  guildId: string;
  channelId: string;
  ulid: string;
  /** An announcement kind, a community post ('digest', 'aotw': see store/community.ts) or a challenge post. */
  kind: AnnouncementKind | CommunityPostKind | ChallengePostKind;
  /** The AnnouncementPayload as JSON text; read it with `parseAnnouncementPayload`. */
  payload: string;
  /** Send as the message nonce with `enforce_nonce: true`. */
  nonce: string;
  /** Failed tries so far (retries and the final failure). */
  attempts: number;
  /** Epoch ms. */
  createdAt: number;
}

/** Rows of one channel that failed for good with the same code and reason. */
export interface OutboxFailure {
  channelId: string;
  code: number | null;
  reason: string;
  /** Epoch ms of the newest of them. */
  at: number;
  /** How many rows failed this way. */
  count: number;
}

/** A channel whose rows have been pending longer than the status call's `delayedAfterMs`. */
export interface OutboxDelay {
  channelId: string;
  /** Its rows pending that long. */
  count: number;
  /** Epoch ms: when the oldest of them was queued. */
  since: number;
  /** Epoch ms: when the channel's next row is due. */
  nextAttemptAt: number;
  /** The error of the row actually tried (the channel's head), if any was tried. */
  lastError: string | null;
}

export interface GuildOutboxStatus {
  pending: number;
  failed: number;
  /** Newest first, grouped by channel, code and reason. */
  recentFailures: OutboxFailure[];
  /** Oldest first. */
  delayed: OutboxDelay[];
}

/** The newest channel-wide failure of a channel (see `OutboxTable.channelFailuresSince`). */
export interface ChannelFailure {
  code: number;
  reason: string;
  /** Epoch ms. */
  at: number;
}

/** Pending rows older than this are listed with their error in `/settings show`. */
export const DEFAULT_DELAYED_AFTER_MS = 15 * 60_000;

/** A claimed row isn't handed out again for this long, unless it is marked before. */
export const DEFAULT_CLAIM_LEASE_MS = 60_000;
const RECENT_FAILURES = 5;

interface OutboxDbRow {
  id: number;
  guild_id: string;
  channel_id: string;
  ulid: string;
  kind: AnnouncementKind | CommunityPostKind | ChallengePostKind;
  payload: string;
  nonce: string;
  attempts: number;
  created_at: number;
}

interface FailureDbRow {
  channel_id: string;
  error_code: number | null;
  last_error: string | null;
  failed_at: number;
  n: number;
}

interface DelayDbRow {
  channel_id: string;
  n: number;
  since: number;
  next_at: number;
  last_error: string | null;
}

export class OutboxTable {
  private readonly stmt;
  private readonly claimInTransaction;

  constructor(
    db: Database,
    private readonly nonce: () => string = randomNonce,
  ) {
    this.stmt = {
      insert: db.prepare<[string, string, string, AnnouncementKind, string, string, number, number]>(
        `INSERT INTO outbox (guild_id, channel_id, ulid, kind, payload, nonce, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Due rows, but never one queued after a row of its channel that still waits (a retry's
      // backoff, a held channel, a lease): a channel posts in order. Then at most `perChannel`
      // rows per channel, taken in turns, so one channel's backlog can't crowd out the others.
      due: db.prepare<{ now: number; perChannel: number; limit: number }, OutboxDbRow>(
        `WITH waiting AS (
           SELECT channel_id, min(id) AS first_id FROM outbox
           WHERE status = 'pending' AND next_attempt_at > @now GROUP BY channel_id
         ),
         turns AS (
           SELECT o.id, o.guild_id, o.channel_id, o.ulid, o.kind, o.payload, o.nonce, o.attempts, o.created_at,
             row_number() OVER (PARTITION BY o.channel_id ORDER BY o.id) AS turn
           FROM outbox o LEFT JOIN waiting w ON w.channel_id = o.channel_id
           WHERE o.status = 'pending' AND o.next_attempt_at <= @now AND (w.first_id IS NULL OR o.id < w.first_id)
         )
         SELECT id, guild_id, channel_id, ulid, kind, payload, nonce, attempts, created_at FROM turns
         WHERE turn <= @perChannel ORDER BY turn, id LIMIT @limit`,
      ),
      lease: db.prepare<[number, number, number]>(
        'UPDATE outbox SET next_attempt_at = ?, claimed_at = ? WHERE id = ?',
      ),
      releaseClaims: db.prepare<[]>(
        `UPDATE outbox SET next_attempt_at = min(next_attempt_at, claimed_at), claimed_at = NULL
         WHERE status = 'pending' AND claimed_at IS NOT NULL`,
      ),
      markSent: db.prepare<[number, string, number]>(
        `UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL, claimed_at = NULL
         WHERE id = ? AND status = 'pending'`,
      ),
      markRetry: db.prepare<[number, string, number, number]>(
        `UPDATE outbox SET next_attempt_at = ?, last_error = ?, attempts = attempts + ?, claimed_at = NULL
         WHERE id = ? AND status = 'pending'`,
      ),
      markFailed: db.prepare<[number | null, string, number, number]>(
        `UPDATE outbox SET status = 'failed', error_code = ?, last_error = ?, failed_at = ?, attempts = attempts + 1,
           claimed_at = NULL
         WHERE id = ? AND status = 'pending'`,
      ),
      countByStatus: db.prepare<[string], { status: OutboxStatus; n: number }>(
        `SELECT status, count(*) AS n FROM outbox WHERE guild_id = ? AND status IN ('pending', 'failed')
         GROUP BY status`,
      ),
      // A bare column next to a single max() comes from the row holding the max (SQLite).
      recentFailures: db.prepare<[string, number], FailureDbRow>(
        `SELECT channel_id, error_code, last_error, max(failed_at) AS failed_at, count(*) AS n FROM outbox
         WHERE guild_id = ? AND status = 'failed'
         GROUP BY channel_id, error_code, last_error ORDER BY failed_at DESC, max(id) DESC LIMIT ?`,
      ),
      delayed: db.prepare<[string, number], DelayDbRow>(
        `SELECT o.channel_id, count(*) AS n, min(o.created_at) AS since, min(o.next_attempt_at) AS next_at,
           (SELECT e.last_error FROM outbox e
            WHERE e.channel_id = o.channel_id AND e.guild_id = o.guild_id AND e.status = 'pending'
              AND e.last_error IS NOT NULL
            ORDER BY e.attempts DESC, e.id LIMIT 1) AS last_error
         FROM outbox o WHERE o.guild_id = ? AND o.status = 'pending' AND o.created_at <= ?
         GROUP BY o.channel_id ORDER BY since, o.channel_id`,
      ),
      failChannel: db.prepare<[number | null, string, number, number, string, number]>(
        `UPDATE outbox SET status = 'failed', error_code = ?, last_error = ?, failed_at = ?,
           attempts = attempts + (id = ?), claimed_at = NULL
         WHERE channel_id = ? AND status = 'pending' AND created_at <= ?`,
      ),
      channelFailures: db.prepare<
        [string, number],
        { channel_id: string; error_code: number; last_error: string | null; at: number }
      >(
        `SELECT channel_id, error_code, last_error, max(failed_at) AS at FROM outbox
         WHERE status = 'failed' AND error_code IN (SELECT value FROM json_each(?)) AND failed_at > ?
         GROUP BY channel_id`,
      ),
      createdAt: db.prepare<[number], { created_at: number }>('SELECT created_at FROM outbox WHERE id = ?'),
      pendingCount: db.prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM outbox WHERE status = 'pending'",
      ),
      prune: db.prepare<[number, number]>(
        `DELETE FROM outbox WHERE (status = 'sent' AND sent_at < ?) OR (status = 'failed' AND failed_at < ?)`,
      ),
    };
    this.claimInTransaction = db.transaction(
      (now: number, limit: number, leaseMs: number, perChannel: number) => {
        const rows = this.stmt.due.all({ now, perChannel, limit }).sort((a, b) => a.id - b.id);
        for (const row of rows) this.stmt.lease.run(now + leaseMs, now, row.id);
        return rows.map(toOutboxRow);
      },
    );
  }

  /** Call inside the caller's transaction. */
  insert(ulid: string, input: OutboxInput, now: number): number {
    const { payload } = input;
    const result = this.stmt.insert.run(
      input.guildId,
      input.channelId,
      ulid,
      payload.kind,
      JSON.stringify(payload),
      this.nonce(),
      now,
      now,
    );
    return Number(result.lastInsertRowid);
  }

  /**
   * Due pending rows, oldest first (at most `perChannel` per channel, and none queued after a
   * row of its channel that still waits), leased for `leaseMs`: a dispatcher that dies mid-post gets
   * them back after the lease (the nonce makes the repeat harmless); a live one marks them.
   */
  claimDue(
    now: Instant,
    limit: number,
    leaseMs = DEFAULT_CLAIM_LEASE_MS,
    perChannel = Number.MAX_SAFE_INTEGER,
  ): OutboxRow[] {
    return this.claimInTransaction(toMs(now), limit, leaseMs, perChannel);
  }

  /**
   * Gives back every row a dispatcher claimed but never marked (it crashed or was stopped
   * mid-post): due again at the time it was claimed. Call at start-up, before the first drain,
   * when no other dispatcher can hold a claim. Returns how many rows were released.
   */
  releaseClaims(): number {
    return this.stmt.releaseClaims.run().changes;
  }

  markSent(id: number, messageId: string, now: Instant): boolean {
    return this.stmt.markSent.run(toMs(now), messageId, id).changes > 0;
  }

  /** `countAttempt: false` reschedules without blaming the row (e.g. its channel is backing off). */
  markRetry(id: number, nextAttemptAt: Instant, error: string, countAttempt = true): boolean {
    return (
      this.stmt.markRetry.run(toMs(nextAttemptAt), clipError(error), countAttempt ? 1 : 0, id).changes > 0
    );
  }

  markFailed(id: number, errorCode: number | null, reason: string, now: Instant): boolean {
    return this.stmt.markFailed.run(errorCode, clipError(reason), toMs(now), id).changes > 0;
  }

  /**
   * A channel-wide failure (the channel is gone or the bot may not post there): fails the
   * channel's row `triedId` and every other pending row of the channel queued at or before
   * `queuedBy`, with the same code and reason. Rows queued later are left for a later probe.
   * Returns how many rows failed.
   */
  failChannel(
    channelId: string,
    triedId: number,
    errorCode: number | null,
    reason: string,
    now: Instant,
    queuedBy: Instant,
  ): number {
    const queuedByMs = Math.max(toMs(queuedBy), this.createdAt(triedId));
    return this.stmt.failChannel.run(errorCode, clipError(reason), toMs(now), triedId, channelId, queuedByMs)
      .changes;
  }

  private createdAt(id: number): number {
    return this.stmt.createdAt.get(id)?.created_at ?? Number.NEGATIVE_INFINITY;
  }

  /** Per channel, its newest failure with one of `codes` after `since`. */
  channelFailuresSince(codes: readonly number[], since: Instant): Map<string, ChannelFailure> {
    const out = new Map<string, ChannelFailure>();
    for (const row of this.stmt.channelFailures.all(JSON.stringify(codes), toMs(since))) {
      out.set(row.channel_id, { code: row.error_code, reason: row.last_error ?? '', at: row.at });
    }
    return out;
  }

  status(
    guildId: string,
    now: Instant = Date.now(),
    delayedAfterMs = DEFAULT_DELAYED_AFTER_MS,
  ): GuildOutboxStatus {
    const counts = { pending: 0, failed: 0 };
    for (const row of this.stmt.countByStatus.all(guildId)) {
      if (row.status === 'pending' || row.status === 'failed') counts[row.status] = row.n;
    }
    const recentFailures = this.stmt.recentFailures.all(guildId, RECENT_FAILURES).map((row) => ({
      channelId: row.channel_id,
      code: row.error_code,
      reason: row.last_error ?? '',
      at: row.failed_at,
      count: row.n,
    }));
    const delayed = this.stmt.delayed.all(guildId, toMs(now) - delayedAfterMs).map((row) => ({
      channelId: row.channel_id,
      count: row.n,
      since: row.since,
      nextAttemptAt: row.next_at,
      lastError: row.last_error,
    }));
    return { ...counts, recentFailures, delayed };
  }

  pendingCount(): number {
    return this.stmt.pendingCount.get()?.n ?? 0;
  }

  /**
   * Deletes rows sent before `sentBefore` and rows failed before `failedBefore` (default: the
   * same cutoff); payloads make old rows the bulk of the file. Pending rows are never touched.
   */
  prune(sentBefore: Instant, failedBefore: Instant = sentBefore): number {
    return this.stmt.prune.run(toMs(sentBefore), toMs(failedBefore)).changes;
  }
}

function toOutboxRow(row: OutboxDbRow): OutboxRow {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    ulid: row.ulid,
    kind: row.kind,
    payload: row.payload,
    nonce: row.nonce,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}
