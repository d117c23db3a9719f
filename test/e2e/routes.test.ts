/**
 * Issue 20 as admins see it: per-kind channels (/settings route), unlock filters
 * (/settings filter), through the real bot against both fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { zonedParts } from '../../src/community/digest-schedule.js';
import type { FakeChannel } from '../fakes/discord/index.js';
import { Permission } from '../fakes/discord/index.js';
import type { Harness } from './harness.js';
import {
  addGame,
  announcedAchievementIds,
  isEphemeral,
  messageText,
  settingsShow,
  startTracking,
  track,
} from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  try {
    // Every payload the bot sent (posts, samples, replies) was one Discord accepts.
    expect(h?.discord.violations ?? []).toEqual([]);
    expect(h?.discord.errors ?? []).toEqual([]);
  } finally {
    await h?.stop();
    h = undefined;
  }
});

/** Tracking set up (see startTracking) with these extra channels, created before login. */
async function startWithChannels(...names: string[]) {
  const channels: FakeChannel[] = [];
  const s = await startTracking({
    beforeLogin: (discord, base) => {
      for (const name of names) channels.push(discord.addChannel(base.guild.id, { name }));
    },
  });
  return { s, channels: channels as [FakeChannel, FakeChannel, ...FakeChannel[]] };
}

function postsTo(harness: Harness, channelId: string) {
  return harness.discord.channelMessages(channelId);
}

async function route(harness: Harness, kind: string, channel?: FakeChannel) {
  return harness.slash(harness.admin, 'settings', {
    subcommand: 'route',
    options: channel ? { kind, channel: channel.id } : { kind },
  });
}

async function filter(harness: Harness, options: Record<string, string | number | boolean>) {
  return harness.slash(harness.admin, 'settings', { subcommand: 'filter', options });
}

