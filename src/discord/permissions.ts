import {
  type ChatInputCommandInteraction,
  GuildMember,
  PermissionFlagsBits,
  PermissionsBitField,
} from 'discord.js';
import { ANNOUNCE_PERMISSIONS } from '../domain/permissions.js';

/** The bot's invite permissions: exactly what it uses. */
export const INVITE_PERMISSIONS = ANNOUNCE_PERMISSIONS.reduce((sum, [bit]) => sum | bit, 0n);

/** Names of the announcement permissions missing from `permissions` (empty when all present). */
export function missingAnnouncePermissions(permissions: bigint): string[] {
  return ANNOUNCE_PERMISSIONS.filter(([bit]) => (permissions & bit) !== bit).map(([, name]) => name);
}

export interface PermissionOverwrite {
  /** A role id (the guild id for @everyone) or a member id. */
  id: string;
  /** 0 = role, 1 = member (Discord's encoding). */
  type: number;
  allow: bigint;
  deny: bigint;
}

export interface ChannelPermissionInput {
  guildId: string;
  ownerId: string;
  userId: string;
  /** Role id -> permissions, @everyone (id = guild id) included. */
  rolePermissions: ReadonlyMap<string, bigint>;
  memberRoleIds: readonly string[];
  overwrites: readonly PermissionOverwrite[];
}

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/**
 * A member's permissions in a channel, by Discord's rules: the owner and Administrator have all;
 * otherwise @everyone's and the member's roles' permissions, then the channel's overwrites for
 * @everyone, then for the member's roles together (deny, then allow), then for the member.
 * Bits are named as computed (no implicit denials), so a refusal names exactly what to grant.
 */
export function channelPermissions(input: ChannelPermissionInput): bigint {
  if (input.userId === input.ownerId) return ALL_PERMISSIONS;
  let permissions = input.rolePermissions.get(input.guildId) ?? 0n;
  for (const roleId of input.memberRoleIds) permissions |= input.rolePermissions.get(roleId) ?? 0n;
  if ((permissions & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;

  const everyone = input.overwrites.find((o) => o.type === 0 && o.id === input.guildId);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of input.overwrites) {
    if (
      overwrite.type === 0 &&
      overwrite.id !== input.guildId &&
      input.memberRoleIds.includes(overwrite.id)
    ) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  permissions = (permissions & ~deny) | allow;
  const member = input.overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (member) permissions = (permissions & ~member.deny) | member.allow;
  return permissions;
}

/**
 * Managers: Manage Server, or the server's manager role. Checked at run time from the
 * interaction's own member data (not the command's default permissions, which admins can edit).
 */
export function isManager(interaction: ChatInputCommandInteraction, managerRoleId: string | null): boolean {
  const permissions = interaction.memberPermissions ?? new PermissionsBitField(0n);
  if (permissions.has(PermissionFlagsBits.ManageGuild)) return true;
  if (!managerRoleId) return false;
  const member = interaction.member;
  if (!member) return false;
  return memberRoleIds(member).includes(managerRoleId);
}

/**
 * The role ids the interaction carried for its member. A cached server's member is a discord.js
 * GuildMember, whose `roles.cache` only lists roles in the client's role cache; the bot keeps
 * none but @everyone (src/discord/client.ts), so read the ids the member was built from.
 */
function memberRoleIds(member: GuildMember | { roles: string[] }): readonly string[] {
  if (!(member instanceof GuildMember)) return member.roles;
  // biome-ignore lint/complexity/useLiteralKeys: discord.js keeps the raw ids in a TS-private field
  return member['_roles'];
}
