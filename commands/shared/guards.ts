import {
  ChannelType,
  type ChatInputCommandInteraction,
  type Guild,
  type GuildBasedChannel,
} from 'discord.js';
import { type CommandContext, UserFacingError } from '../../src/discord/command.js';
import { isManager, missingAnnouncePermissions } from '../../src/discord/permissions.js';
import { plainText } from '../../src/render/text.js';
import type { GuildSettings } from '../../src/store/index.js';

export function requireGuild(interaction: ChatInputCommandInteraction): Guild {
  if (!interaction.inCachedGuild() || !interaction.guild) {
    throw new UserFacingError('This command only works inside a server.');
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
): Promise<GuildBasedChannel | null> {
  const picked = interaction.options.getChannel(option, false);
  if (!picked) return null;
  return checkAnnounceChannel(guild, picked.id);
}

export async function checkAnnounceChannel(guild: Guild, channelId: string): Promise<GuildBasedChannel> {
  const channel = guild.channels.cache.get(channelId);
  if (
    !channel ||
    (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)
  ) {
    throw new UserFacingError('Announcements can only go to a text or announcement channel of this server.');
  }
  const me = guild.members.me ?? (await guild.members.fetchMe());
  const missing = missingAnnouncePermissions(channel, me);
  if (missing.length > 0) {
    throw new UserFacingError(
      `I can’t post in <#${channel.id}>: I’m missing **${missing.join('**, **')}** there. Give my role those permissions in that channel, then try again. Nothing was changed.`,
    );
  }
  return channel;
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
  what: string,
): GuildSettings {
  const settings = ctx.store.getGuildSettings(guildId);
  if (!isManager(interaction, settings.managerRoleId)) {
    throw new UserFacingError(
      `Only members with **Manage Server** (or this server’s manager role) can ${what}. Nothing was changed.`,
    );
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
