/**
 * tracked_users (a guild's subscription to an RA user) and ra_users (one row per RA user that
 * at least one guild tracks: canonical name, avatar, poll bookkeeping).
 */
import type { Subscription } from '../domain/announcements.js';
import { DEFAULT_TOGGLES } from './guilds.js';
import type { Database } from './shared.js';
import { clipError, type Instant, TrackedVersion, toMs } from './shared.js';

export interface TrackedUser {
  guildId: string;
  ulid: string;
  displayName: string;
  /** This user's channel override; null means the guild's default channel. */
  channelId: string | null;
  /** Discord id of the member who added the user. */
  addedBy: string;
  /** Epoch ms; nothing earned before this is announced in this guild. */
  trackedSince: number;
}

export interface TrackUserInput {
  guildId: string;
  ulid: string;
  displayName: string;
  userPic: string;
  /** A channel id sets the override, null clears it, undefined keeps the current one. */
  channelId?: string | null;
  addedBy: string;
  now: Instant;
  /** RA's point totals from the profile read that found the user: the all-time board counts them at once. */
  points?: { hardcorePoints: number; softcorePoints: number; retroPoints: number };
}

export interface TrackUserResult {
  created: boolean;
  tracked: TrackedUser;
}

/** One RA user to poll, however many guilds track them. */
export interface PollTarget {
  ulid: string;
  displayName: string;
  userPic: string;
  /** Epoch ms of the last successful poll; null before the first. */
  lastSuccessAt: number | null;
  /** The earliest `trackedSince` among the subscriptions (epoch ms). */
  trackedSince: number;
  /** Epoch ms when the display name was last read from RA; null if never. */
  profileCheckedAt: number | null;
  subscriptions: Subscription[];
}

export interface PollState {
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  consecutiveFailures: number;
  lastError: string | null;
}

interface TrackedRow {
  guild_id: string;
  ulid: string;
  display_name: string;
  channel_id: string | null;
  added_by: string;
  tracked_since: number;
}

interface PollTargetRow {
  ulid: string;
  display_name: string;
  user_pic: string;
  last_success_at: number | null;
  profile_checked_at: number | null;
  guild_id: string;
  channel_id: string | null;
  default_channel_id: string | null;
  tracked_since: number;
  announce_unlocks: number | null;
  announce_awards: number | null;
  announce_softcore: number | null;
}

type SubscriptionRow = Pick<
  PollTargetRow,
  | 'guild_id'
  | 'channel_id'
  | 'default_channel_id'
  | 'tracked_since'
  | 'announce_unlocks'
  | 'announce_awards'
  | 'announce_softcore'
>;

interface PollStateRow {
  last_success_at: number | null;
  last_attempt_at: number | null;
  consecutive_failures: number;
  last_error: string | null;
}

export class UsersTables {
  private readonly stmt;
  private readonly trackInTransaction;
  private readonly untrackInTransaction;
  private readonly renameInTransaction;
  private readonly successesInTransaction;

