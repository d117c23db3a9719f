/**
 * Sharding: the bot connects with as many shards as GET /gateway/bot recommends, in one process,
 * and serves servers on every shard; the poller still runs once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { shardOfGuild } from '../fakes/discord/gateway.js';
import { type FakeChannel, type FakeGuild, type FakeMember, Permission } from '../fakes/discord/index.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(h.discord.violations).toEqual([]);
  await h?.stop();
  h = undefined;
});

describe('sharding', () => {
  it('identifies [0,2] and [1,2] when Discord recommends 2 shards and answers commands from servers on both', async () => {
    let other: { guild: FakeGuild; channel: FakeChannel; admin: FakeMember } | undefined;
    h = await startHarness({
      beforeLogin(discord, base) {
        discord.gatewayShards = 2;
        discord.gatewayMaxConcurrency = 2;
        // The next millisecond's id: the other shard's server.
        const id = (BigInt(base.guild.id) + (1n << 22n)).toString();
        const guild = discord.addGuild({ id, name: 'Second Club' });
        other = {
          guild,
          channel: discord.addChannel(guild.id, { name: 'general' }),
          admin: discord.addMember(guild.id, { username: 'admin2', permissions: Permission.ManageGuild }),
        };
      },
    });
    const second = other!;
    expect(shardOfGuild(h.guild.id, 2)).not.toBe(shardOfGuild(second.guild.id, 2));
    expect(h.discord.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);

    // /settings channel checks the bot's permissions in the channel: that needs the server's
    // GUILD_CREATE, which only the shard holding it receives.
    const first = await h.slash(h.admin, 'settings', {
      subcommand: 'channel',
      options: { channel: h.channel.id },
    });
    const onOther = await h.slash(second.admin, 'settings', {
      subcommand: 'channel',
      options: { channel: second.channel.id },
      guild: second.guild,
      channel: second.channel,
    });
    expect(first.content).toContain(`<#${h.channel.id}>`);
    expect(onOther.content).toContain(`<#${second.channel.id}>`);
    // Each command was answered once, by the shard that holds its server.
    const callbacks = h.discord.requests.filter((r) => r.method === 'POST' && /\/callback$/.test(r.path));
    expect(callbacks).toHaveLength(2);
    expect(h.logs.filter((l) => l.includes('cheevobot ready'))).toHaveLength(1);
    expect(h.logs.find((l) => l.includes('cheevobot ready'))).toContain('"shards":2');
  });
});