describe('/settings route', () => {
  it('sends masteries to the hall of fame and unlocks to their usual channels, a user’s own channel included', async () => {
    const {
      s,
      channels: [hall, own],
    } = await startWithChannels('hall-of-fame', 'amy-feed');
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 2, 'Streets of Rage', 2);
    await track(h, 'Scott');
    await track(h, 'Amy', { channel: own.id });

    const set = await route(h, 'awards', hall);
    expect(isEphemeral(set)).toBe(true);
    expect(set.content).toContain('Awards (beaten, completed, mastered)');
    expect(set.content).toContain(`<#${hall.id}>`);

    for (const user of ['Scott', 'Amy']) for (const id of ids) s.world.unlock(user, id, { hardcore: true });
    await h.pollAndDrain();

    // Unlocks: Scott's to the default, Amy's to her own channel; both masteries to the hall.
    expect(postsTo(h, h.channel.id).map(announcedAchievementIds)).toEqual([[ids[0]], [ids[1]]]);
    expect(postsTo(h, own.id).map(announcedAchievementIds)).toEqual([[ids[0]], [ids[1]]]);
    const hallPosts = postsTo(h, hall.id).map(messageText);
    expect(hallPosts).toHaveLength(2);
    for (const text of hallPosts) expect(text).toMatch(/mastered/i);
    expect(hallPosts.join('\n')).toContain('Scott');
    expect(hallPosts.join('\n')).toContain('Amy');

    const show = await settingsShow(h);
    expect(show).toContain(`**Awards (beaten, completed, mastered)** → <#${hall.id}>`);
    expect(show).toContain('**Unlocks** → default');
  });

  it('routes unlocks over a user’s own channel, and back to it when the route is cleared', async () => {
    const {
      s,
      channels: [feed, own],
    } = await startWithChannels('unlock-feed', 'amy-feed');
    h = s.h;
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 3, 'Golden Axe', 8);
    await track(h, 'Amy', { channel: own.id });
    await route(h, 'unlocks', feed);
    s.world.unlock('Amy', ids[0]!);
    await h.pollAndDrain();
    expect(postsTo(h, feed.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);
    expect(postsTo(h, own.id)).toEqual([]);

    const cleared = await route(h, 'unlocks');
    expect(cleared.content).toContain('Route cleared');
    s.world.unlock('Amy', ids[1]!);
    await h.pollAndDrain();
    expect(postsTo(h, own.id).map(announcedAchievementIds)).toEqual([[ids[1]]]);
    expect(postsTo(h, feed.id)).toHaveLength(1);
  });

  it('moves what still waits for a kind to its new channel, in order; other kinds stay', async () => {
    const {
      s,
      channels: [hall],
    } = await startWithChannels('hall-of-fame');
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 4, 'Shinobi', 6);
    await track(h, 'Scott');
    // The default channel loses Embed Links: everything waits there.
    h.discord.setChannelOverwrites(h.channel.id, [
      { id: h.guild.botRoleId, type: 'role', deny: Permission.EmbedLinks },
    ]);
    for (const id of ids) s.world.unlock('Scott', id, { hardcore: true });
    await h.pollAndDrain();
    expect(postsTo(h, h.channel.id)).toEqual([]);

    const set = await route(h, 'awards', hall);
    expect(set.content).toContain('1 waiting post moved with it, in order.');
    await h.bot.dispatcher.drain();
    const hallPosts = postsTo(h, hall.id);
    expect(hallPosts).toHaveLength(1);
    expect(messageText(hallPosts[0]!)).toMatch(/mastered/i);

    // The unlocks (a collapsed post of 6) still wait for the default channel.
    h.discord.setChannelOverwrites(h.channel.id, []);
    s.clock.advance(11 * 60_000);
    await h.bot.dispatcher.drain();
    expect(postsTo(h, h.channel.id).map(announcedAchievementIds)).toEqual([ids]);
    expect(postsTo(h, hall.id)).toHaveLength(1);
  });

  it('keeps routed posts where their route sends them when the default channel changes', async () => {
    const {
      s,
      channels: [hall, other],
    } = await startWithChannels('hall-of-fame', 'new-default');
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 5, 'Columns', 1);
    await track(h, 'Scott');
    await route(h, 'awards', hall);
    // Nothing can post yet: the bot may not send in the hall or the default channel.
    const deny = [{ id: h.guild.botRoleId, type: 'role' as const, deny: Permission.SendMessages }];
    h.discord.setChannelOverwrites(h.channel.id, deny);
    h.discord.setChannelOverwrites(hall.id, deny);
    s.world.unlock('Scott', ids[0]!, { hardcore: true });
    await h.pollAndDrain();

    await h.slash(h.admin, 'settings', { subcommand: 'channel', options: { channel: other.id } });
    await h.bot.dispatcher.drain();
    expect(postsTo(h, other.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);
    expect(postsTo(h, other.id).map(messageText).join('\n')).not.toMatch(/mastered/i);

    h.discord.setChannelOverwrites(hall.id, []);
    s.clock.advance(11 * 60_000);
    await h.bot.dispatcher.drain();
    expect(postsTo(h, hall.id).map(messageText).join('\n')).toMatch(/mastered/i);
  });

  it('sends failed posts to their route on /settings retry', async () => {
    const { s, channels } = await startWithChannels('hall-of-fame', 'new-hall');
    h = s.h;
    const [hall, newHall] = channels;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 14, 'Kid Chameleon', 1);
    await track(h, 'Scott');
    await route(h, 'awards', hall);
    h.discord.removeChannel(hall.id);
    s.world.unlock('Scott', ids[0]!, { hardcore: true });
    await h.pollAndDrain();
    expect(await settingsShow(h)).toContain('1 failed for good');
    await route(h, 'awards', newHall);
    const retry = await h.slash(h.admin, 'settings', { subcommand: 'retry' });
    expect(retry.content).toContain('1 failed announcement will be sent again');
    await h.bot.dispatcher.drain();
    expect(postsTo(h, newHall.id).map(messageText).join('\n')).toMatch(/mastered/i);
    expect(postsTo(h, h.channel.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);
  });

  it('sends the weekly digest to its route rather than the channel given to /digest', async () => {
    const { s, channels } = await startWithChannels('digest', 'weekly');
    h = s.h;
    const [digest, weekly] = channels;
    const zone = 'UTC';
    const target = s.clock.now().getTime() + 60 * 60_000;
    const p = zonedParts(target, zone);
    const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
    const slotMs = target - (p.minute * 60_000 + p.second * 1000 + (target % 1000));
    await h.slash(h.admin, 'digest', {
      subcommand: 'on',
      options: { channel: digest.id, weekday, hour: p.hour, timezone: zone },
    });
    await route(h, 'digest', weekly);
    s.clock.advance(slotMs - s.clock.now().getTime() + 20 * 60_000);
    await h.bot.community.tick();
    await h.bot.dispatcher.drain();
    expect(postsTo(h, weekly.id).map((m) => m.embeds[0]?.title)).toEqual(['📰 Weekly digest']);
    expect(postsTo(h, digest.id)).toEqual([]);
  });

  it('refuses a route to a channel where the bot can’t embed, naming the permission, and changes nothing', async () => {
    let noEmbeds!: FakeChannel;
    const s = await startTracking({
      beforeLogin: (discord, base) => {
        noEmbeds = discord.addChannel(base.guild.id, {
          name: 'no-embeds',
          permissionOverwrites: [{ id: base.guild.botRoleId, type: 'role', deny: Permission.EmbedLinks }],
        });
      },
    });
    h = s.h;
    const refused = await route(h, 'awards', noEmbeds);
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toContain('Embed Links');
    expect(refused.content).toContain('Nothing was changed');
    expect(await settingsShow(h)).toContain('**Awards (beaten, completed, mastered)** → default');

    const member = await h.slash(h.member, 'settings', {
      subcommand: 'route',
      options: { kind: 'unlocks', channel: h.channel.id },
    });
    expect(member.content).toContain('Manage Server');
  });

  it('answers in the invoker’s language', async () => {
    const {
      s,
      channels: [hall],
    } = await startWithChannels('hall-of-fame');
    h = s.h;
    const reply = await h.discord
      .sendSlashCommand({
        guildId: h.guild.id,
        channelId: h.channel.id,
        userId: h.admin.user.id,
        name: 'settings',
        subcommand: 'route',
        options: { kind: 'awards', channel: hall.id },
        locale: 'fr',
      })
      .waitForReply(10_000);
    expect(reply.content).toContain('Route définie : **Récompenses (terminé, complété, maîtrisé)**');
  });
});