  /** `tracked` hears of every subscription added or removed. */
  constructor(
    db: Database,
    private readonly tracked = new TrackedVersion(),
  ) {
    this.stmt = {
      upsertRaUser: db.prepare<[string, string, string, number]>(
        `INSERT INTO ra_users (ulid, display_name, user_pic, profile_checked_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (ulid) DO UPDATE SET display_name = excluded.display_name, user_pic = excluded.user_pic,
           profile_checked_at = excluded.profile_checked_at`,
      ),
      renameRaUser: db.prepare<[string, string | null, number | null, string]>(
        `UPDATE ra_users SET display_name = ?, user_pic = coalesce(?, user_pic),
           profile_checked_at = coalesce(?, profile_checked_at) WHERE ulid = ?`,
      ),
      renameTracked: db.prepare<[string, string]>('UPDATE tracked_users SET display_name = ? WHERE ulid = ?'),
      selectTracked: db.prepare<[string, string], TrackedRow>(
        'SELECT * FROM tracked_users WHERE guild_id = ? AND ulid = ?',
      ),
      insertTracked: db.prepare<[TrackedRow]>(
        `INSERT INTO tracked_users (guild_id, ulid, display_name, channel_id, added_by, tracked_since)
         VALUES (@guild_id, @ulid, @display_name, @channel_id, @added_by, @tracked_since)`,
      ),
      setTrackedChannel: db.prepare<[string | null, string, string]>(
        'UPDATE tracked_users SET channel_id = ? WHERE guild_id = ? AND ulid = ?',
      ),
      deleteTracked: db.prepare<[string, string]>(
        'DELETE FROM tracked_users WHERE guild_id = ? AND ulid = ?',
      ),
      anyTracker: db.prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM tracked_users WHERE ulid = ? LIMIT 1',
      ),
      deleteRaUser: db.prepare<[string]>('DELETE FROM ra_users WHERE ulid = ?'),
      deletePendingOutbox: db.prepare<[string, string]>(
        "DELETE FROM outbox WHERE guild_id = ? AND ulid = ? AND status = 'pending'",
      ),
      listTracked: db.prepare<[string], TrackedRow>(
        'SELECT * FROM tracked_users WHERE guild_id = ? ORDER BY display_name COLLATE NOCASE, ulid',
      ),
      countTracked: db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM tracked_users WHERE guild_id = ?',
      ),
      findTracked: db.prepare<[{ guildId: string; key: string }], TrackedRow>(
        `SELECT * FROM tracked_users WHERE guild_id = @guildId
           AND (ulid = @key COLLATE NOCASE OR display_name = @key COLLATE NOCASE)
         ORDER BY (ulid = @key COLLATE NOCASE) DESC LIMIT 1`,
      ),
      // Poll targets (see pollTargets): the users longest-unpolled first, so a cycle cut short
      // still serves the starved users, and every subscription in guild order. Two scans joined
      // in JS: the join in SQL searched three indexes per subscription (tens of ms at 5,000 users).
      pollTargetUsers: db
        .prepare<[], [string, string, string, number | null, number | null]>(
          `SELECT ulid, display_name, user_pic, last_success_at, profile_checked_at FROM ra_users
           ORDER BY last_success_at IS NOT NULL, last_success_at, ulid`,
        )
        .raw(true),
      pollTargetSubscriptions: db
        .prepare<[], [string, string, string | null, number]>(
          'SELECT ulid, guild_id, channel_id, tracked_since FROM tracked_users ORDER BY guild_id, ulid',
        )
        .raw(true),
      pollTargetGuilds: db
        .prepare<[], [string, string | null, number | null, number | null, number | null]>(
          'SELECT guild_id, default_channel_id, announce_unlocks, announce_awards, announce_softcore FROM guild_settings',
        )
        .raw(true),
      pollSuccess: db.prepare<[{ at: number; ulid: string }]>(
        `UPDATE ra_users SET last_success_at = @at, last_attempt_at = @at, consecutive_failures = 0, last_error = NULL
         WHERE ulid = @ulid`,
      ),
      pollFailure: db.prepare<[number, string, string]>(
        `UPDATE ra_users SET last_attempt_at = ?, consecutive_failures = consecutive_failures + 1, last_error = ?
         WHERE ulid = ?`,
      ),
      pollState: db.prepare<[string], PollStateRow>(
        'SELECT last_success_at, last_attempt_at, consecutive_failures, last_error FROM ra_users WHERE ulid = ?',
      ),
      isTracked: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM tracked_users WHERE guild_id = ? AND ulid = ?',
      ),
      subscriptionsOf: db.prepare<[string], SubscriptionRow>(
        `SELECT t.guild_id, t.channel_id, g.default_channel_id, t.tracked_since, g.announce_unlocks,
                g.announce_awards, g.announce_softcore
         FROM tracked_users t
         LEFT JOIN guild_settings g ON g.guild_id = t.guild_id
         WHERE t.ulid = ?
         ORDER BY t.guild_id`,
      ),
    };
    this.trackInTransaction = db.transaction((input: TrackUserInput) => this.trackNow(input));
    this.untrackInTransaction = db.transaction((guildId: string, ulid: string) =>
      this.untrackNow(guildId, ulid),
    );
    this.successesInTransaction = db.transaction((entries: readonly { ulid: string; at: Instant }[]) => {
      for (const { ulid, at } of entries) this.stmt.pollSuccess.run({ at: toMs(at), ulid });
    });
    this.renameInTransaction = db.transaction(
      (ulid: string, displayName: string, userPic: string | null, checkedAt: number | null) => {
        this.stmt.renameRaUser.run(displayName, userPic, checkedAt, ulid);
        this.stmt.renameTracked.run(displayName, ulid);
      },
    );
  }

  /** Idempotent: re-tracking keeps the original `trackedSince`, so nothing old gets announced. */
  track(input: TrackUserInput): TrackUserResult {
    return this.trackInTransaction(input);
  }

  /** When no guild tracks the user any more, their stored progress goes too (re-tracking starts clean). */
  untrack(guildId: string, ulid: string): boolean {
    return this.untrackInTransaction(guildId, ulid);
  }

  list(guildId: string): TrackedUser[] {
    return this.stmt.listTracked.all(guildId).map(toTrackedUser);
  }

  count(guildId: string): number {
    return this.stmt.countTracked.get(guildId)?.n ?? 0;
  }

  /** By ULID or display name, both case-insensitively; a ULID match wins over a name match. */
  find(guildId: string, nameOrUlid: string): TrackedUser | null {
    const key = nameOrUlid.trim();
    const row = this.stmt.findTracked.get({ guildId, key });
    return row ? toTrackedUser(row) : null;
  }

  isTracked(guildId: string, ulid: string): boolean {
    return this.stmt.isTracked.get(guildId, ulid) !== undefined;
  }

  rename(ulid: string, displayName: string, userPic?: string, checkedAt?: Instant): void {
    this.renameInTransaction(
      ulid,
      displayName,
      userPic ?? null,
      checkedAt === undefined ? null : toMs(checkedAt),
    );
  }

  pollTargets(): PollTarget[] {
    // Each user's subscriptions in guild order (the scan's order), then the users in poll order.
    const subscriptions = new Map<string, { trackedSince: number; list: Subscription[] }>();
    const guilds = new Map(this.stmt.pollTargetGuilds.all().map((row) => [row[0], row]));
    for (const [ulid, guild_id, channel_id, tracked_since] of this.stmt.pollTargetSubscriptions.all()) {
      const guild = guilds.get(guild_id);
      const subscription = toSubscription({
        guild_id,
        channel_id,
        default_channel_id: guild?.[1] ?? null,
        tracked_since,
        announce_unlocks: guild?.[2] ?? null,
        announce_awards: guild?.[3] ?? null,
        announce_softcore: guild?.[4] ?? null,
      });
      const found = subscriptions.get(ulid);
      if (found === undefined) subscriptions.set(ulid, { trackedSince: tracked_since, list: [subscription] });
      else {
        found.trackedSince = Math.min(found.trackedSince, tracked_since);
        found.list.push(subscription);
      }
    }
    const targets: PollTarget[] = [];
    for (const [
      ulid,
      displayName,
      userPic,
      lastSuccessAt,
      profileCheckedAt,
    ] of this.stmt.pollTargetUsers.all()) {
      const tracked = subscriptions.get(ulid);
      if (tracked === undefined) continue;
      targets.push({
        ulid,
        displayName,
        userPic,
        lastSuccessAt,
        trackedSince: tracked.trackedSince,
        profileCheckedAt,
        subscriptions: tracked.list,
      });
    }
    return targets;
  }

  /** Every guild's current subscription to one RA user (empty when nobody tracks them). */
  subscriptionsOf(ulid: string): Subscription[] {
    return this.stmt.subscriptionsOf.all(ulid).map(toSubscription);
  }

  recordPollSuccess(ulid: string, at: Instant): void {
    this.stmt.pollSuccess.run({ at: toMs(at), ulid });
  }

  /** Several successes in one transaction (one WAL commit instead of one per user). */
  recordPollSuccesses(entries: readonly { ulid: string; at: Instant }[]): void {
    this.successesInTransaction(entries);
  }

  recordPollFailure(ulid: string, at: Instant, message: string): void {
    this.stmt.pollFailure.run(toMs(at), clipError(message), ulid);
  }

  pollState(ulid: string): PollState | null {
    const row = this.stmt.pollState.get(ulid);
    if (row === undefined) return null;
    return {
      lastSuccessAt: row.last_success_at,
      lastAttemptAt: row.last_attempt_at,
      consecutiveFailures: row.consecutive_failures,
      lastError: row.last_error,
    };
  }

  private trackNow(input: TrackUserInput): TrackUserResult {
    const { guildId, ulid, displayName } = input;
    // The name from this fresh RA lookup is the newest: every guild's row gets it.
    this.stmt.upsertRaUser.run(ulid, displayName, input.userPic, toMs(input.now));
    this.stmt.renameTracked.run(displayName, ulid);
    const existing = this.stmt.selectTracked.get(guildId, ulid);
    if (existing === undefined) {
      const row: TrackedRow = {
        guild_id: guildId,
        ulid,
        display_name: displayName,
        channel_id: input.channelId ?? null,
        added_by: input.addedBy,
        tracked_since: toMs(input.now),
      };
      this.stmt.insertTracked.run(row);
      this.tracked.bump();
      return { created: true, tracked: toTrackedUser(row) };
    }
    if (input.channelId !== undefined) this.stmt.setTrackedChannel.run(input.channelId, guildId, ulid);
    return { created: false, tracked: toTrackedUser(this.stmt.selectTracked.get(guildId, ulid)!) };
  }

  private untrackNow(guildId: string, ulid: string): boolean {
    if (this.stmt.deleteTracked.run(guildId, ulid).changes === 0) return false;
    this.tracked.bump();
    // The guild asked to stop: announcements still queued for it would surprise it.
    this.stmt.deletePendingOutbox.run(guildId, ulid);
    // earned and game_state cascade from ra_users.
    if (this.stmt.anyTracker.get(ulid) === undefined) this.stmt.deleteRaUser.run(ulid);
    return true;
  }
}

function toTrackedUser(row: TrackedRow): TrackedUser {
  return {
    guildId: row.guild_id,
    ulid: row.ulid,
    displayName: row.display_name,
    channelId: row.channel_id,
    addedBy: row.added_by,
    trackedSince: row.tracked_since,
  };
}

function toSubscription(row: SubscriptionRow): Subscription {
  const flag = (value: number | null, fallback: boolean) => (value === null ? fallback : value === 1);
  return {
    guildId: row.guild_id,
    channelId: row.channel_id ?? row.default_channel_id,
    trackedSince: row.tracked_since,
    toggles: {
      announceUnlocks: flag(row.announce_unlocks, DEFAULT_TOGGLES.announceUnlocks),
      announceAwards: flag(row.announce_awards, DEFAULT_TOGGLES.announceAwards),
      announceSoftcore: flag(row.announce_softcore, DEFAULT_TOGGLES.announceSoftcore),
    },
  };
}
