/**
 * /track and /settings as admins and members see them: who may change what, and every refusal
 * is ephemeral, says why, and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeChannel, FakeGuild, FakeMember } from '../fakes/discord/index.js';
import { Permission } from '../fakes/discord/index.js';
import type { Harness } from './harness.js';
import { addGame, announcedAchievementIds, isEphemeral, startTracking, track } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function trackedNames(
  harness: Harness,
  guild?: FakeGuild,
  channel?: FakeChannel,
  who: FakeMember = harness.member,
): Promise<string> {
  const list = await harness.slash(who, 'track', {
    subcommand: 'list',
    ...(guild ? { guild } : {}),
    ...(channel ? { channel } : {}),
  });
  return list.embeds[0]?.description ?? '';
}

describe('/track and /settings permissions and refusals', () => {
  it('refuses members without Manage Server or the manager role, ephemerally, changing nothing', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    await track(h, 'Scott');

    const add = await track(h, 'Scott', { who: h.member });
    s.world.addUser({ username: 'Amy' });
    const addAmy = await track(h, 'Amy', { who: h.member });
    const remove = await h.slash(h.member, 'track', { subcommand: 'remove', options: { user: 'Scott' } });
    const elsewhere = h.discord.addChannel(h.guild.id, { name: 'elsewhere' });
    const channel = await h.slash(h.member, 'settings', {
      subcommand: 'channel',
      options: { channel: elsewhere.id },
    });
    const show = await h.slash(h.member, 'settings', { subcommand: 'show' });
    for (const reply of [add, addAmy, remove, channel, show]) {
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain('Manage Server');
      expect(reply.content).toContain('Nothing was changed');
    }
    const names = await trackedNames(h);
    expect(names).toContain('Scott');
    expect(names).not.toContain('Amy');
    // The member never even cost an RA look-up.
    expect(h.ra.requests.count('GetUserProfile')).toBe(1);
    // The default channel is still the one the admin set.
    const settings = JSON.stringify((await h.slash(h.admin, 'settings', { subcommand: 'show' })).embeds);
    expect(settings).toContain(`<#${h.channel.id}>`);
    expect(settings).not.toContain(elsewhere.id);
  });

  it('lets members with the server’s manager role manage tracking, checked at run time', async () => {
    let mods!: { id: string };
    let mod!: FakeMember;
    let helper!: FakeMember;
    const s = await startTracking({
      beforeLogin: (discord, base) => {
        mods = discord.addRole(base.guild.id, { name: 'Mods' });
        mod = discord.addMember(base.guild.id, { username: 'mod', roles: [mods.id] });
        const helpers = discord.addRole(base.guild.id, { name: 'Helpers' });
        helper = discord.addMember(base.guild.id, { username: 'helper', roles: [helpers.id] });
      },
    });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const before = await track(h, 'Scott', { who: mod });
    expect(before.content).toContain('Nothing was changed');

    const set = await h.slash(h.admin, 'settings', {
      subcommand: 'manager-role',
      options: { role: mods.id },
    });
    expect(set.content).toContain(`<@&${mods.id}>`);
    const after = await track(h, 'Scott', { who: mod });
    expect(after.content).toContain('Now tracking **Scott**');
    // While the role is set, members without it are refused: one with another role, one with none.
    s.world.addUser({ username: 'Amy' });
    for (const who of [helper, h.member]) {
      const refused = await track(h, 'Amy', { who });
      expect(isEphemeral(refused)).toBe(true);
      expect(refused.content).toContain('Nothing was changed');
    }
    expect(await trackedNames(h)).not.toContain('Amy');
    const show = await h.slash(mod, 'settings', { subcommand: 'show' });
    expect(JSON.stringify(show.embeds)).toContain(`<@&${mods.id}>`);

    // Clearing the role takes it away again.
    await h.slash(h.admin, 'settings', { subcommand: 'manager-role' });
    const removed = await h.slash(mod, 'track', { subcommand: 'remove', options: { user: 'Scott' } });
    expect(removed.content).toContain('Nothing was changed');
    expect(await trackedNames(h)).toContain('Scott');
  });

  it('refuses a channel where the bot lacks a permission, naming it', async () => {
    let noFiles!: FakeChannel;
    let hidden!: FakeChannel;
    const s = await startTracking({
      beforeLogin: (discord, base) => {
        const botRole = { id: base.guild.botRoleId, type: 'role' as const };
        noFiles = discord.addChannel(base.guild.id, {
          name: 'no-files',
          permissionOverwrites: [{ ...botRole, deny: Permission.AttachFiles }],
        });
        hidden = discord.addChannel(base.guild.id, {
          name: 'hidden',
          permissionOverwrites: [{ ...botRole, deny: Permission.ViewChannel | Permission.EmbedLinks }],
        });
      },
    });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const files = await track(h, 'Scott', { channel: noFiles.id });
    expect(isEphemeral(files)).toBe(true);
    expect(files.content).toContain('**Attach Files**');
    expect(files.content).not.toContain('Send Messages');
    const view = await h.slash(h.admin, 'settings', {
      subcommand: 'channel',
      options: { channel: hidden.id },
    });
    expect(view.content).toContain('**View Channel**');
    expect(view.content).toContain('**Embed Links**');
    expect(await trackedNames(h)).toContain('Nobody is tracked');
    const show = await h.slash(h.admin, 'settings', { subcommand: 'show' });
    expect(JSON.stringify(show.embeds)).toContain(`<#${h.channel.id}>`);
  });

  it('says so when the RA user does not exist, and tracks nothing', async () => {
    const s = await startTracking();
    h = s.h;
    const reply = await track(h, 'NoSuchUser');
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toMatch(/NoSuchUser/);
    expect(reply.content).toMatch(/not find|no (RetroAchievements )?user|doesn.t exist|not found/i);
    expect(await trackedNames(h)).toContain('Nobody is tracked');
  });

  it('asks for a channel when the server has none, before asking RA', async () => {
    const s = await startTracking();
    h = s.h;
    // A second server without a default channel.
    const guild = h.discord.addGuild({ name: 'Bare' });
    const channel = h.discord.addChannel(guild.id, { name: 'general' });
    const admin = h.discord.addMember(guild.id, {
      username: 'bare-admin',
      permissions: Permission.ManageGuild,
    });
    s.world.addUser({ username: 'Scott' });
    h.ra.requests.clear();
    const reply = await h.slash(admin, 'track', {
      subcommand: 'add',
      options: { user: 'Scott' },
      guild,
      channel,
    });
    expect(reply.content).toContain('/settings channel');
    expect(h.ra.requests.count()).toBe(0);
  });

  it('caps tracked users per server with a clear message, and re-adding is idempotent', async () => {
    const s = await startTracking({ env: { MAX_TRACKED_USERS_PER_SERVER: '2' } });
    h = s.h;
    for (const name of ['Scott', 'Amy', 'Tails']) s.world.addUser({ username: name });
    await track(h, 'Scott');
    await track(h, 'Amy');
    const again = await track(h, 'scott');
    expect(again.content).toContain('already tracked');
    const third = await track(h, 'Tails');
    expect(isEphemeral(third)).toBe(true);
    expect(third.content).toContain('already tracks 2 users');
    expect(third.content).toContain('/track remove');
    const names = await trackedNames(h);
    expect(names).toContain('Scott');
    expect(names).not.toContain('Tails');
    const show = await h.slash(h.admin, 'settings', { subcommand: 'show' });
    expect(JSON.stringify(show.embeds)).toContain('2 of 2');
  });

  it('keeps servers apart: lists, removals and announcements', async () => {
    let guild2!: FakeGuild;
    let channel2!: FakeChannel;
    let admin2!: FakeMember;
    const s = await startTracking({
      beforeLogin: (discord) => {
        guild2 = discord.addGuild({ name: 'Other Club' });
        channel2 = discord.addChannel(guild2.id, { name: 'cheevos' });
        admin2 = discord.addMember(guild2.id, { username: 'admin2', permissions: Permission.ManageGuild });
      },
    });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 20, 'Ristar', 3);
    await track(h, 'Scott');
    const in2 = { guild: guild2, channel: channel2 };
    await h.slash(admin2, 'settings', { subcommand: 'channel', options: { channel: channel2.id }, ...in2 });
    await h.slash(admin2, 'track', { subcommand: 'add', options: { user: 'Amy' }, ...in2 });

    expect(await trackedNames(h)).not.toContain('Amy');
    const names2 = await trackedNames(h, guild2, channel2, admin2);
    expect(names2).toContain('Amy');
    expect(names2).not.toContain('Scott');
    // Server 2 can't remove server 1's user.
    const remove = await h.slash(admin2, 'track', {
      subcommand: 'remove',
      options: { user: 'Scott' },
      ...in2,
    });
    expect(remove.content).toContain('isn’t tracked on this server');
    // Server 2's settings show only server 2.
    const show2 = await h.slash(admin2, 'settings', { subcommand: 'show', ...in2 });
    expect(JSON.stringify(show2.embeds)).not.toContain(h.channel.id);

    s.world.unlock('Scott', ids[0]!);
    s.world.unlock('Amy', ids[1]!);
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);
    expect(h.discord.channelMessages(channel2.id).map(announcedAchievementIds)).toEqual([[ids[1]]]);
  });
});
