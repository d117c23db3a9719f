/**
 * The bot's only SQL owner. `Store` wraps one open database: every statement is prepared once,
 * at construction, by the table modules; multi-table changes run in one transaction here.
 * Guild-facing methods all take the guild id, so one guild never sees another's data.
 */

import type { OutboxInput, Subscription } from '../domain/announcements.js';
import type { Detection, StoredGameState } from '../domain/detection.js';
import { type RouteKind, resolveChannel } from '../domain/routing.js';
import type { GameProgress } from '../ra/types.js';
import { ArcadeTables } from './arcade.js';
import { CatalogueTables } from './catalogue.js';
import { ChallengeVoteTables } from './challenge-votes.js';
import { ChallengeTables } from './challenges.js';
import { CommunityTables } from './community.js';
import { FollowersTable } from './followers.js';
import { type GameFailure, type GameFailureRun, GameFailuresTable } from './game-failures.js';
import { GamePlayersQuery } from './game-players.js';
import { type GuildSettings, type GuildSettingsPatch, GuildSettingsTable } from './guilds.js';
import { LatencyQueries } from './latency.js';
import { LeaderboardTables, UNLOCK_LOG_KEEP_MS } from './leaderboard.js';
import { type AccountLink, LinksTables, type MemberSettings, type MemberSettingsPatch } from './links.js';
import { MetaTable } from './meta.js';
import { type ChannelFailure, type GuildOutboxStatus, type OutboxRow, OutboxTable } from './outbox.js';
import { OutboxAdminStatements } from './outbox-admin.js';
import { ProgressTables } from './progress.js';
import { RoutesTables } from './routes.js';
import type { Database } from './shared.js';
import { type Instant, randomNonce, TrackedVersion, toMs } from './shared.js';
import {
  type PollState,
  type PollTarget,
  type TrackedUser,
  type TrackUserInput,
  type TrackUserResult,
  UsersTables,
} from './users.js';

export type { CatalogueTables } from './catalogue.js';
export { openDatabase } from './db.js';
export type { GameFailure, GameFailureRun } from './game-failures.js';
export type { GuildSettings, GuildSettingsPatch } from './guilds.js';
export type { AccountLink, MemberSettings, MemberSettingsPatch } from './links.js';
export type { ChannelFailure, GuildOutboxStatus, OutboxRow } from './outbox.js';
export type { RoutesTables } from './routes.js';
export type { Database, Instant } from './shared.js';
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
  /** RA's answer the detection came from: its catalogue and award dates feed leaderboards/digests. */
  game?: GameProgress;
}

/** Every game diffed in one poll of a user, with all their outbox rows in the order to post them. */
export interface ApplyUserDetectionsInput {
  ulid: string;
  /**
   * `game`: RA's answer the detection came from; its catalogue and award dates feed leaderboards/digests.
   * `milestones`: progress milestones passed in this poll, recorded with the rows (routing/milestones.ts).
   */
  games: readonly {
    gameId: number;
    detection: Detection;
    game?: GameProgress;
    milestones?: readonly { hardcore: boolean; percent: number; at: number }[];
  }[];
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
  private readonly links: LinksTables;
  private readonly gameFailures: GameFailuresTable;
  private readonly outboxAdmin: OutboxAdminStatements;
  private readonly recheckPolls: number;
  private readonly applyInTransaction;
  /** Followers of the API key's owner (store/followers.ts). */
  readonly followers: FollowersTable;
  /** Users the API key's owner follows (same table shape). */
  readonly following: FollowersTable;
  /** Unlock-to-post times (store/latency.ts). */
  readonly latency: LatencyQueries;
  /** The game catalogue (issue 13): refreshed in the background, searched by every game option. */
  readonly catalogue: CatalogueTables;
  private readonly gamePlayers: GamePlayersQuery;
  private readonly applyUserInTransaction;
  private readonly removeGuildInTransaction;
  /** Leaderboard facts (catalogue, dated awards, RA totals): see leaderboard.ts. */
  readonly leaderboard: LeaderboardTables;
  /** Digest/AotW settings and their outbox posts: see community.ts. */
  readonly community: CommunityTables;
  /** Per-kind channels, unlock filters and progress milestones (issue 20): see routes.ts. */
  readonly routes: RoutesTables;
  /** Server challenges, their results and posts: see challenges.ts. */
  readonly challenges: ChallengeTables;
  /** Nominations and votes for the next challenge: see challenge-votes.ts. */
  readonly challengeVotes: ChallengeVoteTables;
  /** Followed RA leaderboards, entries and server records: see arcade.ts. */
  readonly arcade: ArcadeTables;

