import type { JsonObject } from './http.js';
import {
  computePermissions,
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  type Overwrite,
  type PermissionInput,
  toPermissionBits,
} from './permissions.js';
import type { SnowflakeGenerator } from './snowflake.js';

export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly bot: boolean;
}

export interface FakeRole {
  readonly id: string;
  name: string;
  permissions: bigint;
  position: number;
  /** The bot's own integration role, as Discord creates it on invite. */
  managed: boolean;
  /** Whether anyone may @mention it (without Mention Everyone). */
  mentionable?: boolean;
  /** For the managed role: the bot it belongs to (sent as `tags.bot_id`). */
  botId?: string;
}

export interface FakeChannel {
  readonly id: string;
  readonly guildId: string;
  name: string;
  /** 0 = text, 5 = announcement. */
  type: 0 | 5;
  position: number;
  topic: string | null;
  permissionOverwrites: Overwrite[];
}

export interface FakeMember {
  readonly user: FakeUser;
  roles: string[];
  readonly joinedAt: string;
}

export interface FakeGuild {
  readonly id: string;
  name: string;
  readonly ownerId: string;
  /** The @everyone role: its id is the guild id. */
  readonly everyoneRoleId: string;
  /** The bot's managed role, holding the bot's permissions. */
  readonly botRoleId: string;
  readonly roles: Map<string, FakeRole>;
  readonly channels: Map<string, FakeChannel>;
  readonly members: Map<string, FakeMember>;
  /** The server's Discord language (Server Settings > Community); `en-US` unless given. */
  preferredLocale: string;
}

export interface GuildInput {
  id?: string;
  name: string;
  ownerId?: string;
  /** Permissions of @everyone (default: view, send, read history, reactions; no embeds/files). */
  everyonePermissions?: PermissionInput;
  /** Permissions of the bot's managed role (default: view, send, embed, attach, read history). */
  botPermissions?: PermissionInput;
  /** The server's preferred locale (default `en-US`). */
  preferredLocale?: string;
}

export interface OverwriteInput {
  /** A role id (the guild id for @everyone) or a user id. */
  id: string;
  type: 'role' | 'member' | 0 | 1;
  allow?: PermissionInput;
  deny?: PermissionInput;
}

export interface ChannelInput {
  id?: string;
  name: string;
  type?: 0 | 5;
  topic?: string;
  permissionOverwrites?: readonly OverwriteInput[];
}

export interface RoleInput {
  id?: string;
  name: string;
  permissions?: PermissionInput;
  mentionable?: boolean;
}

export interface MemberInput {
  userId?: string;
  username: string;
  roles?: readonly string[];
  /** Shorthand: gives the member a role of its own holding these permissions. */
  permissions?: PermissionInput;
}

/** Sends a gateway dispatch when the client is connected (no-op before login). */
export type Dispatch = (event: string, data: JsonObject) => void;

/**
 * Guilds, channels, roles and members as Discord would hold them, plus the payloads discord.js
 * builds its caches from. Changes after login are dispatched like Discord does.
 */
export class FakeState {
  readonly guilds = new Map<string, FakeGuild>();
  readonly users = new Map<string, FakeUser>();
  readonly #channelGuild = new Map<string, string>();

  constructor(
    private readonly ids: SnowflakeGenerator,
    readonly botUser: FakeUser,
    private readonly dispatch: Dispatch,
  ) {
    this.users.set(botUser.id, botUser);
  }

