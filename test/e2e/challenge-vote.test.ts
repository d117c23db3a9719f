/**
 * Nominations and votes for the next server challenge (issue 18), end to end: linked members
 * nominate, a manager opens a vote whose message carries one button per nomination, members vote
 * and change their vote, a tie goes to the most nominated game, and the result is posted once; the
 * winner starts at once, or when the running challenge ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMember } from '../fakes/discord/index.js';
import { startCommunity, stopCommunity } from './community-helpers.js';
import type { Harness } from './harness.js';
import { addGame, isEphemeral, MINUTE, messageText, type TrackingSetup } from './tracking-helpers.js';

afterEach(stopCommunity);

function link(s: TrackingSetup, member: FakeMember, username: string) {
  s.world.addUser({ username });
  s.h.bot.store.linkAccount({
    discordUserId: member.user.id,
    ulid: s.world.user(username).ulid,
    displayName: username,
    linkedBy: member.user.id,
    now: s.clock.now(),
    guildId: s.h.guild.id,
  });
}

const nominate = (h: Harness, who: FakeMember, game: number) =>
  h.slash(who, 'challenge', { subcommand: 'nominate', options: { game: String(game) } });

/** `/challenge vote open|close` (a subcommand of the `vote` group). */
function vote(h: Harness, who: FakeMember, sub: 'open' | 'close', options: Record<string, string> = {}) {
  return h.discord
    .sendSlashCommand({
      guildId: h.guild.id,
      channelId: h.channel.id,
      userId: who.user.id,
      name: 'challenge',
      subcommandGroup: 'vote',
      subcommand: sub,
      options,
    })
    .waitForReply(10_000);
}

const posts = (h: Harness) => h.discord.channelMessages(h.channel.id);

async function press(h: Harness, who: FakeMember, messageId: string, gameId: number) {
  const message = h.discord.channelMessages(h.channel.id).find((m) => m.id === messageId)!;
  const button = message.components
    .flatMap((row) => (row as { components: { custom_id: string }[] }).components)
    .find((c) => c.custom_id.endsWith(`:${gameId}`))!;
  return h.discord
    .clickButton({
      guildId: h.guild.id,
      channelId: h.channel.id,
      userId: who.user.id,
      customId: button.custom_id,
      messageId,
    })
    .waitForReply();
}

describe('/challenge nominate and vote', () => {
  it('takes nominations, a vote with a changed vote and a tie, posts the result once, and starts the winner', async () => {
    let second!: FakeMember;
    let third!: FakeMember;
    const s = await startCommunity({
      beforeLogin: (discord, base) => {
        second = discord.addMember(base.guild.id, { username: 'second' });
        third = discord.addMember(base.guild.id, { username: 'third' });
      },
    });
    addGame(s.world, 7, 'Ring Rush', 3);
    addGame(s.world, 8, 'Other Game', 2);
    addGame(s.world, 9, 'Third Game', 2);
    const first = s.h.member;
    link(s, first, 'Ann');
    link(s, second, 'Bob');
    link(s, third, 'Cid');

    const unlinked = await nominate(s.h, s.h.admin, 7);
    expect(isEphemeral(unlinked)).toBe(true);
    expect(unlinked.content).toContain('linked RetroAchievements account');
    expect((await nominate(s.h, first, 7)).content).toContain('You nominated **Ring Rush**');
    const again = await nominate(s.h, first, 7);
    expect(isEphemeral(again)).toBe(true);
    expect(again.content).toContain('You already nominated **Ring Rush**');
    expect((await nominate(s.h, first, 8)).content).toContain('it replaces your earlier one');
    s.clock.advance(MINUTE);
    await nominate(s.h, second, 7);
    await nominate(s.h, third, 7);

    const notManager = await vote(s.h, first, 'open');
    expect(isEphemeral(notManager)).toBe(true);
    expect(notManager.content).toContain('Only members with **Manage Server**');
    const opened = await vote(s.h, s.h.admin, 'open', { ends: '1d' });
    expect(opened.content).toContain('The vote is open');
    await s.h.bot.dispatcher.drain();
    const voteMessage = posts(s.h).find((m) =>
      messageText(m).includes('Vote for the next server challenge'),
    )!;
    // Most nominated first.
    expect(messageText(voteMessage)).toMatch(
      /1\. \[Ring Rush\][^\n]*2 nominations\n2\. \[Other Game\][^\n]*1 nomination/,
    );
    const refused = await nominate(s.h, first, 9);
    expect(refused.content).toContain('A vote is open right now');

    expect((await press(s.h, first, voteMessage.id, 8)).content).toContain('Your vote: **Other Game**');
    expect((await press(s.h, second, voteMessage.id, 8)).content).toContain('Your vote: **Other Game**');
    const changed = await press(s.h, second, voteMessage.id, 7);
    expect(isEphemeral(changed)).toBe(true);
    expect(changed.content).toContain('You changed your vote to **Ring Rush**');

    const closed = await vote(s.h, s.h.admin, 'close');
    expect(closed.content).toContain('The vote is closed');
    await s.h.bot.dispatcher.drain();
    const late = await press(s.h, third, voteMessage.id, 8);
    expect(isEphemeral(late)).toBe(true);
    expect(late.content).toContain('This vote is closed');

    // 1-1: the tie goes to the most nominated game, whose challenge starts at once.
    const result = posts(s.h).filter((m) => messageText(m).includes('Vote result'));
    expect(result).toHaveLength(1);
    const text = messageText(result[0]!);
    expect(text).toContain('**Ring Rush** won the vote. It was a tie');
    expect(text).toContain('Its challenge starts now.');
    expect(text).toMatch(/\[Ring Rush\][^\n]*1 vote\n\[Other Game\][^\n]*1 vote/);
    expect(
      posts(s.h).filter((m) => messageText(m).includes('A new server challenge has started: **Ring Rush**')),
    ).toHaveLength(1);

    await s.h.restart();
    await s.h.bot.challenges.tick();
    await s.h.bot.dispatcher.drain();
    expect(posts(s.h).filter((m) => messageText(m).includes('Vote result'))).toHaveLength(1);

    // A second cycle while Ring Rush runs: the winner waits for it to end.
    expect((await nominate(s.h, first, 9)).content).toContain('You nominated **Third Game**');
    await vote(s.h, s.h.admin, 'open', { ends: '2h' });
    await s.h.bot.dispatcher.drain();
    const secondVote = posts(s.h).filter((m) =>
      messageText(m).includes('Vote for the next server challenge'),
    )[1]!;
    await press(s.h, third, secondVote.id, 9);
    s.clock.advance(2 * 60 * MINUTE);
    await s.h.bot.challenges.tick();
    await s.h.bot.dispatcher.drain();
    const second2 = posts(s.h).filter((m) => messageText(m).includes('Vote result'))[1]!;
    expect(messageText(second2)).toContain('Its challenge starts when the running one ends.');
    expect(posts(s.h).filter((m) => messageText(m).includes('has started: **Third Game**'))).toHaveLength(0);
    await s.h.slash(s.h.admin, 'challenge', { subcommand: 'end' });
    await s.h.bot.dispatcher.drain();
    const texts = posts(s.h).map(messageText);
    const over = texts.findIndex((t) => t.includes('on **Ring Rush** is over'));
    const next = texts.findIndex((t) => t.includes('has started: **Third Game**'));
    expect(over).toBeGreaterThan(-1);
    expect(next).toBeGreaterThan(over);
  });
});
