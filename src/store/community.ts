/**
 * guild_community (per-server digest and Achievement of the Week settings) and the community
 * posts they queue in the outbox. A post is queued in the same transaction that records it as
 * done, so a crash or restart never queues it twice and never loses it.
 */
import type { PeriodAward, PeriodGame, PeriodUnlock } from '../domain/community.js';
import type { Database } from './shared.js';
import { type Instant, randomNonce, toMs } from './shared.js';

export interface DigestSchedule {
  channelId: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 0-23, in `timeZone`. */
  hour: number;
  /** IANA name, e.g. `Europe/Berlin`. */
  timeZone: string;
}

export interface CommunitySettings {
  guildId: string;
  aotwChannelId: string | null;
  digest: DigestSchedule | null;
  /** Epoch ms of the scheduled time of the last digest queued; null before the first. */
  digestLastPeriod: number | null;
}

export type CommunityPostKind = 'digest' | 'aotw';

export interface CommunityPost {
  guildId: string;
  channelId: string;
  kind: CommunityPostKind;
  payload: unknown;
}

interface SettingsRow {
  guild_id: string;
  aotw_channel_id: string | null;
  digest_channel_id: string | null;
  digest_weekday: number | null;
  digest_hour: number | null;
  digest_time_zone: string | null;
  digest_last_period: number | null;
}

const AWARDS_SQL = `
  SELECT t.ulid, t.display_name AS displayName, w.game_id AS gameId, g.title AS gameTitle, w.kind, w.awarded_at AS at
  FROM tracked_users t JOIN ra_users u ON u.ulid = t.ulid
  JOIN award_log w ON w.user_id = u.id AND w.awarded_at >= max(@from, t.tracked_since) AND w.awarded_at < @to
  LEFT JOIN game_info g ON g.id = w.game_id
  WHERE t.guild_id = @guild ORDER BY w.awarded_at, t.display_name`;

/** Unlocks in the period by the guild's users, rarest first (by share of the game's players). */
const RAREST_SQL = `
  SELECT t.ulid, t.display_name AS displayName, e.achievement_id AS achievementId, a.title, a.points,
    a.badge_name AS badgeName, a.game_id AS gameId, g.title AS gameTitle, a.num_awarded AS numAwarded,
    coalesce(g.num_distinct_players, 0) AS numDistinctPlayers, e.hardcore_at IS NOT NULL AS hardcore
  FROM tracked_users t JOIN ra_users u ON u.ulid = t.ulid
  JOIN unlock_log l ON l.user_id = u.id AND l.kind = 'unlock'
  JOIN earned e ON e.user_id = u.id AND e.game_id = l.game_id AND e.achievement_id = l.achievement_id
  JOIN achievement_info a ON a.id = e.achievement_id
  LEFT JOIN game_info g ON g.id = a.game_id
  WHERE t.guild_id = @guild
    AND l.at >= max(@from / 1000, t.tracked_since / 1000) AND l.at < @to / 1000
  ORDER BY CAST(a.num_awarded AS REAL) / max(coalesce(g.num_distinct_players, 0), a.num_awarded, 1), a.points DESC,
    a.id LIMIT 1`;

/** The game the guild's users unlocked the most in: most players, then most unlocks. */
const MOST_PLAYED_SQL = `
  SELECT l.game_id AS gameId, g.title, g.console_name AS consoleName, g.image_icon AS imageIcon,
    count(DISTINCT l.user_id) AS players, count(*) AS unlocks
  FROM tracked_users t JOIN ra_users u ON u.ulid = t.ulid
  JOIN unlock_log l ON l.user_id = u.id AND l.kind = 'unlock'
  LEFT JOIN game_info g ON g.id = l.game_id
  WHERE t.guild_id = @guild
    AND l.at >= max(@from / 1000, t.tracked_since / 1000) AND l.at < @to / 1000
  GROUP BY l.game_id ORDER BY players DESC, unlocks DESC, l.game_id LIMIT 1`;

type Range = { guild: string; from: number; to: number };

export class CommunityTables {
  private readonly stmt;
  private readonly queueDigestInTransaction;
  private readonly queueAotwInTransaction;