  addGuild(input: GuildInput): FakeGuild {
    const id = input.id ?? this.ids.next();
    if (this.guilds.has(id)) throw new Error(`Fake Discord: guild ${id} already exists`);
    const owner = this.#user(input.ownerId ?? this.ids.next(), `owner-${id.slice(-4)}`);
    const guild: FakeGuild = {
      id,
      name: input.name,
      ownerId: owner.id,
      everyoneRoleId: id,
      botRoleId: this.ids.next(),
      roles: new Map(),
      channels: new Map(),
      members: new Map(),
      preferredLocale: input.preferredLocale ?? 'en-US',
    };
    guild.roles.set(id, {
      id,
      name: '@everyone',
      permissions: toPermissionBits(input.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS),
      position: 0,
      managed: false,
    });
    guild.roles.set(guild.botRoleId, {
      id: guild.botRoleId,
      name: this.botUser.username,
      permissions: toPermissionBits(input.botPermissions ?? DEFAULT_BOT_PERMISSIONS),
      position: 1,
      managed: true,
      botId: this.botUser.id,
    });
    const joinedAt = new Date().toISOString();
    guild.members.set(owner.id, { user: owner, roles: [], joinedAt });
    guild.members.set(this.botUser.id, { user: this.botUser, roles: [guild.botRoleId], joinedAt });
    this.guilds.set(id, guild);
    this.dispatch('GUILD_CREATE', this.guildCreatePayload(guild));
    return guild;
  }

  removeGuild(guildId: string): void {
    const guild = this.guild(guildId);
    for (const channelId of guild.channels.keys()) this.#channelGuild.delete(channelId);
    this.guilds.delete(guildId);
    this.dispatch('GUILD_DELETE', { id: guildId });
  }

  addChannel(guildId: string, input: ChannelInput): FakeChannel {
    const guild = this.guild(guildId);
    const channel: FakeChannel = {
      id: input.id ?? this.ids.next(),
      guildId,
      name: input.name,
      type: input.type ?? 0,
      position: guild.channels.size,
      topic: input.topic ?? null,
      permissionOverwrites: (input.permissionOverwrites ?? []).map(toOverwrite),
    };
    guild.channels.set(channel.id, channel);
    this.#channelGuild.set(channel.id, guildId);
    this.dispatch('CHANNEL_CREATE', this.channelPayload(channel));
    return channel;
  }

  setChannelOverwrites(channelId: string, overwrites: readonly OverwriteInput[]): void {
    const channel = this.channel(channelId);
    channel.permissionOverwrites = overwrites.map(toOverwrite);
    this.dispatch('CHANNEL_UPDATE', this.channelPayload(channel));
  }

  removeChannel(channelId: string): void {
    const channel = this.channel(channelId);
    this.guild(channel.guildId).channels.delete(channelId);
    this.#channelGuild.delete(channelId);
    this.dispatch('CHANNEL_DELETE', this.channelPayload(channel));
  }

  addRole(guildId: string, input: RoleInput): FakeRole {
    const guild = this.guild(guildId);
    const role: FakeRole = {
      id: input.id ?? this.ids.next(),
      name: input.name,
      permissions: toPermissionBits(input.permissions ?? 0n),
      position: guild.roles.size,
      managed: false,
      mentionable: input.mentionable ?? false,
    };
    guild.roles.set(role.id, role);
    this.dispatch('GUILD_ROLE_CREATE', { guild_id: guildId, role: rolePayload(role) });
    return role;
  }

  setRolePermissions(guildId: string, roleId: string, permissions: PermissionInput): void {
    const role = this.guild(guildId).roles.get(roleId);
    if (!role) throw new Error(`Fake Discord: unknown role ${roleId} in guild ${guildId}`);
    role.permissions = toPermissionBits(permissions);
    this.dispatch('GUILD_ROLE_UPDATE', { guild_id: guildId, role: rolePayload(role) });
  }

  addMember(guildId: string, input: MemberInput): FakeMember {
    const guild = this.guild(guildId);
    const user = this.#user(input.userId ?? this.ids.next(), input.username);
    const roles = [...(input.roles ?? [])];
    for (const roleId of roles) {
      if (!guild.roles.has(roleId))
        throw new Error(`Fake Discord: unknown role ${roleId} in guild ${guildId}`);
    }
    if (input.permissions !== undefined) {
      roles.push(
        this.addRole(guildId, { name: `${input.username} permissions`, permissions: input.permissions }).id,
      );
    }
    const member: FakeMember = { user, roles, joinedAt: new Date().toISOString() };
    guild.members.set(user.id, member);
    return member;
  }

