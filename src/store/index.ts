/**
 * The bot's only SQL owner. `Store` wraps one open database: every statement is prepared once,
 * at construction, by the table modules; multi-table changes run in one transaction here.
 * Guild-facing methods all take the guild id, so one guild never sees another's data.
 */
import type { Detection, StoredGameState } from '../tracking/detect.js';
import type { OutboxInput, Subscription } from '../tracking/events.js';
import type { Database } from './db.js';
import { type GuildSettings, type GuildSettingsPatch, GuildSettingsTable } from './guilds.js';
import { MetaTable } from './meta.js';
import {
  type ChannelFailure,
  type GuildOutboxStatus,
  type OutboxRow,
  OutboxTable,
  randomNonce,
} from './outbox.js';
import { ProgressTables } from './progress.js';
import { type Instant, toMs } from './shared.js';
import {
  type PollState,
  type PollTarget,
  type TrackedUser,
  type TrackUserInput,
  type TrackUserResult,
  UsersTables,
} from './users.js';

export { type Database, DatabaseTooNewError, LATEST_SCHEMA_VERSION, openDatabase } from './db.js';
export { DEFAULT_TOGGLES, type GuildSettings, type GuildSettingsPatch } from './guilds.js';
export {
  type ChannelFailure,
  DEFAULT_CLAIM_LEASE_MS,
  DEFAULT_DELAYED_AFTER_MS,
  type GuildOutboxStatus,
  type OutboxDelay,
  type OutboxFailure,
  type OutboxRow,
  type OutboxStatus,
} from './outbox.js';
export type { Instant } from './shared.js';
export type { PollState, PollTarget, TrackedUser, TrackUserInput, TrackUserResult } from './users.js';

/** Polls a game is re-diffed for after its unlocks suggest an award RA hasn't granted yet. */
export const DEFAULT_RECHECK_POLLS = 3;

export interface StoreOptions {
  recheckPolls?: number;
  /** Outbox nonce source; tests inject one to force collisions. */
  nonce?: () => string;
}

export interface ApplyGameDetectionInput {
  ulid: string;
  gameId: number;
  detection: Detection;
  rows: readonly OutboxInput[];
  now: Instant;
}

export interface ApplyGameDetectionResult {
  /** False when no guild tracks the user any more (untracked mid-poll): nothing was written. */
  applied: boolean;
  /** Ids of the outbox rows written (rows for guilds that stopped tracking are dropped). */
  outboxIds: number[];
  earnedUpserted: number;
  earnedDeleted: number;
}

export class Store {
  private readonly guilds: GuildSettingsTable;
  private readonly users: UsersTables;
  private readonly progress: ProgressTables;
  private readonly outbox: OutboxTable;
  private readonly meta: MetaTable;
  private readonly recheckPolls: number;
  private readonly applyInTransaction;

  constructor(
    readonly db: Database,
    options: StoreOptions = {},
  ) {
    this.guilds = new GuildSettingsTable(db);
    this.users = new UsersTables(db);
    this.progress = new ProgressTables(db);
    this.outbox = new OutboxTable(db, options.nonce ?? randomNonce);
    this.meta = new MetaTable(db);
    this.recheckPolls = options.recheckPolls ?? DEFAULT_RECHECK_POLLS;
    this.applyInTransaction = db.transaction((input: ApplyGameDetectionInput) => this.applyNow(input));
  }

  // --- guild settings -----------------------------------------------------------------------

  getGuildSettings(guildId: string): GuildSettings {
    return this.guilds.get(guildId);
  }

  updateGuildSettings(guildId: string, patch: GuildSettingsPatch, now: Instant): GuildSettings {
    return this.guilds.update(guildId, patch, now);
  }

  // --- tracked users ------------------------------------------------------------------------

  trackUser(input: TrackUserInput): TrackUserResult {
    return this.users.track(input);
  }

  untrackUser(guildId: string, ulid: string): boolean {
    return this.users.untrack(guildId, ulid);
  }

  listTrackedUsers(guildId: string): TrackedUser[] {
    return this.users.list(guildId);
  }

  countTrackedUsers(guildId: string): number {
    return this.users.count(guildId);
  }

  findTrackedUser(guildId: string, nameOrUlid: string): TrackedUser | null {
    return this.users.find(guildId, nameOrUlid);
  }

  /**
   * RA display names change; the ULID doesn't. `userPic` undefined keeps the stored one.
   * `checkedAt` records when the name was read from RA (the poller refreshes stale ones).
   */
  renameUser(ulid: string, displayName: string, userPic?: string, checkedAt?: Instant): void {
    this.users.rename(ulid, displayName, userPic, checkedAt);
  }

  // --- polling ------------------------------------------------------------------------------

  /** One entry per tracked RA user, longest-unpolled first, with every guild's subscription. */
  listPollTargets(): PollTarget[] {
    return this.users.pollTargets();
  }

  recordPollSuccess(ulid: string, at: Instant): void {
    this.users.recordPollSuccess(ulid, at);
  }

  recordPollSuccesses(entries: readonly { ulid: string; at: Instant }[]): void {
    this.users.recordPollSuccesses(entries);
  }

  recordPollFailure(ulid: string, at: Instant, message: string): void {
    this.users.recordPollFailure(ulid, at, message);
  }

  getPollState(ulid: string): PollState | null {
    return this.users.pollState(ulid);
  }

  // --- detection state ----------------------------------------------------------------------

  /** Null when this game was never stored for this user (or the user isn't tracked). */
  getGameState(ulid: string, gameId: number): StoredGameState | null {
    const userId = this.progress.userId(ulid);
    return userId === null ? null : this.progress.read(userId, gameId);
  }

