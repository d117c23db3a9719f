import type { ChatInputCommandInteraction, Guild } from 'discord.js';
import { channelAccessOf } from '../../src/discord/channel-access.js';
import { type CommandContext, UserFacingError } from '../../src/discord/command.js';
import { isManager } from '../../src/discord/permissions.js';
import type { PlainMessageKey } from '../../src/i18n/catalogue.js';
import type { UserProfile } from '../../src/ra/types.js';
import { plainText } from '../../src/render/text.js';
import type { GuildSettings } from '../../src/store/index.js';

/** Discord's permission names (as its UI shows them) by the English name `missingAnnouncePermissions` gives. */
const PERMISSION_KEYS: Readonly<Record<string, PlainMessageKey>> = {
  'View Channel': 'permission.ViewChannel',
  'Send Messages': 'permission.SendMessages',
  'Embed Links': 'permission.EmbedLinks',
  'Attach Files': 'permission.AttachFiles',
};

/** What only managers may do, as the refusal names it. */
export type ManagerAction =
  | 'settings'
  | 'link-others'
  | 'see-links'
  | 'tracking'
  | 'digest'
  | 'aotw'
  | 'unlink-others';

export function requireGuild(interaction: ChatInputCommandInteraction): Guild {
  if (!interaction.inCachedGuild() || !interaction.guild) {
    throw new UserFacingError((m) => m.t('errors.guildOnly'));
  }
  return interaction.guild;
}

/**
 * The channel option, checked to be a text/announcement channel of this server where the bot
 * can post announcements; the error names each missing permission.
 */
export async function requireAnnounceChannel(
  interaction: ChatInputCommandInteraction,
  guild: Guild,
  option: string,
): Promise<{ id: string } | null> {
  const picked = interaction.options.getChannel(option, false);
  if (!picked) return null;
  return checkAnnounceChannel(guild, picked.id);
}

export async function checkAnnounceChannel(guild: Guild, channelId: string): Promise<{ id: string }> {
  // Asked of Discord now (the client keeps no channels or roles): see src/discord/channel-access.ts.
  const verdict = await channelAccessOf(guild.client).check(guild, channelId);
  if (verdict.kind === 'not-announceable') {
    throw new UserFacingError((m) => m.t('errors.notAnnounceChannel'));
  }
  const { missing } = verdict;
  if (missing.length > 0) {
    throw new UserFacingError((m) =>
      m.t('errors.cantPost', {
        channel: `<#${channelId}>`,
        permissions: missing
          .map((name) => {
            const key = PERMISSION_KEYS[name];
            return `**${key ? m.t(key) : name}**`;
          })
          .join(', '),
      }),
    );
  }
  return { id: channelId };
}

/**
 * Refuses (ephemerally, changing nothing) unless the member has Manage Server or the server's
 * manager role, checked now rather than trusting the command's default permissions. Returns the
 * server's settings it read, so the command needn't read them again.
 */
export function requireManager(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  guildId: string,
  what: ManagerAction,
): GuildSettings {
  const settings = ctx.store.getGuildSettings(guildId);
  if (!isManager(interaction, settings.managerRoleId)) {
    throw new UserFacingError((m) => m.t('errors.managersOnly', { action: m.t(`errors.action.${what}`) }));
  }
  return settings;
}

/** Refuses with `refusal` (already in the reader's language; nothing changed) unless the member is a manager now. */
export function requireManagerTo(
  interaction: ChatInputCommandInteraction,
  ctx: CommandContext,
  guildId: string,
  refusal: string,
): void {
  if (!isManager(interaction, ctx.store.getGuildSettings(guildId).managerRoleId)) {
    throw new UserFacingError(refusal);
  }
}

/**
 * Autocomplete choices of this server's tracked users whose name contains `typed`; the value is
 * the ULID, so a pick keeps working after a rename. The router caps the list to Discord's limits.
 */
export function trackedUserChoices(
  ctx: CommandContext,
  guildId: string | null,
  typed: string,
): { name: string; value: string }[] {
  if (!guildId) return [];
  const lower = typed.trim().toLowerCase();
  return ctx.store
    .listTrackedUsers(guildId)
    .filter((u) => u.displayName.toLowerCase().includes(lower))
    .map((u) => ({ name: plainText(u.displayName, 100, u.ulid), value: u.ulid }));
}

/** The point totals a profile read carries: stored when tracking starts, so the all-time board counts them at once. */
export function profilePoints(profile: UserProfile) {
  return {
    hardcorePoints: profile.totalPoints,
    softcorePoints: profile.totalSoftcorePoints,
    retroPoints: profile.totalTruePoints,
  };
}
