/**
 * Achievement of the Week: read from RA at most once an hour for all servers, shown by /aotw
 * with the server's tracked users who have it, marked in unlock announcements, and posted once
 * to servers that opted in when a new one starts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCommunity, stopCommunity } from './community-helpers.js';
import type { Harness } from './harness.js';
import { addGame, DAY, HOUR, isEphemeral, MINUTE, messageText, track } from './tracking-helpers.js';

afterEach(stopCommunity);

const aotwRequests = (h: Harness) => h.ra.requests.count('GetAchievementOfTheWeek');

describe('/aotw', () => {
  it('says when RA has none set, and asks RA once an hour whatever the number of servers', async () => {
    const s = await startCommunity({
      beforeLogin: (discord) => {
        discord.addGuild({ name: 'Second server' });
      },
    });
    const before = await s.h.slash(s.h.member, 'aotw', { subcommand: 'show' });
    expect(before.embeds[0]?.description).toContain('hasn’t been read');
    await s.h.bot.community.tick();
    await s.h.bot.community.tick();
    expect(aotwRequests(s.h)).toBe(1);
    const none = await s.h.slash(s.h.member, 'aotw', { subcommand: 'show' });
    expect(none.embeds[0]?.description).toContain('no Achievement of the Week set');
    expect(aotwRequests(s.h)).toBe(1);
    s.clock.advance(HOUR - MINUTE);
    await s.h.bot.community.tick();
    expect(aotwRequests(s.h)).toBe(1);
    s.clock.advance(MINUTE);
    await s.h.bot.community.tick();
    expect(aotwRequests(s.h)).toBe(2);
  });

  it('shows the AotW with who has it, and marks a tracked user’s unlock of it', async () => {
    const s = await startCommunity();
    addGame(s.world, 5, 'Castle <@everyone> Quest', [
      { id: 501, title: 'Warm-up', points: 5 },
      { id: 502, title: 'The *Week* Star', description: 'Beat the boss', points: 25, badgeName: '55502' },
    ]);
    for (const name of ['Ann', 'Bob', 'Cid']) s.world.addUser({ username: name });
    s.world.aotw = { achievementId: 502, startAt: new Date(s.clock.now().getTime() - DAY) };
    s.world.unlock('Ann', 502, { hardcore: true, at: new Date(s.clock.now().getTime() - HOUR) });
    for (const name of ['Ann', 'Bob', 'Cid']) await track(s.h, name);
    await s.h.bot.community.tick();
    s.clock.advance(MINUTE);
    s.world.unlock('Bob', 502);
    s.world.unlock('Cid', 501, { hardcore: true });
    await s.h.pollAndDrain();

    const posts = s.h.discord.channelMessages(s.h.channel.id);
    const bob = posts.find((m) => messageText(m).includes('The \\*Week\\* Star'));
    expect(messageText(bob!)).toContain('⭐ Achievement of the Week');
    const cid = posts.find((m) => messageText(m).includes('Warm-up'));
    expect(messageText(cid!)).not.toContain('Achievement of the Week');

    const reply = await s.h.slash(s.h.member, 'aotw', { subcommand: 'show' });
    expect(isEphemeral(reply)).toBe(false);
    const text = messageText(reply);
    expect(text).toContain('The \\*Week\\* Star');
    expect(text).toContain('25 · 50 RetroPoints');
    expect(text).not.toContain('<@everyone>');
    expect(text).toContain('Tracked here who have it (2)');
    expect(text).toMatch(/🏆 \[Ann\]/);
    expect(text).toMatch(/🔓 \[Bob\]/);
    expect(text).not.toContain('[Cid]');
    expect(reply.embeds[0]?.thumbnail?.url).toContain('/Badge/55502.png');
  });

  it('posts once to servers that opted in when a new AotW starts, also across a restart', async () => {
    const s = await startCommunity();
    addGame(s.world, 5, 'Castle Quest', [{ id: 501 }, { id: 502 }]);
    const refused = await s.h.slash(s.h.member, 'aotw', {
      subcommand: 'announce',
      options: { channel: s.h.channel.id },
    });
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toContain('Only members with **Manage Server**');
    const on = await s.h.slash(s.h.admin, 'aotw', {
      subcommand: 'announce',
      options: { channel: s.h.channel.id },
    });
    expect(isEphemeral(on)).toBe(true);
    expect(on.content).toContain(`<#${s.h.channel.id}>`);

    // The bot's first look announces nothing: as far as it knows this one didn't just start.
    s.world.aotw = { achievementId: 501, startAt: new Date(s.clock.now().getTime() - DAY) };
    await s.h.bot.community.tick();
    await s.h.bot.dispatcher.drain();
    expect(s.h.discord.channelMessages(s.h.channel.id)).toEqual([]);

    s.world.aotw = { achievementId: 502, startAt: s.clock.now() };
    s.clock.advance(HOUR);
    await s.h.bot.community.tick();
    await s.h.bot.dispatcher.drain();
    const posts = s.h.discord.channelMessages(s.h.channel.id);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.content).toContain('A new Achievement of the Week has started');

    await s.h.restart();
    s.clock.advance(HOUR);
    await s.h.bot.community.tick();
    await s.h.bot.dispatcher.drain();
    expect(aotwRequests(s.h)).toBe(3);
    expect(s.h.discord.channelMessages(s.h.channel.id)).toHaveLength(1);

    const off = await s.h.slash(s.h.admin, 'aotw', { subcommand: 'announce' });
    expect(off.content).toContain('off');
  });

  it('posts again when an achievement is chosen again in a later week', async () => {
    const s = await startCommunity();
    addGame(s.world, 6, 'Encore Quest', [{ id: 601 }, { id: 602 }]);
    await s.h.slash(s.h.admin, 'aotw', { subcommand: 'announce', options: { channel: s.h.channel.id } });
    const startsNow = async (achievementId: number) => {
      s.world.aotw = { achievementId, startAt: s.clock.now() };
      s.clock.advance(HOUR);
      await s.h.bot.community.tick();
      await s.h.bot.dispatcher.drain();
    };
    s.world.aotw = { achievementId: 602, startAt: new Date(s.clock.now().getTime() - DAY) };
    await s.h.bot.community.tick(); // the bot's first look: nothing posted
    await startsNow(601);
    s.clock.advance(7 * DAY);
    await startsNow(601); // chosen again the next week: a new week, posted again
    const posts = s.h.discord.channelMessages(s.h.channel.id);
    expect(posts.map((m) => m.content)).toEqual(
      Array(2).fill(expect.stringContaining('A new Achievement of the Week has started')),
    );
    expect(posts.map((m) => JSON.stringify(m.embeds).includes('/achievement/601'))).toEqual([true, true]);
  });
});