  /** Games whose award looked pending at the last diff; the poller re-diffs them without activity. */
  gamesNeedingRecheck(ulid: string): number[] {
    return this.progress.gamesNeedingRecheck(ulid);
  }

  /**
   * Every guild's subscription to the user as it is NOW (the poller reads it right before it
   * plans and writes a diff, so a guild that started or stopped tracking mid-cycle is honoured).
   */
  subscriptionsOf(ulid: string): Subscription[] {
    return this.users.subscriptionsOf(ulid);
  }

  /**
   * Marks a game to be re-diffed on the user's next poll(s), e.g. because RA's award feed lists
   * a new award there. No-op for a user nobody tracks.
   */
  requestGameRecheck(ulid: string, gameId: number, now: Instant, polls = 1): void {
    const userId = this.progress.userId(ulid);
    if (userId !== null) this.progress.requestRecheck(userId, gameId, polls, toMs(now));
  }

  /** Spends one recheck poll of a game that could not be read (so a broken game isn't retried forever). */
  spendGameRecheck(ulid: string, gameId: number): void {
    const userId = this.progress.userId(ulid);
    if (userId !== null) this.progress.spendRecheck(userId, gameId);
  }

  /**
   * Commits one diff atomically: the earned-set delta, the game state and the outbox rows.
   * If any part fails, nothing is written, so the next poll sees the same changes again.
   */
  applyGameDetection(input: ApplyGameDetectionInput): ApplyGameDetectionResult {
    return this.applyInTransaction(input);
  }

  private applyNow(input: ApplyGameDetectionInput): ApplyGameDetectionResult {
    const { ulid, gameId, detection } = input;
    const now = toMs(input.now);
    const userId = this.progress.userId(ulid);
    if (userId === null) return { applied: false, outboxIds: [], earnedUpserted: 0, earnedDeleted: 0 };

    const recheckRemaining = this.nextRecheck(userId, gameId, detection);
    const stats = this.progress.writeGame(userId, gameId, detection.nextState.earned, {
      highestAward: detection.nextState.highestAward,
      recheckRemaining,
      now,
    });
    const outboxIds: number[] = [];
    for (const row of input.rows) {
      // A guild that untracked the user while RA was being asked must not get the post.
      if (this.users.isTracked(row.guildId, ulid)) outboxIds.push(this.outbox.insert(ulid, row, now));
    }
    return { applied: true, outboxIds, earnedUpserted: stats.upserted, earnedDeleted: stats.deleted };
  }

  /**
   * New unlocks that look award-worthy restart the countdown; a recheck that still finds no
   * award spends one poll of it; once RA reports the award (or nothing is pending) it stops.
   */
  private nextRecheck(userId: number, gameId: number, detection: Detection): number {
    if (!detection.awardLikelyPending) return 0;
    if (detection.unlocks.length > 0) return this.recheckPolls;
    const remaining = this.progress.recheckRemaining(userId, gameId) ?? 0;
    return Math.max(0, remaining - 1);
  }

  // --- outbox -------------------------------------------------------------------------------

  claimDueOutbox(now: Instant, limit: number, leaseMs?: number): OutboxRow[] {
    return this.outbox.claimDue(now, limit, leaseMs);
  }

  markSent(id: number, messageId: string, now: Instant): boolean {
    return this.outbox.markSent(id, messageId, now);
  }

  markRetry(id: number, nextAttemptAt: Instant, error: string, countAttempt = true): boolean {
    return this.outbox.markRetry(id, nextAttemptAt, error, countAttempt);
  }

  markFailed(id: number, errorCode: number | null, reason: string, now: Instant): boolean {
    return this.outbox.markFailed(id, errorCode, reason, now);
  }

  /**
   * The channel is gone or the bot may not post there: fails row `triedId` and every other
   * pending row of the channel queued by `queuedBy`, with one code and reason. Returns the count.
   */
  failOutboxChannel(
    channelId: string,
    triedId: number,
    errorCode: number | null,
    reason: string,
    now: Instant,
    queuedBy: Instant,
  ): number {
    return this.outbox.failChannel(channelId, triedId, errorCode, reason, now, queuedBy);
  }

  /** Per channel, its newest failure with one of `codes` after `since` (channel cool-downs). */
  outboxChannelFailuresSince(codes: readonly number[], since: Instant): Map<string, ChannelFailure> {
    return this.outbox.channelFailuresSince(codes, since);
  }

  /** Counts, grouped failures, and channels whose rows have waited longer than `delayedAfterMs`. */
  outboxStatus(guildId: string, now?: Instant, delayedAfterMs?: number): GuildOutboxStatus {
    return this.outbox.status(guildId, now, delayedAfterMs);
  }

  pendingCount(): number {
    return this.outbox.pendingCount();
  }

  /**
   * Deletes rows sent before `sentBefore` and rows failed for good before `failedBefore`
   * (default: the same cutoff). Pending rows are never deleted.
   */
  pruneOutbox(sentBefore: Instant, failedBefore?: Instant): number {
    return this.outbox.prune(sentBefore, failedBefore);
  }

  /** At start-up: rows claimed by a dispatcher that died are due again at once. */
  releaseOutboxClaims(): number {
    return this.outbox.releaseClaims();
  }

  // --- installation facts and lifecycle -----------------------------------------------------

  getMeta(key: string): string | null {
    return this.meta.get(key);
  }

  /** `null` deletes the key. */
  setMeta(key: string, value: string | null): void {
    this.meta.set(key, value);
  }

  /** Closes the database; the Store is unusable afterwards. Safe to call twice. */
  close(): void {
    if (!this.db.open) return;
    // Keeps query plans good over time at almost no cost (SQLite's advice for long-lived connections).
    this.db.pragma('optimize');
    this.db.close();
  }
}
