/**
 * Server challenges (issue 18) end to end: the real bot against the fake Discord and fake RA.
 * A challenge is started, announced once, scored from what the poller stores (hardcore only,
 * only what is earned while it runs), noted on announcements of its game, shown, and its
 * results are posted exactly once across restarts over its end; history keeps them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeChannel } from '../fakes/discord/index.js';
import { startCommunity, stopCommunity } from './community-helpers.js';
import type { Harness } from './harness.js';
import { buttonByLabel, press } from './progress-helpers.js';
import {
  addGame,
  DAY,
  HOUR,
  isEphemeral,
  MINUTE,
  messageText,
  type TrackingSetup,
  track,
} from './tracking-helpers.js';

afterEach(stopCommunity);

const GAME = 7;

function setUp(s: TrackingSetup) {
  addGame(s.world, GAME, 'Ring <@everyone> Rush', [
    { id: 701, title: 'First Ring', points: 5, type: 'progression' },
    { id: 702, title: 'Final Boss', points: 10, type: 'win_condition' },
    { id: 703, title: 'Collector', points: 25 },
  ]);
  addGame(s.world, 8, 'Other Game', 2);
  for (const name of ['Ann', 'Bob', 'Cid']) s.world.addUser({ username: name });
}

/** A refused public command: its placeholder is removed and the answer comes as an ephemeral follow-up. */
async function publicRefusal(h: Harness, subcommand: string) {
  const handle = h.discord.sendSlashCommand({
    guildId: h.guild.id,
    channelId: h.channel.id,
    userId: h.member.user.id,
    name: 'challenge',
    subcommand,
  });
  await handle.waitFor((x) => x.followUps.length > 0, 10_000, 'the refusal');
  return handle.followUps[0]!;
}

const posts = (h: Harness) => h.discord.channelMessages(h.channel.id).map(messageText);

async function startChallenge(s: TrackingSetup, options: Record<string, string | boolean> = {}) {
  const reply = await s.h.slash(s.h.admin, 'challenge', {
    subcommand: 'start',
    options: { game: String(GAME), ...options },
  });
  await s.h.bot.dispatcher.drain();
  return reply;
}

