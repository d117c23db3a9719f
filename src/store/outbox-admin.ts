/**
 * Admins' changes applied to the outbox: a new channel takes the announcements still waiting for
 * the old one (in order), and failed announcements can be sent again once the cause is fixed.
 */
import { NOT_ROUTED_SQL, ROUTED_CHANNEL_SQL } from './routes.js';
import type { Database } from './shared.js';
import { type Instant, toMs } from './shared.js';

export class OutboxAdminStatements {
  private readonly stmt;

  constructor(db: Database) {
    // Moved rows start afresh in their new channel: due now, no tries counted against them.
    const moved = `channel_id = @channel, next_attempt_at = min(next_attempt_at, @now), attempts = 0,
      last_error = NULL, claimed_at = NULL`;
    this.stmt = {
      rerouteUser: db.prepare<{ guild: string; ulid: string; channel: string; now: number }>(
        `UPDATE outbox SET ${moved}
         WHERE guild_id = @guild AND ulid = @ulid AND status = 'pending' AND channel_id <> @channel
           AND ${NOT_ROUTED_SQL}`,
      ),
      rerouteDefault: db.prepare<{ guild: string; channel: string; now: number }>(
        `UPDATE outbox SET ${moved}
         WHERE guild_id = @guild AND status = 'pending' AND channel_id <> @channel
           AND ulid IN (SELECT ulid FROM tracked_users WHERE guild_id = @guild AND channel_id IS NULL)
           AND ${NOT_ROUTED_SQL}`,
      ),
      // To the kind's route, else the user's channel as it is now; users no longer tracked (or
      // with nowhere to post) stay failed.
      retryFailed: db.prepare<{ guild: string; since: number; now: number }>(
        `UPDATE outbox SET status = 'pending', next_attempt_at = @now, attempts = 0, failed_at = NULL,
           error_code = NULL, last_error = NULL, claimed_at = NULL,
           channel_id = (SELECT coalesce(${ROUTED_CHANNEL_SQL}, t.channel_id, g.default_channel_id) FROM tracked_users t
                         LEFT JOIN guild_settings g ON g.guild_id = t.guild_id
                         WHERE t.guild_id = outbox.guild_id AND t.ulid = outbox.ulid)
         WHERE guild_id = @guild AND status = 'failed' AND failed_at >= @since
           AND (SELECT coalesce(${ROUTED_CHANNEL_SQL}, t.channel_id, g.default_channel_id) FROM tracked_users t
                LEFT JOIN guild_settings g ON g.guild_id = t.guild_id
                WHERE t.guild_id = outbox.guild_id AND t.ulid = outbox.ulid) IS NOT NULL`,
      ),
    };
  }

  /** The user's waiting announcements in this guild go to `channelId`. Returns how many moved. */
  rerouteUser(guildId: string, ulid: string, channelId: string, now: Instant): number {
    return this.stmt.rerouteUser.run({ guild: guildId, ulid, channel: channelId, now: toMs(now) }).changes;
  }

  /** Waiting announcements of the guild's users without their own channel go to `channelId`. */
  rerouteDefault(guildId: string, channelId: string, now: Instant): number {
    return this.stmt.rerouteDefault.run({ guild: guildId, channel: channelId, now: toMs(now) }).changes;
  }

  /** Failed announcements since `since` are queued again, to their user's current channel. */
  retryFailed(guildId: string, since: Instant, now: Instant): number {
    return this.stmt.retryFailed.run({ guild: guildId, since: toMs(since), now: toMs(now) }).changes;
  }
}