describe('/settings filter', () => {
  it('posts hardcore unlocks only, not softcore ones', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 6, 'Ecco', 8);
    await track(h, 'Scott');
    const set = await filter(h, { 'hardcore-only': true });
    expect(set.content).toContain('hardcore unlocks only');
    s.world.unlock('Scott', ids[0]!, { hardcore: false });
    s.world.unlock('Scott', ids[1]!, { hardcore: true });
    await h.pollAndDrain();
    expect(postsTo(h, h.channel.id).map(announcedAchievementIds)).toEqual([[ids[1]]]);
  });

  it('posts unlocks worth at least the minimum points; a collapsed post shows only those, the leaderboard counts all', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(
      s.world,
      7,
      'Ristar',
      Array.from({ length: 10 }, (_, i) => ({ id: 701 + i, title: `Star ${i + 1}`, points: i < 5 ? 5 : 25 })),
    );
    await track(h, 'Scott');
    await filter(h, { 'min-points': 10 });
    s.world.unlock('Scott', ids[0]!, { hardcore: true });
    await h.pollAndDrain();
    expect(postsTo(h, h.channel.id)).toEqual([]);
    // 4 of 5 points and 5 of 25: one collapsed post of the five that pass.
    for (const id of ids.slice(1)) s.world.unlock('Scott', id, { hardcore: true });
    await h.pollAndDrain();
    const posts = postsTo(h, h.channel.id);
    // Then the mastery, which no filter holds back.
    expect(posts.map(announcedAchievementIds)).toEqual([ids.slice(5), []]);
    expect(messageText(posts[0]!)).not.toContain('Star 2');
    expect(messageText(posts[1]!)).toMatch(/mastered/i);
    // Filtered unlocks still count: the leaderboard has all ten (5 × 5 + 5 × 25 points).
    const board = await h.slash(h.member, 'leaderboard', {});
    expect(board.embeds[0]?.description).toMatch(/Scott.* · 150 points/);
  });

  it('posts only unlocks rarer than N% of the game’s players, by RA’s own counts', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 8, 'Phantasy Star', 3);
    const game = s.world.game(8);
    game.numDistinctPlayers = 1000;
    // 40%, 4.9% (50 of 1001 after Scott), 1%
    game.achievements.get(ids[0]!)!.numAwarded = 400;
    game.achievements.get(ids[1]!)!.numAwarded = 49;
    game.achievements.get(ids[2]!)!.numAwarded = 10;
    await track(h, 'Scott');
    const set = await filter(h, { 'rarer-than': 5 });
    expect(set.content).toContain('earned by fewer than 5% of the game’s players');
    for (const id of ids) s.world.unlock('Scott', id, { hardcore: true });
    await h.pollAndDrain();
    const posts = postsTo(h, h.channel.id);
    expect(posts.map(announcedAchievementIds)).toEqual([[ids[1]], [ids[2]], []]);
    expect(messageText(posts[2]!)).toMatch(/mastered/i);
  });

  it('never filters awards; shows the filters with no option, and a reset clears them', async () => {
    const s = await startTracking();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 9, 'Vectorman', 1);
    await track(h, 'Scott');
    await filter(h, { 'min-points': 50, 'hardcore-only': true });
    s.world.unlock('Scott', ids[0]!, { hardcore: true });
    await h.pollAndDrain();
    const posts = postsTo(h, h.channel.id);
    expect(posts).toHaveLength(1);
    expect(messageText(posts[0]!)).toMatch(/mastered/i);

    const shown = await filter(h, {});
    expect(shown.content).toContain('hardcore unlocks only · at least 50 points');
    expect(await settingsShow(h)).toContain('hardcore unlocks only · at least 50 points');
    const reset = await filter(h, { reset: true });
    expect(reset.content).toContain('Filters cleared');
    expect((await filter(h, {})).content).toContain('none, every unlock is posted');
  });
});

