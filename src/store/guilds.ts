/** guild_settings: one row per Discord server, absent until a setting is changed. */
import type { AnnounceToggles } from '../domain/announcements.js';
import type { Database } from './shared.js';
import { type Instant, toFlag, toMs } from './shared.js';

export interface GuildSettings extends AnnounceToggles {
  guildId: string;
  defaultChannelId: string | null;
  managerRoleId: string | null;
  /** Epoch ms of the last change; null while the guild runs on defaults. */
  updatedAt: number | null;
}

/** Fields to change; `undefined` leaves a field as it is, `null` clears a nullable one. */
export type GuildSettingsPatch = {
  [K in 'defaultChannelId' | 'managerRoleId' | keyof AnnounceToggles]?: GuildSettings[K] | undefined;
};

/** A new guild announces everything, softcore included. */
export const DEFAULT_TOGGLES: Readonly<AnnounceToggles> = {
  announceUnlocks: true,
  announceAwards: true,
  announceSoftcore: true,
};

interface GuildSettingsRow {
  guild_id: string;
  default_channel_id: string | null;
  manager_role_id: string | null;
  announce_unlocks: number;
  announce_awards: number;
  announce_softcore: number;
  updated_at: number;
}

export class GuildSettingsTable {
  private readonly selectOne;
  private readonly upsert;
  private readonly updateInTransaction;
  private readonly selectLanguage;
  private readonly upsertLanguage;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string], GuildSettingsRow>(
      'SELECT * FROM guild_settings WHERE guild_id = ?',
    );
    this.upsert = db.prepare<[GuildSettingsRow]>(
      `INSERT INTO guild_settings (guild_id, default_channel_id, manager_role_id, announce_unlocks,
         announce_awards, announce_softcore, updated_at)
       VALUES (@guild_id, @default_channel_id, @manager_role_id, @announce_unlocks, @announce_awards,
         @announce_softcore, @updated_at)
       ON CONFLICT (guild_id) DO UPDATE SET default_channel_id = excluded.default_channel_id,
         manager_role_id = excluded.manager_role_id, announce_unlocks = excluded.announce_unlocks,
         announce_awards = excluded.announce_awards, announce_softcore = excluded.announce_softcore,
         updated_at = excluded.updated_at`,
    );
    this.selectLanguage = db
      .prepare<[string], string | null>('SELECT language FROM guild_settings WHERE guild_id = ?')
      .pluck();
    // A new row takes the defaults of every other column; an existing row keeps them.
    this.upsertLanguage = db.prepare<[{ guild_id: string; language: string | null; updated_at: number }]>(
      `INSERT INTO guild_settings (guild_id, language, updated_at) VALUES (@guild_id, @language, @updated_at)
       ON CONFLICT (guild_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`,
    );
    this.updateInTransaction = db.transaction((guildId: string, patch: GuildSettingsPatch, now: number) => {
      const next = { ...this.get(guildId), ...definedOnly(patch), updatedAt: now };
      this.upsert.run(toRow(next));
      return next;
    });
  }

  /** The guild's settings, or the defaults when it never changed any. */
  get(guildId: string): GuildSettings {
    const row = this.selectOne.get(guildId);
    if (row === undefined) {
      return { guildId, defaultChannelId: null, managerRoleId: null, ...DEFAULT_TOGGLES, updatedAt: null };
    }
    return {
      guildId: row.guild_id,
      defaultChannelId: row.default_channel_id,
      managerRoleId: row.manager_role_id,
      announceUnlocks: row.announce_unlocks === 1,
      announceAwards: row.announce_awards === 1,
      announceSoftcore: row.announce_softcore === 1,
      updatedAt: row.updated_at,
    };
  }

  update(guildId: string, patch: GuildSettingsPatch, now: Instant): GuildSettings {
    return this.updateInTransaction(guildId, patch, toMs(now));
  }

  /** The language the server chose for its posts (a Discord locale id); null when it never chose. */
  language(guildId: string): string | null {
    return this.selectLanguage.get(guildId) ?? null;
  }

  /** Sets (or with null, forgets) the server's language. */
  setLanguage(guildId: string, language: string | null, now: Instant): void {
    this.upsertLanguage.run({ guild_id: guildId, language, updated_at: toMs(now) });
  }
}

const PATCHABLE = [
  'defaultChannelId',
  'managerRoleId',
  'announceUnlocks',
  'announceAwards',
  'announceSoftcore',
] as const satisfies readonly (keyof GuildSettingsPatch)[];

/** Only known fields, and only those given: a stray key can't overwrite e.g. the guild id. */
function definedOnly(patch: GuildSettingsPatch): Partial<GuildSettings> {
  const picked: Record<string, unknown> = {};
  for (const key of PATCHABLE) if (patch[key] !== undefined) picked[key] = patch[key];
  return picked as Partial<GuildSettings>;
}

function toRow(settings: GuildSettings & { updatedAt: number }): GuildSettingsRow {
  return {
    guild_id: settings.guildId,
    default_channel_id: settings.defaultChannelId,
    manager_role_id: settings.managerRoleId,
    announce_unlocks: toFlag(settings.announceUnlocks),
    announce_awards: toFlag(settings.announceAwards),
    announce_softcore: toFlag(settings.announceSoftcore),
    updated_at: settings.updatedAt,
  };
}