  constructor(
    readonly db: Database,
    options: StoreOptions = {},
  ) {
    this.guilds = new GuildSettingsTable(db);
    const tracked = new TrackedVersion();
    this.users = new UsersTables(db, tracked);
    this.progress = new ProgressTables(db);
    this.outbox = new OutboxTable(db, options.nonce ?? randomNonce);
    this.meta = new MetaTable(db);
    this.links = new LinksTables(db);
    this.followers = new FollowersTable(db, 'ra_followers', tracked);
    this.following = new FollowersTable(db, 'ra_following', tracked);
    this.latency = new LatencyQueries(db);
    this.gameFailures = new GameFailuresTable(db);
    this.outboxAdmin = new OutboxAdminStatements(db);
    this.recheckPolls = options.recheckPolls ?? DEFAULT_RECHECK_POLLS;
    this.catalogue = new CatalogueTables(db);
    this.gamePlayers = new GamePlayersQuery(db);
    this.leaderboard = new LeaderboardTables(db);
    this.community = new CommunityTables(db, options.nonce ?? randomNonce);
    this.routes = new RoutesTables(db);
    this.challenges = new ChallengeTables(db, options.nonce ?? randomNonce);
    this.challengeVotes = new ChallengeVoteTables(db, this.challenges);
    this.arcade = new ArcadeTables(db, options.nonce ?? randomNonce);
    this.applyInTransaction = db.transaction((input: ApplyGameDetectionInput) => this.applyNow(input));
    this.applyUserInTransaction = db.transaction((input: ApplyUserDetectionsInput) =>
      this.applyUserNow(input),
    );
    const deleteGuildRows = db.prepare<[string]>('DELETE FROM outbox WHERE guild_id = ?');
    const deleteGuildSettings = db.prepare<[string]>('DELETE FROM guild_settings WHERE guild_id = ?');
    this.removeGuildInTransaction = db.transaction((guildId: string) => {
      const users = this.users.list(guildId);
      for (const user of users) this.users.untrack(guildId, user.ulid);
      deleteGuildRows.run(guildId);
      deleteGuildSettings.run(guildId);
      this.links.forgetGuild(guildId);
      this.community.forgetGuild(guildId);
      this.routes.forgetGuild(guildId);
      this.challenges.forgetGuild(guildId);
      this.challengeVotes.forgetGuild(guildId);
      this.arcade.forgetGuild(guildId);
      return users.length;
    });
  }

  // --- guild settings -----------------------------------------------------------------------

  getGuildSettings(guildId: string): GuildSettings {
    return this.guilds.get(guildId);
  }

  /** A new default channel also takes the waiting announcements of users without their own. */
  updateGuildSettings(guildId: string, patch: GuildSettingsPatch, now: Instant): GuildSettings {
    const before = patch.defaultChannelId ? this.guilds.get(guildId).defaultChannelId : null;
    const settings = this.guilds.update(guildId, patch, now);
    if (patch.defaultChannelId) {
      this.outboxAdmin.rerouteDefault(guildId, patch.defaultChannelId, now);
      this.challenges.followDefaultChannel(guildId, before, patch.defaultChannelId, now);
      this.arcade.followDefaultChannel(guildId, before, patch.defaultChannelId);
    }
    return settings;
  }

  /** The language chosen for the server's posts (a Discord locale id); null when never chosen. */
  guildLanguage(guildId: string): string | null {
    return this.guilds.language(guildId);
  }

  setGuildLanguage(guildId: string, language: string | null, now: Instant): void {
    this.guilds.setLanguage(guildId, language, now);
  }

  // --- tracked users ------------------------------------------------------------------------

  /** A channel given for the user also takes their announcements still waiting in this guild. */
  trackUser(input: TrackUserInput): TrackUserResult {
    const result = this.users.track(input);
    if (input.points) this.leaderboard.savePoints([{ ulid: input.ulid, ...input.points }]);
    if (input.channelId) this.outboxAdmin.rerouteUser(input.guildId, input.ulid, input.channelId, input.now);
    return result;
  }

