/** The permission bits the fake computes with (Discord's values). */
export const Permission = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  SendTTSMessages: 1n << 12n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ManageRoles: 1n << 28n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/** Every permission bit Discord defines today (what an administrator gets). */
export const ALL_PERMISSIONS = (1n << 53n) - 1n;

/** What a fresh server's @everyone role may do in the fake (no Embed Links / Attach Files). */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permission.CreateInstantInvite |
  Permission.AddReactions |
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.ReadMessageHistory |
  Permission.UseExternalEmojis |
  Permission.UseApplicationCommands |
  Permission.SendMessagesInThreads;

/** What the bot's managed role gets by default: everything an announcer needs. */
export const DEFAULT_BOT_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.UseExternalEmojis;

export type PermissionInput = bigint | string | number;

export function toPermissionBits(value: PermissionInput): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

export interface Overwrite {
  id: string;
  /** 0 = role, 1 = member (Discord's encoding). */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

/**
 * Discord's permission algorithm: base permissions from @everyone and the member's roles, then
 * channel overwrites in the order @everyone, roles (combined), member.
 */
export function computePermissions(input: {
  guildId: string;
  ownerId: string;
  userId: string;
  /** Role id -> permissions, @everyone (id = guild id) included. */
  rolePermissions: ReadonlyMap<string, bigint>;
  memberRoleIds: readonly string[];
  overwrites?: readonly Overwrite[];
}): bigint {
  if (input.userId === input.ownerId) return ALL_PERMISSIONS;
  let base = input.rolePermissions.get(input.guildId) ?? 0n;
  for (const roleId of input.memberRoleIds) base |= input.rolePermissions.get(roleId) ?? 0n;
  if ((base & Permission.Administrator) !== 0n) return ALL_PERMISSIONS;
  if (!input.overwrites) return base;

  let permissions = base;
  const everyone = input.overwrites.find((o) => o.type === 0 && o.id === input.guildId);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of input.overwrites) {
    if (overwrite.type === 0 && input.memberRoleIds.includes(overwrite.id)) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  permissions = (permissions & ~deny) | allow;
  const member = input.overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (member) permissions = (permissions & ~member.deny) | member.allow;
  return implicitDenials(permissions);
}

/** What needs Send Messages in a channel (Discord denies these implicitly without it). */
const NEEDS_SEND_MESSAGES =
  Permission.MentionEveryone | Permission.SendTTSMessages | Permission.AttachFiles | Permission.EmbedLinks;

/**
 * Discord's implicit denials in a channel: without View Channel nothing else applies there; without
 * Send Messages, neither do Mention Everyone, Send TTS, Attach Files or Embed Links.
 */
export function implicitDenials(permissions: bigint): bigint {
  if ((permissions & Permission.ViewChannel) === 0n) return 0n;
  if ((permissions & Permission.SendMessages) === 0n) return permissions & ~NEEDS_SEND_MESSAGES;
  return permissions;
}