  constructor(
    db: Database,
    private readonly nonce: () => string = randomNonce,
  ) {
    this.stmt = {
      select: db.prepare<[string], SettingsRow>('SELECT * FROM guild_community WHERE guild_id = ?'),
      forget: db.prepare<[string]>('DELETE FROM guild_community WHERE guild_id = ?'),
      ensure: db.prepare<[string, number]>(
        'INSERT INTO guild_community (guild_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      setAotw: db.prepare<[string | null, number, string]>(
        'UPDATE guild_community SET aotw_channel_id = ?, updated_at = ? WHERE guild_id = ?',
      ),
      setDigest: db.prepare<
        [string | null, number | null, number | null, string | null, number | null, number, string]
      >(
        `UPDATE guild_community SET digest_channel_id = ?, digest_weekday = ?, digest_hour = ?, digest_time_zone = ?,
           digest_last_period = ?, updated_at = ? WHERE guild_id = ?`,
      ),
      withDigest: db.prepare<[], SettingsRow>(
        'SELECT * FROM guild_community WHERE digest_channel_id IS NOT NULL ORDER BY guild_id',
      ),
      withAotw: db.prepare<[], SettingsRow>(
        'SELECT * FROM guild_community WHERE aotw_channel_id IS NOT NULL ORDER BY guild_id',
      ),
      markDigest: db.prepare<[number, string, number]>(
        `UPDATE guild_community SET digest_last_period = ?
         WHERE guild_id = ? AND (digest_last_period IS NULL OR digest_last_period < ?)`,
      ),
      insertPost: db.prepare<[string, string, CommunityPostKind, string, string, number, number]>(
        `INSERT INTO outbox (guild_id, channel_id, ulid, kind, payload, nonce, next_attempt_at, created_at)
         VALUES (?, ?, '', ?, ?, ?, ?, ?)`,
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      awards: db.prepare<Range, PeriodAward>(AWARDS_SQL),
      rarest: db.prepare<Range, Omit<PeriodUnlock, 'hardcore'> & { hardcore: number }>(RAREST_SQL),
      mostPlayed: db.prepare<Range, PeriodGame>(MOST_PLAYED_SQL),
    };
    this.queueDigestInTransaction = db.transaction(
      (guildId: string, period: number, post: CommunityPost, now: number): boolean => {
        // The guard and the post commit together: whoever gets here second (a restart, a
        // second tick) changes nothing.
        if (this.stmt.markDigest.run(period, guildId, period).changes === 0) return false;
        this.insert(post, now);
        return true;
      },
    );
    this.queueAotwInTransaction = db.transaction(
      (metaKey: string, key: string, posts: readonly CommunityPost[], now: number): number => {
        if (this.stmt.getMeta.get(metaKey)?.value === key) return 0;
        this.stmt.setMeta.run(metaKey, key);
        for (const post of posts) this.insert(post, now);
        return posts.length;
      },
    );
  }

  get(guildId: string): CommunitySettings {
    const row = this.stmt.select.get(guildId);
    return row ? toSettings(row) : { guildId, aotwChannelId: null, digest: null, digestLastPeriod: null };
  }

  /** The bot left this server: its digest and AotW settings go. */
  forgetGuild(guildId: string): void {
    this.stmt.forget.run(guildId);
  }

  setAotwChannel(guildId: string, channelId: string | null, now: Instant): void {
    this.stmt.ensure.run(guildId, toMs(now));
    this.stmt.setAotw.run(channelId, toMs(now), guildId);
  }

  /**
   * `lastPeriod`: the schedule's most recent slot at the time of the change, so turning the
   * digest on (or moving it) never posts a digest for a slot that passed before that.
   */
  setDigest(guildId: string, schedule: DigestSchedule | null, lastPeriod: number | null, now: Instant): void {
    this.stmt.ensure.run(guildId, toMs(now));
    this.stmt.setDigest.run(
      schedule?.channelId ?? null,
      schedule?.weekday ?? null,
      schedule?.hour ?? null,
      schedule?.timeZone ?? null,
      schedule ? lastPeriod : null,
      toMs(now),
      guildId,
    );
  }

  guildsWithDigest(): CommunitySettings[] {
    return this.stmt.withDigest.all().map(toSettings);
  }

  guildsWithAotw(): CommunitySettings[] {
    return this.stmt.withAotw.all().map(toSettings);
  }

  /** Queues the digest of `period` (a slot's epoch ms) unless it or a later one was queued. */
  queueDigest(guildId: string, period: number, post: CommunityPost, now: Instant): boolean {
    return this.queueDigestInTransaction(guildId, period, post, toMs(now));
  }

  /**
   * Queues `posts` once per `key` (stored under `metaKey`): returns how many were queued, 0
   * when this key was already handled.
   */
  queueOnce(metaKey: string, key: string, posts: readonly CommunityPost[], now: Instant): number {
    return this.queueAotwInTransaction(metaKey, key, posts, toMs(now));
  }

  awardsBetween(guildId: string, from: Instant, to: Instant): PeriodAward[] {
    return this.stmt.awards.all(range(guildId, from, to));
  }

  rarestUnlock(guildId: string, from: Instant, to: Instant): PeriodUnlock | null {
    const row = this.stmt.rarest.get(range(guildId, from, to));
    return row ? { ...row, hardcore: row.hardcore === 1 } : null;
  }

  mostPlayedGame(guildId: string, from: Instant, to: Instant): PeriodGame | null {
    return this.stmt.mostPlayed.get(range(guildId, from, to)) ?? null;
  }

  private insert(post: CommunityPost, now: number): void {
    this.stmt.insertPost.run(
      post.guildId,
      post.channelId,
      post.kind,
      JSON.stringify(post.payload),
      this.nonce(),
      now,
      now,
    );
  }
}

function range(guild: string, from: Instant, to: Instant): Range {
  return { guild, from: toMs(from), to: toMs(to) };
}

function toSettings(row: SettingsRow): CommunitySettings {
  const digest =
    row.digest_channel_id !== null &&
    row.digest_weekday !== null &&
    row.digest_hour !== null &&
    row.digest_time_zone !== null
      ? {
          channelId: row.digest_channel_id,
          weekday: row.digest_weekday,
          hour: row.digest_hour,
          timeZone: row.digest_time_zone,
        }
      : null;
  return {
    guildId: row.guild_id,
    aotwChannelId: row.aotw_channel_id,
    digest,
    digestLastPeriod: row.digest_last_period,
  };
}