describe('/settings test', () => {
  it('posts a marked sample of each enabled kind where it would go, and reports a channel lacking Embed Links', async () => {
    const { s, channels } = await startWithChannels('hall-of-fame', 'aotw-news');
    h = s.h;
    const [hall, news] = channels;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 11, 'Alex Kidd', 4);
    await track(h, 'Scott');
    s.world.unlock('Scott', ids[0]!, { hardcore: true });
    await h.pollAndDrain();
    const before = postsTo(h, h.channel.id).length;
    await route(h, 'awards', hall);
    await h.slash(h.admin, 'aotw', { subcommand: 'announce', options: { channel: news.id } });
    h.discord.removeChannel(news.id);
    h.discord.setChannelOverwrites(hall.id, [
      { id: h.guild.botRoleId, type: 'role', deny: Permission.EmbedLinks },
    ]);

    const reply = await h.slash(h.admin, 'settings', { subcommand: 'test' });
    expect(isEphemeral(reply)).toBe(true);
    const table = reply.embeds[0]?.description ?? '';
    expect(table).toContain(`**Unlocks** → <#${h.channel.id}>: ✅ posted`);
    expect(table).toContain(
      `**Awards (beaten, completed, mastered)** → <#${hall.id}>: ❌ missing Embed Links`,
    );
    expect(table).toContain(`**Achievement of the Week** → <#${news.id}>: ❌ unknown channel`);
    expect(table).not.toContain('Progress milestones'); // off by default

    // One sample in the default channel, about the real user and their real unlock, marked as a test.
    const samples = postsTo(h, h.channel.id).slice(before);
    expect(samples).toHaveLength(1);
    const text = messageText(samples[0]!);
    expect(text).toContain('Test post');
    expect(text).toContain('Scott');
    expect(text).toContain('Alex Kidd cheevo 1');
    expect(postsTo(h, hall.id)).toEqual([]);

    // Milestones on: their sample goes to the default channel too, with the real user.
    await h.slash(h.admin, 'settings', { subcommand: 'announce', options: { milestones: true } });
    const again = await h.slash(h.admin, 'settings', { subcommand: 'test' });
    expect(again.embeds[0]?.description).toContain(`**Progress milestones** → <#${h.channel.id}>: ✅ posted`);
    const milestone = postsTo(h, h.channel.id).at(-1)!;
    expect(milestone.content).toContain('Test post');
    expect(milestone.content).toContain('**Scott** has passed 50%');

    // Never stored as an announcement: nothing waits or failed, and nothing is sent again.
    expect(await settingsShow(h)).toContain('0 waiting · 0 failed for good');
    await h.pollAndDrain();
    expect(postsTo(h, h.channel.id).length).toBe(before + 3);
  });
});

