import {
  type ChatInputCommandInteraction,
  type GuildBasedChannel,
  type GuildMember,
  PermissionFlagsBits,
  PermissionsBitField,
} from 'discord.js';
import { ANNOUNCE_PERMISSIONS } from '../domain/permissions.js';

/** The bot's invite permissions: exactly what it uses. */
export const INVITE_PERMISSIONS = ANNOUNCE_PERMISSIONS.reduce((sum, [bit]) => sum | bit, 0n);

/** Names of the announcement permissions the bot lacks in `channel` (empty when all present). */
export function missingAnnouncePermissions(channel: GuildBasedChannel, me: GuildMember): string[] {
  const have = channel.permissionsFor(me);
  return ANNOUNCE_PERMISSIONS.filter(([bit]) => !have?.has(bit)).map(([, name]) => name);
}

/**
 * Managers: Manage Server, or the server's manager role. Checked at run time from the
 * interaction's own member data (not the command's default permissions, which admins can edit).
 */
export function isManager(interaction: ChatInputCommandInteraction, managerRoleId: string | null): boolean {
  const permissions = interaction.memberPermissions ?? new PermissionsBitField(0n);
  if (permissions.has(PermissionFlagsBits.ManageGuild)) return true;
  if (!managerRoleId) return false;
  const roles = interaction.member?.roles;
  if (!roles) return false;
  return Array.isArray(roles) ? roles.includes(managerRoleId) : roles.cache.has(managerRoleId);
}
