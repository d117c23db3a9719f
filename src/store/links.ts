/**
 * account_links (a Discord account tied to one RA account, global to the bot), link_guilds
 * (servers where a linked member was seen) and guild_link_settings (per-server switches).
 */
import type { Database } from './shared.js';
import { type Instant, toFlag, toMs } from './shared.js';

export interface AccountLink {
  discordUserId: string;
  ulid: string;
  /** The RA display name when linked (or last refreshed). */
  displayName: string;
  /** Discord id of who made the link: the member themself, or a manager by hand. */
  linkedBy: string;
  /** Epoch ms. */
  linkedAt: number;
}

export interface MemberSettings {
  guildId: string;
  /** Linked members may `/track me` (and stop) within the server's cap. Off by default. */
  selfTracking: boolean;
  /** Announcements name a linked member beside the RA name (never a ping). Off by default. */
  nameMembers: boolean;
}

export type MemberSettingsPatch = Partial<Pick<MemberSettings, 'selfTracking' | 'nameMembers'>>;

interface LinkRow {
  discord_user_id: string;
  ulid: string;
  display_name: string;
  linked_by: string;
  linked_at: number;
}

interface MemberSettingsRow {
  self_tracking: number;
  name_members: number;
}

export class LinksTables {
  private readonly stmt;
  private readonly linkInTransaction;

  constructor(db: Database) {
    this.stmt = {
      byMember: db.prepare<[string], LinkRow>('SELECT * FROM account_links WHERE discord_user_id = ?'),
      byUlid: db.prepare<[string], LinkRow>('SELECT * FROM account_links WHERE ulid = ? COLLATE NOCASE'),
      deleteMember: db.prepare<[string]>('DELETE FROM account_links WHERE discord_user_id = ?'),
      insert: db.prepare<[LinkRow]>(
        `INSERT INTO account_links (discord_user_id, ulid, display_name, linked_by, linked_at)
         VALUES (@discord_user_id, @ulid, @display_name, @linked_by, @linked_at)`,
      ),
      seen: db.prepare<[string, string]>(
        `INSERT INTO link_guilds (discord_user_id, guild_id)
         SELECT discord_user_id, ? FROM account_links WHERE discord_user_id = ?
         ON CONFLICT DO NOTHING`,
      ),
      // The member linked to this RA account, if they were seen in this server.
      memberIn: db.prepare<[string, string], { discord_user_id: string }>(
        `SELECT l.discord_user_id FROM account_links l
         JOIN link_guilds g ON g.discord_user_id = l.discord_user_id AND g.guild_id = ?
         WHERE l.ulid = ?`,
      ),
      forgetGuildSeen: db.prepare<[string]>('DELETE FROM link_guilds WHERE guild_id = ?'),
      forgetGuildSettings: db.prepare<[string]>('DELETE FROM guild_link_settings WHERE guild_id = ?'),
      guildsOf: db.prepare<[string], { guild_id: string }>(
        'SELECT guild_id FROM link_guilds WHERE discord_user_id = ?',
      ),
      settings: db.prepare<[string], MemberSettingsRow>(
        'SELECT self_tracking, name_members FROM guild_link_settings WHERE guild_id = ?',
      ),
      upsertSettings: db.prepare<[string, number, number, number]>(
        `INSERT INTO guild_link_settings (guild_id, self_tracking, name_members, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (guild_id) DO UPDATE SET self_tracking = excluded.self_tracking,
           name_members = excluded.name_members, updated_at = excluded.updated_at`,
      ),
    };
    this.linkInTransaction = db.transaction((row: LinkRow, guildId: string | null): 'linked' | 'taken' => {
      const owner = this.stmt.byUlid.get(row.ulid);
      if (owner && owner.discord_user_id !== row.discord_user_id) return 'taken';
      // Replacing one's own link: the servers they were seen in stay (the member is the same).
      const seenIn = this.stmt.byMember.get(row.discord_user_id) ? this.guildsOf(row.discord_user_id) : [];
      this.stmt.deleteMember.run(row.discord_user_id);
      this.stmt.insert.run(row);
      for (const guild of [...seenIn, ...(guildId ? [guildId] : [])]) {
        this.stmt.seen.run(guild, row.discord_user_id);
      }
      return 'linked';
    });
  }

  private guildsOf(discordUserId: string): string[] {
    return this.stmt.guildsOf.all(discordUserId).map((r) => r.guild_id);
  }

  ofMember(discordUserId: string): AccountLink | null {
    const row = this.stmt.byMember.get(discordUserId);
    return row ? toLink(row) : null;
  }

  ofAccount(ulid: string): AccountLink | null {
    const row = this.stmt.byUlid.get(ulid);
    return row ? toLink(row) : null;
  }

  /**
   * Ties `discordUserId` to the RA account, replacing their previous link. Refused ('taken') when
   * another member holds that RA account: checked and written in one transaction.
   */
  link(input: Omit<AccountLink, 'linkedAt'> & { now: Instant; guildId: string | null }): 'linked' | 'taken' {
    return this.linkInTransaction(
      {
        discord_user_id: input.discordUserId,
        ulid: input.ulid,
        display_name: input.displayName,
        linked_by: input.linkedBy,
        linked_at: toMs(input.now),
      },
      input.guildId,
    );
  }

  unlink(discordUserId: string): AccountLink | null {
    const existing = this.ofMember(discordUserId);
    if (existing) this.stmt.deleteMember.run(discordUserId);
    return existing;
  }

  /** Records that a linked member is in this server (no-op for an unlinked one). */
  seenIn(discordUserId: string, guildId: string): void {
    this.stmt.seen.run(guildId, discordUserId);
  }

  /** The bot left this server: its switches and "seen here" marks go (links are global and stay). */
  forgetGuild(guildId: string): void {
    this.stmt.forgetGuildSeen.run(guildId);
    this.stmt.forgetGuildSettings.run(guildId);
  }

  memberIn(guildId: string, ulid: string): string | null {
    return this.stmt.memberIn.get(guildId, ulid)?.discord_user_id ?? null;
  }

  settings(guildId: string): MemberSettings {
    const row = this.stmt.settings.get(guildId);
    return { guildId, selfTracking: row?.self_tracking === 1, nameMembers: row?.name_members === 1 };
  }

  updateSettings(guildId: string, patch: MemberSettingsPatch, now: Instant): MemberSettings {
    const next = { ...this.settings(guildId), ...definedOnly(patch) };
    this.stmt.upsertSettings.run(guildId, toFlag(next.selfTracking), toFlag(next.nameMembers), toMs(now));
    return next;
  }
}

function definedOnly(patch: MemberSettingsPatch): MemberSettingsPatch {
  const out: MemberSettingsPatch = {};
  if (patch.selfTracking !== undefined) out.selfTracking = patch.selfTracking;
  if (patch.nameMembers !== undefined) out.nameMembers = patch.nameMembers;
  return out;
}

function toLink(row: LinkRow): AccountLink {
  return {
    discordUserId: row.discord_user_id,
    ulid: row.ulid,
    displayName: row.display_name,
    linkedBy: row.linked_by,
    linkedAt: row.linked_at,
  };
}
