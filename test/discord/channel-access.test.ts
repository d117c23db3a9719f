/**
 * The bot's channel check through its real (lean-cache) client and the fake Discord: what it
 * answers, and what it costs in REST requests, on a virtual clock.
 */
import { type Client, GatewayDispatchEvents } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannelAccess } from '../../src/discord/channel-access.js';
import { createDiscordClient, loginAndWaitReady } from '../../src/discord/client.js';
import { ANNOUNCE_PERMISSIONS } from '../../src/domain/permissions.js';
import { silentLogger } from '../../src/log.js';
import {
  ALL_PERMISSIONS,
  DEFAULT_BOT_PERMISSIONS,
  type FakeDiscord,
  type FakeGuild,
  Permission,
  startFakeDiscord,
} from '../fakes/discord/index.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.bot-token';
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function online(setup: (fake: FakeDiscord, guild: FakeGuild) => void = () => {}) {
  const fake = await startFakeDiscord({ token: TOKEN, heartbeatIntervalMs: 500 });
  cleanups.push(async () => {
    await fake.close();
    expect(fake.errors).toEqual([]);
  });
  const guild = fake.addGuild({ name: 'Retro Club' });
  setup(fake, guild);
  const client = createDiscordClient({ apiUrl: fake.apiUrl, logger: silentLogger() });
  cleanups.push(() => client.destroy());
  await loginAndWaitReady(client, TOKEN, 5000);
  let now = Date.UTC(2026, 0, 1);
  const access = createChannelAccess({ client, now: () => now, ttlMs: 60_000 });
  return {
    fake,
    guild,
    client: client as Client<true>,
    access,
    advance: (ms: number) => {
      now += ms;
    },
    /** REST reads of the guild's channels, roles and members so far. */
    reads: () =>
      fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/guilds/${guild.id}/`)).length,
  };
}

/** The names the fake's own permission computation says the bot lacks there. */
function missingPerFake(fake: FakeDiscord, guild: FakeGuild, channelId: string): string[] {
  const have = fake.permissionsOf(guild.id, fake.botUser.id, channelId);
  return ANNOUNCE_PERMISSIONS.filter(([bit]) => (have & bit) !== bit).map(([, name]) => name);
}

describe('channel check with the lean client', () => {
  it('names what the fake enforces, channel by channel: role overwrites, @everyone overwrites, member overwrites, Administrator', async () => {
    const ids: Record<string, string> = {};
    const { fake, guild, access } = await online((fake, guild) => {
      const bot = { id: guild.botRoleId, type: 'role' as const };
      const everyone = { id: guild.id, type: 'role' as const };
      const me = { id: fake.botUser.id, type: 'member' as const };
      const add = (
        name: string,
        overwrites: Parameters<FakeDiscord['addChannel']>[1]['permissionOverwrites'],
      ) => {
        ids[name] = fake.addChannel(guild.id, { name, permissionOverwrites: overwrites ?? [] }).id;
      };
      add('open', []);
      add('no-embeds', [{ ...bot, deny: Permission.EmbedLinks }]);
      add('read-only', [{ ...everyone, deny: Permission.SendMessages }]);
      add('read-only-but-bot', [
        { ...everyone, deny: Permission.SendMessages },
        { ...bot, allow: Permission.SendMessages },
      ]);
      add('member-denied', [
        { ...bot, allow: Permission.AttachFiles },
        { ...me, deny: Permission.AttachFiles },
      ]);
      add('hidden', [{ ...bot, deny: Permission.ViewChannel | Permission.EmbedLinks }]);
    });
    const verdicts: Record<string, string[]> = {};
    for (const [name, id] of Object.entries(ids)) {
      const verdict = await access.check(guild, id);
      if (verdict.kind !== 'checked') throw new Error(`${name}: ${verdict.kind}`);
      verdicts[name] = verdict.missing;
      // Allowed exactly where the fake would take an announcement (it also applies Discord's
      // implicit denials; the check names only what to grant, e.g. not Embed Links under a
      // missing Send Messages).
      expect(verdict.missing.length === 0, name).toBe(missingPerFake(fake, guild, id).length === 0);
    }
    expect(verdicts).toEqual({
      open: [],
      'no-embeds': ['Embed Links'],
      'read-only': ['Send Messages'],
      'read-only-but-bot': [],
      'member-denied': ['Attach Files'],
      hidden: ['View Channel', 'Embed Links'],
    });

    fake.setBotPermissions(guild.id, ALL_PERMISSIONS & ~(Permission.SendMessages | Permission.EmbedLinks));
    // Administrator wins over every overwrite.
    for (const id of Object.values(ids))
      expect(await access.check(guild, id)).toEqual({ kind: 'checked', missing: [] });
    expect(await access.check(guild, '1234567890123456789')).toEqual({ kind: 'not-announceable' });
  });

  it('reads a server once for checks within a minute, again after it, and at once after Discord reports a change', async () => {
    let channel!: { id: string };
    const { fake, guild, client, access, advance, reads } = await online((fake, guild) => {
      channel = fake.addChannel(guild.id, { name: 'achievements' });
    });
    await access.check(guild, channel.id);
    expect(reads()).toBe(3);
    advance(59_000);
    for (let i = 0; i < 5; i++) expect((await access.check(guild, channel.id)).kind).toBe('checked');
    expect(reads()).toBe(3);

    advance(1_000);
    await access.check(guild, channel.id);
    expect(reads()).toBe(6);

    // The role update reaches the client over the gateway (the check listened first).
    const updated = new Promise((resolve) => client.ws.once(GatewayDispatchEvents.GuildRoleUpdate, resolve));
    fake.setBotPermissions(guild.id, DEFAULT_BOT_PERMISSIONS & ~Permission.AttachFiles);
    await updated;
    expect(await access.check(guild, channel.id)).toEqual({ kind: 'checked', missing: ['Attach Files'] });
    expect(reads()).toBe(9);
    // No request to Discord was refused: nothing counts toward the invalid-request limit.
    expect(fake.invalidRequests).toBe(0);
  });

  it('never refuses from what it kept: a missing permission is read again, so a fix without a gateway event is seen', async () => {
    let embedder!: string;
    let channel!: { id: string };
    const { fake, guild, access, reads } = await online((fake, guild) => {
      fake.setBotPermissions(guild.id, DEFAULT_BOT_PERMISSIONS & ~Permission.EmbedLinks);
      embedder = fake.addRole(guild.id, { name: 'Embedder', permissions: Permission.EmbedLinks }).id;
      channel = fake.addChannel(guild.id, { name: 'achievements' });
    });
    expect(await access.check(guild, channel.id)).toEqual({ kind: 'checked', missing: ['Embed Links'] });
    expect(reads()).toBe(3);

    // An admin gives the bot another role; the fake (like Discord without the members intent)
    // sends no event for it.
    fake.guild(guild.id).members.get(fake.botUser.id)?.roles.push(embedder);
    expect(await access.check(guild, channel.id)).toEqual({ kind: 'checked', missing: [] });
    expect(reads()).toBe(6);
  });
});