  /** Failed announcements since `since` go out again (to the user's current channel). Returns the count. */
  retryFailedOutbox(guildId: string, since: Instant, now: Instant): number {
    return this.outboxAdmin.retryFailed(guildId, since, now);
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
  /** With each guild's routes and unlock filters, so fan-out stays a pure function of them. */
  subscriptionsOf(ulid: string): Subscription[] {
    return this.users.subscriptionsOf(ulid).map((subscription) => {
      const { hardcoreOnly, minPoints, rarerThanPercent, milestones } = this.routes.filters(
        subscription.guildId,
      );
      return {
        ...subscription,
        routes: this.routes.routes(subscription.guildId),
        filters: { hardcoreOnly, minPoints, rarerThanPercent },
        milestones,
      };
    });
  }

  /** Progress milestones (issue 20) this (user, game) passed already, in either mode. */
  milestonesPassed(ulid: string, gameId: number): { hardcore: boolean; percent: number }[] {
    const userId = this.progress.userId(ulid);
    return userId === null ? [] : this.routes.milestonesPassed(userId, gameId);
  }

  /**
   * The channel for one kind of post in a guild (for `ulid`'s posts: their own channel counts),
   * by `resolveChannel`'s precedence; null when the guild set nowhere. The competitions code
   * (challenge, arcade) asks this where to post.
   */
  channelFor(guildId: string, kind: RouteKind, ulid?: string): string | null {
    const user = ulid === undefined ? null : this.users.find(guildId, ulid);
    return resolveChannel(kind, {
      routes: this.routes.routes(guildId),
      userChannelId: user?.channelId ?? null,
      defaultChannelId: this.guilds.get(guildId).defaultChannelId,
    });
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

  /**
   * Commits one poll of a user atomically: every diffed game's state (each read fine, so it is
   * no longer failing) and all their outbox rows, in the order given (the order they were earned).
   */
  applyUserDetections(input: ApplyUserDetectionsInput): ApplyGameDetectionResult {
    return this.applyUserInTransaction(input);
  }

  private applyNow(input: ApplyGameDetectionInput): ApplyGameDetectionResult {
    return this.applyUserNow({
      ulid: input.ulid,
      games: [
        { gameId: input.gameId, detection: input.detection, ...(input.game ? { game: input.game } : {}) },
      ],
      rows: input.rows,
      now: input.now,
    });
  }

  private applyUserNow(input: ApplyUserDetectionsInput): ApplyGameDetectionResult {
    const { ulid } = input;
    const now = toMs(input.now);
    const userId = this.progress.userId(ulid);
    if (userId === null) return { applied: false, outboxIds: [], earnedUpserted: 0, earnedDeleted: 0 };

    let earnedUpserted = 0;
    let earnedDeleted = 0;
    for (const { gameId, detection, game, milestones } of input.games) {
      if (milestones) this.routes.recordMilestones(userId, gameId, milestones);
      const recheckRemaining = this.nextRecheck(userId, gameId, detection);
      const stats = this.progress.writeGame(userId, gameId, detection.nextState.earned, {
        highestAward: detection.nextState.highestAward,
        highestAwardAt: detection.nextState.highestAwardAt ?? null,
        recheckRemaining,
        now,
      });
      this.gameFailures.clear(userId, gameId);
      if (game) {
        const changed = detection.unlocks.map((u) => u.achievement.id);
        this.leaderboard.recordGame(
          userId,
          game,
          detection.nextState.earned,
          changed,
          now - UNLOCK_LOG_KEEP_MS,
        );
      }
      earnedUpserted += stats.upserted;
      earnedDeleted += stats.deleted;
    }
    const outboxIds: number[] = [];
    for (const row of input.rows) {
      // A guild that untracked the user while RA was being asked must not get the post.
      if (this.users.isTracked(row.guildId, ulid)) outboxIds.push(this.outbox.insert(ulid, row, now));
    }
    return { applied: true, outboxIds, earnedUpserted, earnedDeleted };
  }

  // --- games RA keeps failing on --------------------------------------------------------------

  /** Records a failed read of one game; null for a user nobody tracks. */
  recordGameFailure(
    ulid: string,
    gameId: number,
    now: Instant,
    nextAttemptAt: Instant,
    error: string,
  ): GameFailureRun | null {
    const userId = this.progress.userId(ulid);
    return userId === null ? null : this.gameFailures.record(userId, gameId, now, nextAttemptAt, error);
  }

  /** Failures so far of this (user, game) in its current run; 0 when it isn't failing. */
  gameFailureCount(ulid: string, gameId: number): number {
    const userId = this.progress.userId(ulid);
    return userId === null ? 0 : this.gameFailures.failures(userId, gameId);
  }

  /** Moves the next try of a failing game to `nextAttemptAt`. */
  retryGameAt(ulid: string, gameId: number, nextAttemptAt: Instant): void {
    const userId = this.progress.userId(ulid);
    if (userId !== null) this.gameFailures.retryAt(userId, gameId, nextAttemptAt);
  }

  markGameFailureWarned(ulid: string, gameId: number): void {
    const userId = this.progress.userId(ulid);
    if (userId !== null) this.gameFailures.markWarned(userId, gameId);
  }

  /** The user's failing games, each with when it may be tried again (epoch ms). */
  failingGames(ulid: string): Map<number, number> {
    const userId = this.progress.userId(ulid);
    return userId === null ? new Map() : this.gameFailures.ofUser(userId);
  }

  /** Games of this guild's tracked users that RA has been failing on since `since` or before. */
  gameFailuresOf(guildId: string, since: Instant): GameFailure[] {
    return this.gameFailures.ofGuild(guildId, since);
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

  claimDueOutbox(now: Instant, limit: number, leaseMs?: number, perChannel?: number): OutboxRow[] {
    return this.outbox.claimDue(now, limit, leaseMs, perChannel);
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

  // --- linked accounts (global to the bot) and their per-server switches --------------------

  linkOf(discordUserId: string): AccountLink | null {
    return this.links.ofMember(discordUserId);
  }

  linkOfAccount(ulid: string): AccountLink | null {
    return this.links.ofAccount(ulid);
  }

  /** 'taken' (nothing written) when another member holds that RA account. */
  linkAccount(
    input: Omit<AccountLink, 'linkedAt'> & { now: Instant; guildId: string | null },
  ): 'linked' | 'taken' {
    return this.links.link(input);
  }

  unlinkAccount(discordUserId: string): AccountLink | null {
    return this.links.unlink(discordUserId);
  }

  /** A linked member ran a command in this server: announcements there may name them. */
  noteLinkedMemberIn(discordUserId: string, guildId: string): void {
    this.links.seenIn(discordUserId, guildId);
  }

  /** The member linked to this RA account, if they were seen in this server; else null. */
  linkedMemberIn(guildId: string, ulid: string): string | null {
    return this.links.memberIn(guildId, ulid);
  }

  /** The Discord member to name beside this RA user in this server's announcements, if any. */
  announcedMember(guildId: string, ulid: string): string | null {
    if (!this.links.settings(guildId).nameMembers) return null;
    return this.links.memberIn(guildId, ulid);
  }

  getMemberSettings(guildId: string): MemberSettings {
    return this.links.settings(guildId);
  }

  updateMemberSettings(guildId: string, patch: MemberSettingsPatch, now: Instant): MemberSettings {
    return this.links.updateSettings(guildId, patch, now);
  }

  /** Tracked users of the guild with stored progress in the game (for `/game`). */
  gamePlayersInGuild(guildId: string, gameId: number) {
    return this.gamePlayers.inGuild(guildId, gameId);
  }

  // --- servers the bot left -------------------------------------------------------------------

  /**
   * The bot was removed from a server: its settings, tracked users and announcements go, and a
   * user no other server tracks is no longer polled (their progress goes too). Returns how many
   * users it tracked.
   */
  removeGuild(guildId: string): number {
    return this.removeGuildInTransaction(guildId);
  }

  /** Every server the database holds data for (settings, tracked users, announcements, community or member settings). */
  knownGuildIds(): string[] {
    const rows = this.db
      .prepare<[], { guild_id: string }>(
        // Every table keyed by server: one only a community feature (AotW posts, the digest) or
        // the member settings touched still gets posts queued unless it is forgotten too.
        `SELECT guild_id FROM guild_settings UNION SELECT guild_id FROM tracked_users
         UNION SELECT guild_id FROM outbox UNION SELECT guild_id FROM guild_community
         UNION SELECT guild_id FROM guild_link_settings UNION SELECT guild_id FROM link_guilds`,
      )
      .all();
    return rows.map((r) => r.guild_id);
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
