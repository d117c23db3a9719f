/**
 * Servers come and go: removed from a server, the bot forgets it (settings, tracked users,
 * announcements) and stops polling users nobody else tracks; a server that is only unavailable
 * keeps everything; servers left while offline are forgotten at start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeChannel, FakeGuild, FakeMember } from '../fakes/discord/index.js';
import { Permission } from '../fakes/discord/index.js';
import type { Harness } from './harness.js';
import {
  addGame,
  announcedAchievementIds,
  MINUTE,
  settingsShow,
  startTracking,
  type TrackingSetup,
  track,
} from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(h.discord.violations).toEqual([]);
  await h?.stop();
  h = undefined;
});

interface TwoServers extends TrackingSetup {
  guild2: FakeGuild;
  channel2: FakeChannel;
  admin2: FakeMember;
  ids: number[];
}

/** The bot in a second server too, with its own channel and manager. */
async function withSecondServer(): Promise<Omit<TwoServers, 'ids'>> {
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
  return { ...s, guild2, channel2, admin2 };
}

/** Scott is tracked by both servers, Amy only by the second; Amy has a pending announcement there. */
async function twoServers(): Promise<TwoServers> {
  const s = await withSecondServer();
  const { h, guild2, channel2, admin2 } = s;
  s.world.addUser({ username: 'Scott' });
  s.world.addUser({ username: 'Amy' });
  const ids = addGame(s.world, 90, 'Streets of Rage 2', 6);
  await track(h, 'Scott');
  const in2 = { who: admin2, guild: guild2, inChannel: channel2 };
  await h.slash(admin2, 'settings', {
    subcommand: 'channel',
    options: { channel: channel2.id },
    guild: guild2,
    channel: channel2,
  });
  await track(h, 'Scott', in2);
  await track(h, 'Amy', in2);
  s.world.unlock('Amy', ids[0]!);
  await h.bot.poller.runCycle(); // queued for the second server, not posted yet
  return { ...s, ids };
}

function dataOf(s: TwoServers, guildId: string) {
  const db = s.h.bot.store.db;
  const count = (sql: string) => (db.prepare(sql).get(guildId) as { n: number }).n;
  return {
    settings: count('SELECT count(*) AS n FROM guild_settings WHERE guild_id = ?'),
    tracked: count('SELECT count(*) AS n FROM tracked_users WHERE guild_id = ?'),
    outbox: count('SELECT count(*) AS n FROM outbox WHERE guild_id = ?'),
  };
}

async function pollRequestsFor(s: TwoServers, username: string): Promise<number> {
  s.h.ra.requests.clear();
  s.clock.advance(5 * MINUTE);
  await s.h.pollAndDrain();
  const ulid = s.world.user(username).ulid;
  return s.h.ra.requests.of('GetUserRecentAchievements').filter((r) => r.params.u === ulid).length;
}

