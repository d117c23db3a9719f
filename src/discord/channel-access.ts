/**
 * May the bot announce in a channel? Asked by /track add, /settings channel and the other
 * commands that save a channel. The client keeps no channels or roles per server (memory with
 * many servers, see client.ts), so the answer comes from Discord over REST when it is asked:
 * the server's channels (with their overwrites), its roles and the bot's own member, three GETs
 * that Discord answers 200 whatever the bot may see (no 403 counts toward the invalid-request ban).
 *
 * What was read is kept briefly per server (`ttlMs`, default a minute) so an admin adding users
 * one after another costs three requests, not three each. It is dropped as soon as the gateway
 * reports a change to that server's channels, roles or the bot's member, and a refusal is never
 * given from it: a cached "missing" is read again first, so a fix the admin just made is seen.
 */
import {
  ChannelType,
  type Client,
  GatewayDispatchEvents,
  type RESTGetAPIGuildChannelsResult,
  type RESTGetAPIGuildMemberResult,
  type RESTGetAPIGuildRolesResult,
  Routes,
} from 'discord.js';
import { channelPermissions, missingAnnouncePermissions, type PermissionOverwrite } from './permissions.js';

export const CHANNEL_ACCESS_TTL_MS = 60_000;

export type ChannelVerdict =
  /** Not a text or announcement channel of this server (or no longer there). */
  | { kind: 'not-announceable' }
  /** The announcement permissions the bot lacks there, by name (empty: it may post). */
  | { kind: 'checked'; missing: string[] };

export interface ChannelAccess {
  check(guild: { id: string; ownerId: string }, channelId: string): Promise<ChannelVerdict>;
}

interface GuildSnapshot {
  readAt: number;
  channels: Map<string, { type: number; overwrites: PermissionOverwrite[] }>;
  rolePermissions: Map<string, bigint>;
  memberRoleIds: string[];
}

export interface ChannelAccessOptions {
  client: Client;
  /** Milliseconds since the epoch. */
  now: () => number;
  ttlMs?: number;
}

/** Gateway events that change what a snapshot of their server says. */
const INVALIDATING_EVENTS = [
  GatewayDispatchEvents.ChannelCreate,
  GatewayDispatchEvents.ChannelUpdate,
  GatewayDispatchEvents.ChannelDelete,
  GatewayDispatchEvents.GuildRoleCreate,
  GatewayDispatchEvents.GuildRoleUpdate,
  GatewayDispatchEvents.GuildRoleDelete,
  GatewayDispatchEvents.GuildMemberUpdate,
  GatewayDispatchEvents.GuildUpdate,
  GatewayDispatchEvents.GuildCreate,
  GatewayDispatchEvents.GuildDelete,
] as const;

export function createChannelAccess({
  client,
  now,
  ttlMs = CHANNEL_ACCESS_TTL_MS,
}: ChannelAccessOptions): ChannelAccess {
  const snapshots = new Map<string, GuildSnapshot>();
  const reading = new Map<string, Promise<GuildSnapshot>>();
  /** Bumped per server on every change, so a read that raced a change isn't kept. */
  const generation = new Map<string, number>();

  const forget = (guildId: string | undefined) => {
    if (!guildId) return;
    snapshots.delete(guildId);
    generation.set(guildId, (generation.get(guildId) ?? 0) + 1);
  };
  for (const event of INVALIDATING_EVENTS) {
    client.ws.on(event, (data: { guild_id?: string; id?: string }) =>
      forget(event.startsWith('GUILD_') && !('guild_id' in data) ? data.id : data.guild_id),
    );
  }

  async function read(guildId: string): Promise<GuildSnapshot> {
    const pending = reading.get(guildId);
    if (pending) return pending;
    const startedAt = generation.get(guildId) ?? 0;
    const promise = (async () => {
      const me = client.user?.id;
      if (!me) throw new Error('the Discord client is not logged in');
      const [channels, roles, member] = await Promise.all([
        client.rest.get(Routes.guildChannels(guildId)) as Promise<RESTGetAPIGuildChannelsResult>,
        client.rest.get(Routes.guildRoles(guildId)) as Promise<RESTGetAPIGuildRolesResult>,
        client.rest.get(Routes.guildMember(guildId, me)) as Promise<RESTGetAPIGuildMemberResult>,
      ]);
      const snapshot: GuildSnapshot = {
        readAt: now(),
        channels: new Map(
          channels.map((c) => [
            c.id,
            {
              type: c.type,
              overwrites: (c.permission_overwrites ?? []).map((o) => ({
                id: o.id,
                type: o.type,
                allow: BigInt(o.allow),
                deny: BigInt(o.deny),
              })),
            },
          ]),
        ),
        rolePermissions: new Map(roles.map((r) => [r.id, BigInt(r.permissions)])),
        memberRoleIds: member.roles,
      };
      if ((generation.get(guildId) ?? 0) === startedAt) snapshots.set(guildId, snapshot);
      return snapshot;
    })();
    reading.set(guildId, promise);
    try {
      return await promise;
    } finally {
      reading.delete(guildId);
    }
  }

  function verdict(snapshot: GuildSnapshot, guild: { id: string; ownerId: string }, channelId: string) {
    const channel = snapshot.channels.get(channelId);
    if (
      !channel ||
      (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)
    ) {
      return { kind: 'not-announceable' } as const;
    }
    const permissions = channelPermissions({
      guildId: guild.id,
      ownerId: guild.ownerId,
      userId: client.user?.id ?? '',
      rolePermissions: snapshot.rolePermissions,
      memberRoleIds: snapshot.memberRoleIds,
      overwrites: channel.overwrites,
    });
    return { kind: 'checked', missing: missingAnnouncePermissions(permissions) } as const;
  }

  return {
    async check(guild, channelId) {
      const at = now();
      for (const [id, snapshot] of snapshots) if (at - snapshot.readAt >= ttlMs) snapshots.delete(id);
      const cached = snapshots.get(guild.id);
      if (cached) {
        const answer = verdict(cached, guild, channelId);
        if (answer.kind === 'checked' && answer.missing.length === 0) return answer;
      }
      return verdict(await read(guild.id), guild, channelId);
    },
  };
}

const attached = new WeakMap<Client, ChannelAccess>();

/** Gives `client` its channel access (createDiscordClient does, with the bot's clock). */
export function attachChannelAccess(client: Client, now: () => number): ChannelAccess {
  const access = createChannelAccess({ client, now });
  attached.set(client, access);
  return access;
}

/** The channel access of `client`: the one createDiscordClient attached, else a new one on real time. */
export function channelAccessOf(client: Client): ChannelAccess {
  return attached.get(client) ?? attachChannelAccess(client, Date.now);
}