describe('progress milestones', () => {
  function milestoneTexts(harness: Harness, channelId: string): string[] {
    return postsTo(harness, channelId)
      .map((m) => m.content ?? '')
      .filter((c) => c.startsWith('📈'));
  }

  it('posts 25%, 50%, 75% once each, never again after a set revision, and never for progress before tracking', async () => {
    const { s } = await startWithChannels();
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    s.world.addUser({ username: 'Amy' });
    const ids = addGame(s.world, 12, 'Golden Axe', 8);
    // Amy had 5 of 8 (past 25% and 50%) before anyone tracked her.
    for (const id of ids.slice(0, 5))
      s.world.unlock('Amy', id, { at: new Date(s.clock.now().getTime() - 60_000) });
    await track(h, 'Scott');
    await track(h, 'Amy');
    // Off by default.
    s.world.unlock('Scott', ids[0]!);
    s.world.unlock('Scott', ids[1]!);
    await h.pollAndDrain();
    expect(milestoneTexts(h, h.channel.id)).toEqual([]);

    const on = await h.slash(h.admin, 'settings', { subcommand: 'announce', options: { milestones: true } });
    expect(on.content).toContain('Progress milestones (25%, 50%, 75%): **on**');
    // 25% was passed while milestones were off: it stays passed. 2 more: 50%.
    s.world.unlock('Scott', ids[2]!);
    s.world.unlock('Scott', ids[3]!);
    s.world.unlock('Amy', ids[5]!);
    await h.pollAndDrain();
    const texts = milestoneTexts(h, h.channel.id);
    expect(texts).toHaveLength(2);
    expect(texts).toContain('📈 **Scott** has passed 50% of **Golden Axe** (softcore): 4/8 achievements.');
    // Amy passed 75% with an unlock made after tracking; her 25% and 50% came before it.
    expect(texts).toContain('📈 **Amy** has passed 75% of **Golden Axe** (softcore): 6/8 achievements.');

    // A set revision doubles the set: Scott falls to 25%, then climbs over 50% again: no post.
    const more = s.world.addAchievements(
      12,
      Array.from({ length: 8 }, (_, i) => ({ id: 1209 + i, title: `Revised ${i + 1}`, points: 5 })),
    );
    for (const a of more.slice(0, 4)) s.world.unlock('Scott', a.id);
    await h.pollAndDrain();
    expect(milestoneTexts(h, h.channel.id)).toHaveLength(2);
    // 75% of the revised set is new: posted once.
    for (const a of more.slice(4, 8)) s.world.unlock('Scott', a.id);
    await h.pollAndDrain();
    await h.pollAndDrain();
    const after = milestoneTexts(h, h.channel.id);
    expect(after).toHaveLength(3);
    expect(after[2]).toBe('📈 **Scott** has passed 75% of **Golden Axe** (softcore): 12/16 achievements.');
  });

  it('routes milestones to their own channel and counts hardcore only where the filter says so', async () => {
    const { s, channels } = await startWithChannels('progress');
    h = s.h;
    const [progress] = channels;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 13, 'Shining Force', 4);
    await track(h, 'Scott');
    await h.slash(h.admin, 'settings', { subcommand: 'announce', options: { milestones: true } });
    await route(h, 'milestones', progress);
    await filter(h, { 'hardcore-only': true });
    s.world.unlock('Scott', ids[0]!, { hardcore: false });
    await h.pollAndDrain();
    expect(milestoneTexts(h, progress.id)).toEqual([]);
    s.world.unlock('Scott', ids[1]!, { hardcore: true });
    s.world.unlock('Scott', ids[2]!, { hardcore: true });
    await h.pollAndDrain();
    expect(milestoneTexts(h, progress.id)).toEqual([
      '📈 **Scott** has passed 50% of **Shining Force** (hardcore): 2/4 achievements.',
    ]);
    expect(milestoneTexts(h, h.channel.id)).toEqual([]);
  });
});

describe('/settings test on a new server', () => {
  it('posts placeholder samples in the server’s language and answers in the invoker’s', async () => {
    const s = await startTracking({
      beforeLogin: (_discord, base) => {
        base.guild.preferredLocale = 'de';
      },
    });
    h = s.h;
    const reply = await h.slash(h.admin, 'settings', { subcommand: 'test' });
    expect(reply.embeds[0]?.description).toContain(`**Unlocks** → <#${h.channel.id}>: ✅ posted`);
    const [unlock, award] = postsTo(h, h.channel.id).map(messageText);
    expect(unlock).toContain('🧪 **Testbeitrag** (Freischaltungen)');
    expect(unlock).toContain('Beispielspieler');
    expect(unlock).toContain('Beispiel-Achievement');
    expect(award).toContain('🧪 **Testbeitrag** (Auszeichnungen (durchgespielt, abgeschlossen, gemeistert))');
    expect(await settingsShow(h)).toContain('0 waiting · 0 failed for good');
  });
});