describe('servers the bot leaves', () => {
  it('forgets a server it was removed from and stops polling users only it tracked', async () => {
    const s = await twoServers();
    expect(dataOf(s, s.guild2.id)).toEqual({ settings: 1, tracked: 2, outbox: 1 });
    s.h.discord.removeGuild(s.guild2.id);
    await s.h.discord.waitUntil(() => dataOf(s, s.guild2.id).tracked === 0, 5_000, 'the server forgotten');
    expect(dataOf(s, s.guild2.id)).toEqual({ settings: 0, tracked: 0, outbox: 0 });
    expect(await pollRequestsFor(s, 'Amy')).toBe(0);
    expect(await pollRequestsFor(s, 'Scott')).toBe(1);

    // The first server goes on as before.
    s.world.unlock('Scott', s.ids[1]!);
    s.clock.advance(MINUTE);
    await s.h.pollAndDrain();
    expect(s.h.discord.channelMessages(s.h.channel.id).map(announcedAchievementIds)).toEqual([[s.ids[1]]]);
  });

  it('leaves every other server’s waiting and failed announcements as they were', async () => {
    const s = await twoServers();
    // The first server: one announcement failed for good (its channel is gone), one waiting.
    const broken = s.h.discord.addChannel(s.h.guild.id, { name: 'broken' });
    s.world.addUser({ username: 'Dan' });
    await track(s.h, 'Dan', { channel: broken.id });
    s.h.discord.removeChannel(broken.id);
    s.world.unlock('Dan', s.ids[2]!);
    await s.h.pollAndDrain();
    s.world.unlock('Scott', s.ids[3]!);
    s.clock.advance(MINUTE);
    await s.h.bot.poller.runCycle(); // queued for both servers, not posted yet
    expect(await settingsShow(s.h)).toContain('1 waiting · 1 failed for good');

    s.h.discord.removeGuild(s.guild2.id);
    await s.h.discord.waitUntil(() => dataOf(s, s.guild2.id).tracked === 0, 5_000, 'the server forgotten');
    expect(dataOf(s, s.guild2.id).outbox).toBe(0);
    expect(await settingsShow(s.h)).toContain('1 waiting · 1 failed for good');
  });

  it('keeps everything of a server that is only unavailable (an outage)', async () => {
    const s = await twoServers();
    s.h.discord.dispatch('GUILD_DELETE', { id: s.guild2.id, unavailable: true });
    await s.h.discord.waitUntil(
      () => s.h.logs.some((l) => l.includes('server unavailable')),
      5_000,
      'the outage to be seen',
    );
    expect(dataOf(s, s.guild2.id)).toEqual({ settings: 1, tracked: 2, outbox: 1 });
    expect(await pollRequestsFor(s, 'Amy')).toBe(1);
  });

  it('forgets at start a server it was removed from while offline', async () => {
    const s = await twoServers();
    await s.h.restart(() => s.h.discord.removeGuild(s.guild2.id));
    expect(dataOf(s, s.guild2.id)).toEqual({ settings: 0, tracked: 0, outbox: 0 });
    expect(dataOf(s, s.h.guild.id).tracked).toBe(1);
    expect(await pollRequestsFor(s, 'Amy')).toBe(0);
  });
});

describe('servers left while offline that only used community features', () => {
  it('forgets a server that only turned on AotW posts, the digest or member settings, and queues nothing for it', async () => {
    const s = await withSecondServer();
    const { h, guild2, channel2, admin2 } = s;
    addGame(s.world, 5, 'Castle Quest', [{ id: 501 }, { id: 502 }]);
    const in2 = { guild: guild2, channel: channel2 };
    await h.slash(admin2, 'aotw', { subcommand: 'announce', options: { channel: channel2.id }, ...in2 });
    await h.slash(admin2, 'digest', {
      subcommand: 'on',
      options: { channel: channel2.id, weekday: 1, hour: 9, timezone: 'UTC' },
      ...in2,
    });
    await h.slash(admin2, 'settings', { subcommand: 'members', options: { 'self-tracking': true }, ...in2 });
    // The first server opts in too: the AotW below is posted there, so the job did run.
    await h.slash(h.admin, 'aotw', { subcommand: 'announce', options: { channel: h.channel.id } });
    s.world.aotw = { achievementId: 501, startAt: new Date(s.clock.now().getTime() - 24 * 60 * MINUTE) };
    await h.bot.community.tick(); // the bot's first look: nothing announced

    await h.restart(() => h.discord.removeGuild(guild2.id));
    s.world.aotw = { achievementId: 502, startAt: s.clock.now() };
    s.clock.advance(60 * MINUTE);
    await h.bot.community.tick();
    await h.bot.dispatcher.drain();

    const db = h.bot.store.db;
    const rowsOf = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE guild_id = ?`).get(guild2.id) as { n: number }).n;
    expect(h.discord.channelMessages(h.channel.id).map((m) => m.content)).toEqual([
      expect.stringContaining('A new Achievement of the Week has started'),
    ]);
    expect({
      outbox: rowsOf('outbox'),
      community: rowsOf('guild_community'),
      members: rowsOf('guild_link_settings'),
    }).toEqual({ outbox: 0, community: 0, members: 0 });
  });
});