  guild(guildId: string): FakeGuild {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`Fake Discord: unknown guild ${guildId}`);
    return guild;
  }

  channel(channelId: string): FakeChannel {
    const channel = this.findChannel(channelId);
    if (!channel) throw new Error(`Fake Discord: unknown channel ${channelId}`);
    return channel;
  }

  findChannel(channelId: string): FakeChannel | undefined {
    const guildId = this.#channelGuild.get(channelId);
    return guildId === undefined ? undefined : this.guilds.get(guildId)?.channels.get(channelId);
  }

  member(guildId: string, userId: string): FakeMember {
    const member = this.guild(guildId).members.get(userId);
    if (!member)
      throw new Error(`Fake Discord: user ${userId} is not a member of guild ${guildId} (addMember first)`);
    return member;
  }

  /** A member's permissions in the guild, or in one of its channels (with overwrites). */
  permissions(guildId: string, userId: string, channelId?: string): bigint {
    const guild = this.guild(guildId);
    const member = this.member(guildId, userId);
    const rolePermissions = new Map([...guild.roles.values()].map((r) => [r.id, r.permissions]));
    return computePermissions({
      guildId,
      ownerId: guild.ownerId,
      userId,
      rolePermissions,
      memberRoleIds: member.roles,
      overwrites: channelId ? this.channel(channelId).permissionOverwrites : undefined,
    });
  }

  // --- payloads --------------------------------------------------------------------------

  guildCreatePayload(guild: FakeGuild): JsonObject {
    return {
      ...this.guildPayload(guild),
      joined_at: guild.members.get(this.botUser.id)?.joinedAt ?? new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      // Without the privileged GuildMembers intent Discord sends only the bot's own member.
      members: [this.memberPayload(guild.id, this.botUser.id)],
      channels: [...guild.channels.values()].map((c) => this.channelPayload(c)),
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  guildPayload(guild: FakeGuild): JsonObject {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      application_id: null,
      preferred_locale: guild.preferredLocale,
      max_members: 500000,
      max_video_channel_users: 25,
      features: [],
      roles: [...guild.roles.values()].map(rolePayload),
      emojis: [],
      stickers: [],
    };
  }

  channelPayload(channel: FakeChannel): JsonObject {
    return {
      id: channel.id,
      type: channel.type,
      guild_id: channel.guildId,
      name: channel.name,
      position: channel.position,
      parent_id: null,
      topic: channel.topic,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
      permission_overwrites: channel.permissionOverwrites.map((o) => ({
        id: o.id,
        type: o.type,
        allow: o.allow.toString(),
        deny: o.deny.toString(),
      })),
    };
  }

  memberPayload(guildId: string, userId: string): JsonObject {
    const member = this.member(guildId, userId);
    return {
      user: userPayload(member.user),
      nick: null,
      avatar: null,
      banner: null,
      roles: member.roles,
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    };
  }

  #user(id: string, username: string): FakeUser {
    const existing = this.users.get(id);
    if (existing) return existing;
    const user: FakeUser = { id, username, bot: false };
    this.users.set(id, user);
    return user;
  }
}

export function userPayload(user: FakeUser): JsonObject {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.bot ? null : user.username,
    avatar: null,
    bot: user.bot,
    public_flags: 0,
  };
}

export function rolePayload(role: FakeRole): JsonObject {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    mentionable: role.mentionable ?? false,
    flags: 0,
    ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
  };
}

function toOverwrite(input: OverwriteInput): Overwrite {
  return {
    id: input.id,
    type: input.type === 'role' || input.type === 0 ? 0 : 1,
    allow: toPermissionBits(input.allow ?? 0n),
    deny: toPermissionBits(input.deny ?? 0n),
  };
}
