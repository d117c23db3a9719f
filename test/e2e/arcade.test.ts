/**
 * Arcade boards (issue 18) end to end: a server follows an RA leaderboard; a tracked user's new best
 * on it is announced once as a server record (score, global rank, whom it beat); entries are read
 * only while users play the board's game, within the stated budget; `/arcade show` ranks the
 * server's users; refusals say why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeChannel } from '../fakes/discord/index.js';
import { startCommunity, stopCommunity } from './community-helpers.js';
import type { Harness } from './harness.js';
import { addGame, isEphemeral, MINUTE, messageText, type TrackingSetup, track } from './tracking-helpers.js';

afterEach(stopCommunity);

const GAME = 5;
const LAP = 51;

function setUp(s: TrackingSetup) {
  addGame(s.world, GAME, 'Arcade Racer', 40);
  s.world.leaderboards.add({
    id: LAP,
    gameId: GAME,
    title: 'Lap Time',
    description: 'Fastest lap',
    format: 'TIME',
    rankAsc: true,
  });
  s.world.leaderboards.add({ id: 52, gameId: GAME, title: 'High Score', format: 'SCORE' });
}

const submit = (s: TrackingSetup, user: string, board: number, score: number) =>
  s.world.leaderboards.submit(board, s.world.user(user), score, s.clock.now());

const arcade = (
  h: Harness,
  who: Harness['admin'],
  subcommand: string,
  options: Record<string, string> = {},
) => h.slash(who, 'arcade', { subcommand, options });

const userReads = (h: Harness) => h.ra.requests.count('GetUserGameLeaderboards');
const records = (h: Harness) =>
  h.discord
    .channelMessages(h.channel.id)
    .map(messageText)
    .filter((t) => t.includes('New server record'));

async function playAndPoll(s: TrackingSetup, moves: [string, number][]) {
  for (const [user, achievement] of moves) s.world.unlock(user, achievement, { hardcore: true });
  await s.h.pollAndDrain();
  await s.h.bot.arcade.idle();
  await s.h.bot.dispatcher.drain();
}

describe('/arcade', () => {
  it('announces a new server record once, with the score, the global rank and whom it beat', async () => {
    const s = await startCommunity();
    setUp(s);
    for (const name of ['Ann', 'Bob', 'Zed']) s.world.addUser({ username: name });
    submit(s, 'Zed', LAP, 2000); // the world's best, not tracked here
    submit(s, 'Ann', LAP, 3000);
    for (const name of ['Ann', 'Bob']) await track(s.h, name);
    await s.h.pollAndDrain();

    const notManager = await arcade(s.h, s.h.member, 'add', { game: String(GAME), leaderboard: String(LAP) });
    expect(isEphemeral(notManager)).toBe(true);
    expect(notManager.content).toContain('Only members with **Manage Server**');
    const unknown = await arcade(s.h, s.h.admin, 'add', { game: String(GAME), leaderboard: '99' });
    expect(unknown.content).toContain('isn’t one of this game’s leaderboards');
    const added = await arcade(s.h, s.h.admin, 'add', { game: String(GAME), leaderboard: String(LAP) });
    expect(added.content).toContain('Now following **Lap Time** (Arcade Racer)');
    const again = await arcade(s.h, s.h.admin, 'add', { game: String(GAME), leaderboard: String(LAP) });
    expect(again.content).toContain('already follows');
    await s.h.bot.dispatcher.drain();
    // Ann's entry from before is the record as followed: nothing is announced for it.
    expect(records(s.h)).toEqual([]);

    s.clock.advance(MINUTE);
    submit(s, 'Bob', LAP, 2500);
    await playAndPoll(s, [['Bob', 501]]);
    expect(records(s.h)).toHaveLength(1);
    expect(records(s.h)[0]).toContain('New server record on **Lap Time**');
    expect(records(s.h)[0]).toMatch(/\[Bob\][^\n]* set \*\*0:41\.66\*\* \(global #2\) in \[Arcade Racer\]/);
    expect(records(s.h)[0]).toContain('It beats Ann’s 0:50.00.');

    // Within two minutes Bob's entries aren't read again; a worse lap later is no record.
    s.clock.advance(MINUTE);
    await playAndPoll(s, [['Bob', 502]]);
    expect(userReads(s.h)).toBe(1);
    s.clock.advance(MINUTE);
    submit(s, 'Bob', LAP, 2600);
    await playAndPoll(s, [['Bob', 503]]);
    expect(userReads(s.h)).toBe(2);
    expect(records(s.h)).toHaveLength(1);

    // The board read when it was followed is reused for 5 minutes, then read again once.
    const boardReads = () => s.h.ra.requests.count('GetLeaderboardEntries');
    expect(boardReads()).toBe(1);
    s.clock.advance(5 * MINUTE);
    const board = messageText(await arcade(s.h, s.h.member, 'show', { leaderboard: String(LAP) }));
    await arcade(s.h, s.h.admin, 'show', { leaderboard: String(LAP) });
    expect(boardReads()).toBe(2);
    expect(board).toMatch(/🥇 \[Bob\][^\n]*\*\*0:41\.66\*\* · global #2/);
    expect(board).toMatch(/🥈 \[Ann\][^\n]*\*\*0:50\.00\*\* · global #3/);
    expect(board).not.toContain('Zed');
    const list = messageText(await arcade(s.h, s.h.member, 'show'));
    expect(list).toContain('**Lap Time** · [Arcade Racer]');
    expect(list).toContain('record: Bob · 0:41.66');

    await s.h.restart();
    await s.h.bot.dispatcher.drain();
    expect(records(s.h)).toHaveLength(1);

    expect((await arcade(s.h, s.h.admin, 'remove', { leaderboard: String(LAP) })).content).toContain(
      'No longer following **Lap Time**',
    );
    const gone = await arcade(s.h, s.h.admin, 'remove', { leaderboard: String(LAP) });
    expect(isEphemeral(gone)).toBe(true);
    expect(gone.content).toContain('doesn’t follow that leaderboard');
  });

  it('runs a race: only entries set during it count, and its podium is posted once when it ends', async () => {
    const s = await startCommunity();
    setUp(s);
    for (const name of ['Ann', 'Bob', 'Cid']) s.world.addUser({ username: name });
    submit(s, 'Ann', LAP, 3000); // before the race: doesn't count in it
    for (const name of ['Ann', 'Bob', 'Cid']) await track(s.h, name);
    await s.h.pollAndDrain();
    await arcade(s.h, s.h.admin, 'add', { game: String(GAME), leaderboard: String(LAP) });

    const notFollowed = await arcade(s.h, s.h.admin, 'race', { leaderboard: '52', ends: '1h' });
    expect(notFollowed.content).toContain('doesn’t follow that leaderboard');
    const badEnd = await arcade(s.h, s.h.admin, 'race', { leaderboard: String(LAP), ends: 'soon' });
    expect(isEphemeral(badEnd)).toBe(true);
    expect(badEnd.content).toContain('as an end');
    const started = await arcade(s.h, s.h.admin, 'race', { leaderboard: String(LAP), ends: '1h' });
    expect(started.content).toContain('A race on **Lap Time** runs until');
    const twice = await arcade(s.h, s.h.admin, 'race', { leaderboard: String(LAP), ends: '2h' });
    expect(twice.content).toContain('A race already runs on **Lap Time**');

    s.clock.advance(MINUTE);
    submit(s, 'Cid', LAP, 2800);
    submit(s, 'Bob', LAP, 2500);
    await playAndPoll(s, [
      ['Cid', 501],
      ['Bob', 501],
    ]);
    const show = messageText(await arcade(s.h, s.h.member, 'show', { leaderboard: String(LAP) }));
    expect(show).toMatch(/🏁 Race until[^\n]*\n🥇 \[Bob\][^\n]*\n🥈 \[Cid\]/);

    // After the end: Ann's better lap is too late for the race.
    s.clock.advance(60 * MINUTE);
    submit(s, 'Ann', LAP, 2000);
    await playAndPoll(s, [['Ann', 501]]);
    await s.h.bot.arcade.tick();
    await s.h.bot.dispatcher.drain();
    await s.h.restart();
    await s.h.bot.arcade.tick();
    await s.h.bot.dispatcher.drain();
    const podiums = s.h.discord
      .channelMessages(s.h.channel.id)
      .map(messageText)
      .filter((t) => t.includes('The race on **Lap Time** is over'));
    expect(podiums).toHaveLength(1);
    expect(podiums[0]).toMatch(/🥇 \[Bob\][^\n]*\*\*0:41\.66\*\*/);
    expect(podiums[0]).toMatch(/🥈 \[Cid\][^\n]*\*\*0:46\.66\*\*/);
    expect(podiums[0]).not.toContain('[Ann]');
  });

  it('posts records to the server’s announcement channel as it is now', async () => {
    let other!: FakeChannel;
    const s = await startCommunity({
      beforeLogin: (discord, base) => {
        other = discord.addChannel(base.guild.id, { name: 'arcade' });
      },
    });
    setUp(s);
    s.world.addUser({ username: 'Bob' });
    await track(s.h, 'Bob');
    await s.h.pollAndDrain();
    await arcade(s.h, s.h.admin, 'add', { game: String(GAME), leaderboard: String(LAP) });
    await s.h.slash(s.h.admin, 'settings', { subcommand: 'channel', options: { channel: other.id } });
    s.clock.advance(MINUTE);
    submit(s, 'Bob', LAP, 2500);
    await playAndPoll(s, [['Bob', 501]]);
    expect(records(s.h)).toEqual([]);
    const moved = s.h.discord
      .channelMessages(other.id)
      .map(messageText)
      .filter((t) => t.includes('New server record'));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toContain('It is the first entry on this board here.');
  });

  it('reads 50 players’ entries at most once per player per 2 minutes while they play', async () => {
    const s = await startCommunity();
    setUp(s);
    const names = Array.from({ length: 50 }, (_, i) => `P${String(i).padStart(2, '0')}`);
    for (const name of names) s.world.addUser({ username: name });
    for (const name of names) await track(s.h, name);
    await s.h.pollAndDrain();
    await arcade(s.h, s.h.admin, 'add', { game: String(GAME), leaderboard: String(LAP) });
    const before = userReads(s.h);
    // Everyone plays for 6 minutes, one poll a minute, each poll showing new activity.
    for (let minute = 0; minute < 6; minute++) {
      s.clock.advance(MINUTE);
      await playAndPoll(
        s,
        names.map((name) => [name, GAME * 100 + minute + 1]),
      );
    }
    const reads = userReads(s.h) - before;
    // 6 minutes: reads at 0, 2 and 4 minutes after the first: 3 per player, 25 a minute on average.
    expect(reads).toBe(150);
    expect(reads / 6).toBeLessThanOrEqual(25);
  }, 60_000);
});
