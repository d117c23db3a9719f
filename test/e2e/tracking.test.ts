/**
 * Tracked users -> poller -> outbox -> channel posts, through the real bot against both fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeChannel, FakeGuild, FakeMember } from '../fakes/discord/index.js';
import { Permission } from '../fakes/discord/index.js';
import type { Harness } from './harness.js';
import {
  addGame,
  announcedAchievementIds,
  channelPostBodies,
  embedText,
  HOUR,
  MINUTE,
  messageText,
  startTracking,
  track,
} from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('announcing new unlocks', () => {
  it('posts one announcement per new unlock in the server channel, and nothing on the next cycle', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const [first] = addGame(s.world, 1, 'Sonic the Hedgehog', [
      { id: 101, title: 'Ring Collector', description: 'Collect 100 rings', points: 10, badgeName: '00101' },
      { id: 102, title: 'Speedy', points: 5 },
    ]);
    const added = await track(h, 'Scott');
    expect(added.content).toContain('Now tracking **Scott**');

    // A minute after tracking started; RA keeps unlock times to the second.
    s.clock.advance(MINUTE);
    const unlockedAt = new Date(Math.floor((s.clock.now().getTime() - 10_000) / 1000) * 1000);
    s.world.unlock('Scott', first!, { hardcore: true, at: unlockedAt });
    await h.pollAndDrain();

    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts).toHaveLength(1);
    const text = messageText(posts[0]!);
    expect(text).toContain('Scott');
    expect(text).toContain('Ring Collector');
    expect(text).toContain('Collect 100 rings');
    expect(text).toContain('Sonic the Hedgehog');
    expect(text).toContain('10 points');
    // The unlock's own mode (not any "hardcore" elsewhere, e.g. in the rarity line).
    expect(posts[0]!.embeds[0]?.fields?.find((f) => f.name === 'Mode')?.value).toBe('Hardcore');
    expect(text).toContain('RetroPoints');
    expect(text).toContain('Mega Drive');
    expect(text).toMatch(/Progress[\s\S]*1\/2/);
    expect(text).toContain('of players'); // rarity
    expect(posts[0]!.embeds[0]?.timestamp).toBe(unlockedAt.toISOString());
    expect(JSON.stringify(posts[0]!.embeds[0])).toContain('/game/1');
    expect(JSON.stringify(posts[0]!.embeds[0])).toContain('/Badge/00101.png');
    expect(announcedAchievementIds(posts[0]!)).toEqual([101]);
    // Posted with a nonce Discord enforces, and no mention can ping.
    const [body] = channelPostBodies(h, h.channel.id);
    expect(body).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(typeof body?.nonce).toBe('string');

    // Nothing new: the next cycle posts nothing, and an idle user costs one RA request.
    h.ra.requests.clear();
    await h.pollAndDrain();
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id)).toHaveLength(1);
    expect(h.ra.requests.count()).toBe(2);
    expect(h.ra.requests.count('GetUserRecentAchievements')).toBe(2);
  });

  it('never overlaps poll cycles: a cycle started while one runs joins it', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    await track(h, 'Scott');
    h.ra.requests.clear();
    h.ra.latencyMs = 150;
    const [a, b] = await Promise.all([h.bot.poller.runCycle(), h.bot.poller.runCycle()]);
    expect(a).toBe(b);
    expect(h.ra.requests.count('GetUserRecentAchievements')).toBe(1);
  });

  it('posts to the user’s own channel when /track add names one', async () => {
    let own!: FakeChannel;
    const s = await startTracking({
      beforeLogin: (discord, base) => {
        own = discord.addChannel(base.guild.id, { name: 'scott-feed' });
      },
    });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 2, 'Streets of Rage', 2);
    const reply = await track(h, 'Scott', { channel: own.id });
    expect(reply.content).toContain(`<#${own.id}>`);
    await track(h, 'Amy');
    // Re-adding without a channel keeps the user's own channel (idempotent).
    const again = await track(h, 'Scott');
    expect(again.content).toContain('already tracked');
    expect(again.content).toContain(`<#${own.id}>`);

    s.world.unlock('Scott', ids[0]!);
    s.world.unlock('Amy', ids[1]!);
    await h.pollAndDrain();

    expect(h.discord.channelMessages(own.id).map((m) => announcedAchievementIds(m))).toEqual([[ids[0]]]);
    expect(h.discord.channelMessages(h.channel.id).map((m) => announcedAchievementIds(m))).toEqual([
      [ids[1]],
    ]);
  });

  it('announces to every server that tracks a user while polling that user once', async () => {
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
    const ids = addGame(s.world, 3, 'Ecco', 3);
    await track(h, 'Scott');
    await h.slash(admin2, 'settings', {
      subcommand: 'channel',
      options: { channel: channel2.id },
      guild: guild2,
      channel: channel2,
    });
    await track(h, 'Scott', { who: admin2, guild: guild2, inChannel: channel2 });

    s.world.unlock('Scott', ids[0]!);
    h.ra.requests.clear();
    await h.pollAndDrain();

    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);
    expect(h.discord.channelMessages(channel2.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);
    expect(h.ra.requests.count('GetUserRecentAchievements')).toBe(1);
    expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(1);
  });

  it('announces a softcore unlock later upgraded to hardcore once more, as an upgrade', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 4, 'Kid Chameleon', 2);
    await track(h, 'Scott');
    s.world.unlock('Scott', ids[0]!, { hardcore: false });
    await h.pollAndDrain();
    const [soft] = h.discord.channelMessages(h.channel.id);
    expect(messageText(soft!)).toMatch(/softcore/i);

    s.clock.advance(MINUTE);
    s.world.unlock('Scott', ids[0]!, { hardcore: true });
    await h.pollAndDrain();
    await h.pollAndDrain();
    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts).toHaveLength(2);
    expect(announcedAchievementIds(posts[1]!)).toEqual([ids[0]]);
    expect(messageText(posts[1]!)).toMatch(/upgraded to hardcore/i);
  });

  it('announces beaten and then mastered with the award word, only the highest new award, never twice', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const achievements = [
      { id: 501, title: 'Stage 1', points: 5, type: 'progression' as const },
      { id: 502, title: 'Final Boss', points: 10, type: 'win_condition' as const },
      { id: 503, title: 'Secret', points: 25 },
    ];
    addGame(s.world, 5, 'Gunstar Heroes', achievements);
    await track(h, 'Scott');
    await track(h, 'Amy');

    // Scott: beaten first (an award post after the two unlocks), mastered later.
    s.world.unlock('Scott', 501, { hardcore: true });
    s.world.unlock('Scott', 502, { hardcore: true });
    await h.pollAndDrain();
    const scottPosts = () =>
      h!.discord.channelMessages(h!.channel.id).filter((m) => messageText(m).includes('Scott'));
    expect(scottPosts()).toHaveLength(3);
    const beaten = scottPosts()[2]!;
    expect(messageText(beaten)).toMatch(/beaten/i);
    expect(beaten.content).toContain('Gunstar Heroes');
    expect(JSON.stringify(beaten.embeds[0])).toContain('/Images/0599.png'); // box art

    s.clock.advance(MINUTE);
    s.world.unlock('Scott', 503, { hardcore: true });
    await h.pollAndDrain();
    await h.pollAndDrain();
    expect(scottPosts()).toHaveLength(5);
    const mastered = scottPosts()[4]!;
    expect(messageText(mastered)).toMatch(/mastered/i);
    expect(mastered.embeds[0]?.color).not.toBe(beaten.embeds[0]?.color);
    expect(messageText(mastered)).toContain('Time taken');
    expect(messageText(mastered)).toContain('40 points'); // the set's total

    // Amy earns everything in one cycle: three unlock posts (the threshold) and ONE award, mastered.
    s.world.unlock('Amy', 501, { hardcore: true });
    s.world.unlock('Amy', 502, { hardcore: true });
    s.world.unlock('Amy', 503, { hardcore: true });
    await h.pollAndDrain();
    await h.pollAndDrain();
    const amy = h.discord.channelMessages(h.channel.id).filter((m) => messageText(m).includes('Amy'));
    const awards = amy.filter((m) => /mastered|beaten/i.test(m.content));
    expect(awards).toHaveLength(1);
    expect(awards[0]!.content).toMatch(/mastered/i);
    expect(amy).toHaveLength(4);
  });

  it('never announces what was earned before /track add, even when that game gets a new unlock', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 6, 'Shinobi', [
      { id: 601, title: 'Old One', points: 5, type: 'progression' },
      { id: 602, title: 'Old Two', points: 5, type: 'win_condition' },
      { id: 603, title: 'Brand New', points: 5 },
      { id: 604, title: 'Last One', points: 5 },
    ]);
    const oldGame = addGame(s.world, 7, 'Columns', 1);
    const before = new Date(s.clock.now().getTime() - 2 * HOUR);
    s.world.unlock('Scott', ids[0]!, { hardcore: true, at: before });
    s.world.unlock('Scott', ids[1]!, { hardcore: true, at: before }); // beaten, before tracking
    s.world.unlock('Scott', oldGame[0]!, { hardcore: true, at: new Date(before.getTime() + 60_000) }); // mastered

    await track(h, 'Scott');
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id)).toEqual([]);

    // A new unlock in the game that was beaten before tracking: the unlock only.
    s.world.unlock('Scott', 603, { hardcore: true });
    await h.pollAndDrain();
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id).map(announcedAchievementIds)).toEqual([[603]]);

    s.clock.advance(MINUTE);
    s.world.unlock('Scott', 604, { hardcore: true }); // masters Shinobi now
    await h.pollAndDrain();
    await h.pollAndDrain();
    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts.map(announcedAchievementIds).filter((a) => a.length > 0)).toEqual([[603], [604]]);
    const awardPosts = posts.filter((m) => /mastered|beaten/i.test(m.content));
    expect(awardPosts.map((m) => m.content)).toEqual([expect.stringMatching(/Shinobi.*mastered/i)]);
    expect(posts.some((m) => messageText(m).includes('Columns'))).toBe(false);
  });

  it('keeps announcing a renamed user (by ULID) under the new name', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 8, 'Vectorman', 3);
    await track(h, 'Scott');
    s.world.unlock('Scott', ids[0]!);
    await h.pollAndDrain();

    s.world.rename('Scott', 'ScottyNew');
    s.clock.advance(HOUR + MINUTE);
    s.world.unlock('ScottyNew', ids[1]!);
    h.ra.requests.clear();
    await h.pollAndDrain();

    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts).toHaveLength(2);
    expect(announcedAchievementIds(posts[1]!)).toEqual([ids[1]]);
    expect(embedText(posts[1]!.embeds[0]!)).toContain('ScottyNew');
    expect(h.ra.requests.count('GetUserProfile')).toBe(1);
    const list = await h.slash(h.member, 'track', { subcommand: 'list' });
    expect(list.embeds[0]?.description).toContain('ScottyNew');

    // Within the hour the name is not asked for again.
    s.world.unlock('ScottyNew', ids[0]!, { hardcore: true });
    h.ra.requests.clear();
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id)).toHaveLength(3);
    expect(h.ra.requests.count('GetUserProfile')).toBe(0);
  });

  it('collapses more than the threshold of unlocks in one game and cycle into one message', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 9, 'Altered Beast', 15);
    await track(h, 'Scott');
    for (const id of ids.slice(0, 4)) s.world.unlock('Scott', id); // threshold (3) + 1
    await h.pollAndDrain();
    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts).toHaveLength(1);
    expect(announcedAchievementIds(posts[0]!)).toEqual(ids.slice(0, 4));
    expect(messageText(posts[0]!)).toContain('4 achievements');

    for (const id of ids.slice(4)) s.world.unlock('Scott', id, { hardcore: true });
    await h.pollAndDrain();
    const all = h.discord.channelMessages(h.channel.id);
    // 11 unlocks -> one bundle (listing 10, "+1 more"), and the completion award (4 are softcore).
    expect(all).toHaveLength(3);
    expect(messageText(all[1]!)).toContain('+1 more');
    expect(all[2]!.content).toMatch(/completed/i);
  });

  it('stops announcing after /track remove', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 10, 'Comix Zone', 2);
    await track(h, 'Scott');
    s.world.unlock('Scott', ids[0]!);
    await h.pollAndDrain();
    const removed = await h.slash(h.admin, 'track', { subcommand: 'remove', options: { user: 'Scott' } });
    expect(removed.content).toContain('Stopped tracking **Scott**');
    s.world.unlock('Scott', ids[1]!);
    h.ra.requests.clear();
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id)).toHaveLength(1);
    expect(h.ra.requests.count()).toBe(0);
    const list = await h.slash(h.member, 'track', { subcommand: 'list' });
    expect(list.embeds[0]?.description).toContain('Nobody is tracked');
  });

  it('escapes line-start markdown (>, -#, #) on every line of a multi-line description', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const description = 'Do it\n> not a quote\n-# not small\n# not a heading';
    addGame(s.world, 12, 'Quote Quest', [
      { id: 1201, title: 'Lines', description, points: 5 },
      { id: 1202, title: 'Other', points: 5 },
    ]);
    await track(h, 'Scott');
    s.world.unlock('Scott', 1201, { hardcore: true });
    await h.pollAndDrain();
    const [post] = h.discord.channelMessages(h.channel.id);
    expect(post?.embeds[0]?.description?.split('\n').slice(0, 5)).toEqual([
      'Do it',
      '\\> not a quote',
      '\\-# not small',
      '\\# not a heading',
      '',
    ]);
  });

  it('never lets hostile RA text ping or format', async () => {
    const s = await startTracking();
    h = s.h;
    // A mentionable role, and a bot that may mention everyone: anything not made inert would ping
    // (the fake derives mentions from content + allowed_mentions as Discord does).
    const role = h.discord.addRole(h.guild.id, { name: 'Everyone Else', mentionable: true });
    h.discord.setBotPermissions(
      h.guild.id,
      Permission.ViewChannel |
        Permission.SendMessages |
        Permission.EmbedLinks |
        Permission.AttachFiles |
        Permission.MentionEveryone,
    );
    s.world.addUser({ username: 'Scott' });
    const hostile = `@everyone <@&${role.id}> **bold** @here`;
    addGame(s.world, 11, `@everyone Game <@&${role.id}>`, [
      {
        id: 1101,
        title: hostile,
        description: `[click](https://evil.example) <@${h.admin.user.id}>`,
        points: 5,
      },
      { id: 1102, title: hostile, points: 5 },
    ]);
    await track(h, 'Scott');
    s.world.unlock('Scott', 1101, { hardcore: true });
    s.world.unlock('Scott', 1102, { hardcore: true }); // + mastered award
    await h.pollAndDrain();
    const posts = h.discord.channelMessages(h.channel.id);
    expect(posts).toHaveLength(3);
    // What Discord recorded as pinged (from content + allowed_mentions), checked before the text.
    expect(posts.map((p) => [p.mention_everyone, p.mention_roles, p.mentions])).toEqual(
      posts.map(() => [false, [], []]),
    );
    expect(posts.some((p) => p.content.includes('Game'))).toBe(true); // the award's text carries the title
    for (const post of posts) {
      const text = messageText(post);
      expect(text).not.toContain('@everyone');
      expect(text).not.toContain('@here');
      expect(text).not.toContain(`<@&${role.id}>`);
      expect(text).not.toContain(`<@${h.admin.user.id}>`);
      expect(text).not.toContain('**bold**');
    }
    for (const body of channelPostBodies(h, h.channel.id)) {
      expect(body.allowed_mentions).toEqual({ parse: [] });
    }
  });
});