describe('/challenge', () => {
  it('runs a challenge from start to results: points, notes, standings, results once across restarts, history', async () => {
    const s = await startCommunity();
    setUp(s);
    // Before the challenge: Ann's first unlock doesn't count.
    s.world.unlock('Ann', 701, { hardcore: true, at: new Date(s.clock.now().getTime() - HOUR) });
    for (const name of ['Ann', 'Bob', 'Cid']) await track(s.h, name);
    await s.h.pollAndDrain();
    const before = posts(s.h).length;

    const reply = await startChallenge(s, { ends: '3d' });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('has started');
    const startPost = s.h.discord.channelMessages(s.h.channel.id).slice(before);
    expect(startPost).toHaveLength(1);
    expect(messageText(startPost[0]!)).toContain('A new server challenge has started');
    expect(messageText(startPost[0]!)).toContain('Rush');
    expect(messageText(startPost[0]!)).not.toContain('<@everyone>');
    expect(messageText(startPost[0]!)).toContain('Participation 1 · beaten +3 · mastered +3');
    expect(messageText(startPost[0]!)).toContain('Hardcore only');

    s.clock.advance(MINUTE);
    s.world.unlock('Bob', 701, { hardcore: true });
    await s.h.pollAndDrain();
    expect(posts(s.h).at(-1)).toContain('🏁 Challenge: +1 point, now 1st');

    s.clock.advance(MINUTE);
    s.world.unlock('Ann', 702, { hardcore: true });
    s.world.unlock('Ann', 703, { hardcore: true });
    // Softcore doesn't count in a hardcore challenge; another game gets no note.
    s.world.unlock('Cid', 703);
    s.world.unlock('Cid', 801, { hardcore: true });
    await s.h.pollAndDrain();
    const afterAnn = posts(s.h);
    const annUnlocks = afterAnn.find((t) => t.includes('Final Boss'))!;
    expect(annUnlocks).toContain('🏁 Challenge: +1 point, now 2nd');
    const annAward = afterAnn.find((t) => t.toLowerCase().includes('mastered') && t.includes('Ann'))!;
    expect(annAward).toContain('🏁 Challenge: +6 points, now 1st');
    const cid = afterAnn.filter((t) => t.includes('Cid'));
    expect(cid.length).toBeGreaterThan(0);
    for (const text of cid) expect(text).not.toContain('Challenge:');

    const standings = await s.h.slash(s.h.member, 'challenge', { subcommand: 'show' });
    expect(isEphemeral(standings)).toBe(false);
    const text = messageText(standings);
    expect(text).toMatch(/🥇 \[Ann\][^\n]*7 points · 3\/3 · 👑 mastered/);
    expect(text).toMatch(/🥈 \[Bob\][^\n]*1 point · 1\/3/);
    expect(text).not.toContain('[Cid]');

    // The bot is down across the end: the results go out once it is back, and only once.
    await s.h.restart(() => s.clock.advance(3 * DAY + 5 * MINUTE));
    await s.h.bot.challenges.tick();
    await s.h.bot.dispatcher.drain();
    await s.h.restart();
    await s.h.bot.challenges.tick();
    await s.h.bot.dispatcher.drain();
    const results = posts(s.h).filter((t) => t.includes('is over'));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatch(/🥇 \[Ann\][^\n]*7 points · 👑 mastered/);
    expect(results[0]).toMatch(/🥈 \[Bob\][^\n]*1 point/);
    expect(results[0]).toContain('2 players scored');

    const none = await publicRefusal(s.h, 'show');
    expect(isEphemeral(none)).toBe(true);
    expect(none.content).toContain('No challenge is running');

    const year = new Date(s.clock.now().getTime()).getUTCFullYear();
    const history = messageText(
      await s.h.slash(s.h.member, 'challenge', { subcommand: 'history', options: { year } }),
    );
    expect(history).toContain(`Challenges of ${year}`);
    expect(history).toMatch(/won by \[Ann\][^\n]*7 points/);
    expect(history).toMatch(/🥇 \[Ann\][^\n]*7 points · 1 challenge · 1 win/);
  });

  it('reads the progress of users it knows nothing of in the game once, on their next poll', async () => {
    const s = await startCommunity();
    setUp(s);
    for (const name of ['Ann', 'Bob', 'Cid']) await track(s.h, name);
    // Ann played the game before: the bot stores her progress in it.
    s.clock.advance(MINUTE);
    s.world.unlock('Ann', 703, { hardcore: true });
    await s.h.pollAndDrain();
    const reads = () =>
      s.h.ra.requests.of('GetGameInfoAndUserProgress').filter((r) => r.params.g === String(GAME));
    const readsBefore = reads().length;
    expect(readsBefore).toBe(1);

    await startChallenge(s);
    // Nothing is read while the manager waits: the poller does it, in its lane.
    expect(reads()).toHaveLength(readsBefore);
    s.clock.advance(MINUTE);
    await s.h.pollAndDrain();
    const users = reads()
      .slice(readsBefore)
      .map((r) => r.params.u);
    expect(users).toHaveLength(2);
    expect(new Set(users).size).toBe(2);
    s.clock.advance(MINUTE);
    await s.h.pollAndDrain();
    expect(reads()).toHaveLength(readsBefore + 2);
    // The reads announce nothing and give no points.
    const show = messageText(await s.h.slash(s.h.member, 'challenge', { subcommand: 'show' }));
    expect(show).toContain('Nobody has scored yet');
  });

  it('moves its waiting and later posts with the server’s announcement channel, unless given its own', async () => {
    let other!: FakeChannel;
    const s = await startCommunity({
      beforeLogin: (discord, base) => {
        other = discord.addChannel(base.guild.id, { name: 'events' });
      },
    });
    setUp(s);
    // Discord fails the start post once: it waits (backing off) when the channel moves.
    s.h.discord.faults.add({
      method: 'POST',
      route: `/channels/${s.h.channel.id}/messages`,
      status: 503,
      times: 10,
    });
    await s.h.slash(s.h.admin, 'challenge', { subcommand: 'start', options: { game: String(GAME) } });
    await s.h.slash(s.h.admin, 'settings', { subcommand: 'channel', options: { channel: other.id } });
    await s.h.slash(s.h.admin, 'challenge', { subcommand: 'end' });
    // The failed post is retried after its backoff, in the new channel, before the results.
    s.clock.advance(MINUTE);
    await s.h.bot.dispatcher.drain();
    expect(posts(s.h)).toEqual([]);
    const moved = s.h.discord.channelMessages(other.id).map(messageText);
    expect(moved.map((t) => t.split('\n')[0])).toEqual([
      expect.stringContaining('has started'),
      expect.stringContaining('is over'),
    ]);

    // Given its own channel, it stays there.
    s.h.discord.faults.clear();
    const own = await s.h.slash(s.h.admin, 'challenge', {
      subcommand: 'start',
      options: { game: String(GAME), channel: s.h.channel.id },
    });
    expect(own.content).toContain(`<#${s.h.channel.id}>`);
    await s.h.slash(s.h.admin, 'settings', { subcommand: 'channel', options: { channel: other.id } });
    await s.h.slash(s.h.admin, 'challenge', { subcommand: 'end' });
    await s.h.bot.dispatcher.drain();
    expect(posts(s.h).map((t) => t.split('\n')[0])).toEqual([
      expect.stringContaining('has started'),
      expect.stringContaining('is over'),
    ]);
    expect(s.h.discord.channelMessages(other.id)).toHaveLength(2);
  });

  it('pages the standings for the person who asked, with their own line always shown', async () => {
    const s = await startCommunity();
    setUp(s);
    const names = Array.from({ length: 12 }, (_, i) => `P${String(i).padStart(2, '0')}`);
    for (const name of names) s.world.addUser({ username: name });
    for (const name of names) await track(s.h, name);
    await s.h.pollAndDrain();
    await startChallenge(s);
    for (const name of names) {
      s.clock.advance(MINUTE);
      s.world.unlock(name, 701, { hardcore: true });
      await s.h.pollAndDrain();
    }
    s.h.bot.store.linkAccount({
      discordUserId: s.h.member.user.id,
      ulid: s.world.user('P11').ulid,
      displayName: 'P11',
      linkedBy: s.h.member.user.id,
      now: s.clock.now(),
      guildId: s.h.guild.id,
    });
    const first = await s.h.slash(s.h.member, 'challenge', { subcommand: 'show' });
    const lines = messageText(first)
      .split('\n')
      .filter((l) => /^(\*\*)?(🥇|🥈|🥉|`#)/.test(l));
    expect(lines).toHaveLength(11);
    expect(lines[10]).toMatch(/^\*\*`#12` \[P11\].*◀$/);
    const second = await press(
      s.h,
      s.h.member,
      first,
      buttonByLabel(first, /Next/).custom_id!,
    ).waitForReply();
    expect(messageText(second)).toMatch(/`#11` \[P10\]/);
    expect(messageText(second)).toMatch(/\*\*`#12` \[P11\].*◀/);
    const other = await press(
      s.h,
      s.h.admin,
      second,
      buttonByLabel(second, /Previous/).custom_id!,
    ).waitForReply();
    expect(isEphemeral(other)).toBe(true);
    expect(other.content).toContain('aren’t yours');
  });

  it('ends early on /challenge end, sums the yearly table over challenges, and refuses what it must', async () => {
    const s = await startCommunity();
    setUp(s);
    for (const name of ['Ann', 'Bob']) await track(s.h, name);
    await s.h.pollAndDrain();

    const refusals: [string, Record<string, string>, string][] = [
      ['start', { game: String(GAME), ends: 'soon' }, 'as an end'],
      ['start', { game: String(GAME), ends: '2020-01-31' }, 'already passed'],
      ['end', {}, 'No challenge is running'],
    ];
    for (const [subcommand, options, says] of refusals) {
      const reply = await s.h.slash(s.h.admin, 'challenge', { subcommand, options });
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain(says);
    }
    const notManager = await s.h.slash(s.h.member, 'challenge', {
      subcommand: 'start',
      options: { game: String(GAME) },
    });
    expect(isEphemeral(notManager)).toBe(true);
    expect(notManager.content).toContain('Only members with **Manage Server**');

    await startChallenge(s);
    const twice = await s.h.slash(s.h.admin, 'challenge', { subcommand: 'start', options: { game: '8' } });
    expect(isEphemeral(twice)).toBe(true);
    expect(twice.content).toContain('already running');
    s.clock.advance(MINUTE);
    s.world.unlock('Bob', 701, { hardcore: true });
    await s.h.pollAndDrain();
    const ended = await s.h.slash(s.h.admin, 'challenge', { subcommand: 'end' });
    expect(ended.content).toContain('has ended');
    await s.h.bot.dispatcher.drain();
    await s.h.bot.challenges.tick();
    await s.h.bot.dispatcher.drain();
    expect(posts(s.h).filter((t) => t.includes('is over'))).toHaveLength(1);

    // A second challenge, softcore allowed: Ann masters in softcore, Bob beats it in hardcore.
    await startChallenge(s, { softcore: true, ends: '12h' });
    s.clock.advance(MINUTE);
    for (const id of [701, 702, 703]) s.world.unlock('Ann', id);
    s.world.unlock('Bob', 702, { hardcore: true });
    await s.h.pollAndDrain();
    // Results wait a few minutes after the end for unlocks made just before it.
    s.clock.advance(12 * HOUR);
    await s.h.bot.challenges.tick();
    await s.h.bot.dispatcher.drain();
    expect(posts(s.h).filter((t) => t.includes('is over'))).toHaveLength(1);
    s.clock.advance(5 * MINUTE);
    await s.h.bot.challenges.tick();
    await s.h.bot.dispatcher.drain();
    const results = posts(s.h).filter((t) => t.includes('is over'));
    expect(results).toHaveLength(2);
    expect(results[1]).toMatch(/🥇 \[Ann\][^\n]*7 points · 👑 mastered/);
    expect(results[1]).toMatch(/🥈 \[Bob\][^\n]*4 points · 🏁 beaten/);

    const year = new Date(s.clock.now().getTime()).getUTCFullYear();
    const history = messageText(
      await s.h.slash(s.h.member, 'challenge', { subcommand: 'history', options: { year } }),
    );
    expect(history).toMatch(/🥇 \[Ann\][^\n]*7 points · 1 challenge · 1 win/);
    expect(history).toMatch(/🥈 \[Bob\][^\n]*5 points · 2 challenges · 1 win/);
    // A server the bot leaves loses its competitions, running and past.
    await startChallenge(s);
    const store = s.h.bot.store;
    expect(store.challenges.running(s.h.guild.id)).not.toBeNull();
    s.h.discord.removeGuild(s.h.guild.id);
    await s.h.discord.waitUntil(
      () => store.challenges.running(s.h.guild.id) === null,
      5_000,
      'the server forgotten',
    );
    expect(store.challenges.history(s.h.guild.id, year)).toEqual([]);
    expect(store.challenges.yearly(s.h.guild.id, year)).toEqual([]);
  });
});
