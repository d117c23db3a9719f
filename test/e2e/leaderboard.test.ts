/**
 * /leaderboard end to end: real bot, fake Discord, fake RA. Week/month boards come from what
 * the poller stored (no RA request when the command runs); all time from RA totals the
 * background tick refreshes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../fakes/discord/index.js';
import { startCommunity, stopCommunity } from './community-helpers.js';
import { buttonByLabel, expectNoPings, expectWithinLimits, press } from './progress-helpers.js';
import { addGame, DAY, HOUR, isEphemeral, MINUTE, type TrackingSetup, track } from './tracking-helpers.js';

afterEach(stopCommunity);

const lines = (m: FakeMessage) => (m.embeds[0]?.description ?? '').split('\n');
const board = (s: TrackingSetup, options: Record<string, string> = {}, who = s.h.member) =>
  s.h.slash(who, 'leaderboard', { options });

/** Users P01..Pnn, each tracked, then unlocking `points(i)` one-point achievements in hardcore. */
async function seed(count: number, points: (i: number) => number): Promise<TrackingSetup> {
  const s = await startCommunity();
  addGame(
    s.world,
    7,
    'Point Farm',
    Array.from({ length: 40 }, (_, i) => ({ id: 700 + i, points: 1, title: `Farm ${i}` })),
  );
  for (let i = 1; i <= count; i++) {
    const name = `P${String(i).padStart(2, '0')}`;
    s.world.addUser({ username: name });
    await track(s.h, name);
  }
  s.clock.advance(MINUTE);
  for (let i = 1; i <= count; i++) {
    const name = `P${String(i).padStart(2, '0')}`;
    for (let k = 0; k < points(i); k++) s.world.unlock(name, 700 + k, { hardcore: true });
  }
  await s.h.pollAndDrain();
  return s;
}

describe('/leaderboard', () => {
  it('ranks the week by hardcore points from SQLite, ties sharing a rank, asking RA nothing', async () => {
    // P01..P04 score 3, 5, 5, 1.
    const s = await seed(4, (i) => [3, 5, 5, 1][i - 1]!);
    const before = s.h.ra.requests.count();
    const reply = await board(s);
    expect(s.h.ra.requests.count()).toBe(before);
    expect(isEphemeral(reply)).toBe(false);
    expect(reply.embeds[0]?.title).toContain('last 7 days · hardcore points');
    expect(lines(reply)).toEqual([
      expect.stringMatching(/^🥇 \[P02\].* · 5 points$/),
      expect.stringMatching(/^🥇 \[P03\].* · 5 points$/),
      expect.stringMatching(/^🥉 \[P01\].* · 3 points$/),
      expect.stringMatching(/^`#4` \[P04\].* · 1 point$/),
    ]);
    expect(reply.components).toEqual([]);
    expectWithinLimits(reply);
    expectNoPings(s.h);
  });

  it('leaves out what was earned before the server tracked the user, and what fell out of the week', async () => {
    const s = await seed(2, (i) => (i === 1 ? 2 : 0));
    // P02: an unlock dated before tracking started (backdated), then a real one now.
    s.world.unlock('P02', 730, { hardcore: true, at: new Date(s.clock.now().getTime() - 2 * DAY) });
    s.world.unlock('P02', 731, { hardcore: true });
    await s.h.pollAndDrain();
    expect(lines(await board(s))).toEqual([
      expect.stringMatching(/^🥇 \[P01\].* · 2 points$/),
      expect.stringMatching(/^🥈 \[P02\].* · 1 point$/),
    ]);
    s.clock.advance(8 * DAY);
    expect(lines(await board(s))[0]).toBe('Nothing counted in this period yet.');
    expect(lines(await board(s, { period: 'month' }))[0]).toMatch(/^🥇 \[P01\]/);
  });

  it('pages by 10 for the invoker only, and shows a chosen user’s position when off the page', async () => {
    // P01 has 1 point … P12 has 12: P01 ranks 12th.
    const s = await seed(12, (i) => i);
    const reply = await board(s, { user: 'P01' });
    expect(lines(reply)).toHaveLength(12);
    expect(lines(reply)[0]).toMatch(/^🥇 \[P12\]/);
    expect(lines(reply)[10]).toBe('…');
    expect(lines(reply)[11]).toMatch(/^\*\*`#12` \[P01\].* · 1 point\*\* ◀$/);
    expect(reply.embeds[0]?.footer?.text).toContain('Page 1/2');
    expect(buttonByLabel(reply, '◀ Previous').disabled).toBe(true);

    // Someone else pressing gets a private refusal; the board stays.
    const stranger = press(s.h, s.h.admin, reply, buttonByLabel(reply, 'Next ▶').custom_id!);
    const refusal = await stranger.waitForReply();
    expect(isEphemeral(refusal)).toBe(true);
    expect(refusal.content).toContain('Only the person who ran this');

    const before = s.h.ra.requests.count();
    const page2 = await press(
      s.h,
      s.h.member,
      reply,
      buttonByLabel(reply, 'Next ▶').custom_id!,
    ).waitForReply();
    expect(s.h.ra.requests.count()).toBe(before);
    expect(lines(page2)).toEqual([
      expect.stringMatching(/^`#11` \[P02\].* · 2 points$/),
      expect.stringMatching(/^\*\*`#12` \[P01\].* · 1 point\*\* ◀$/),
    ]);
    expect(page2.embeds[0]?.footer?.text).toContain('Page 2/2');
    expect(buttonByLabel(page2, 'Next ▶').disabled).toBe(true);
    expectWithinLimits(page2);

    s.clock.advance(16 * MINUTE);
    const expired = await press(
      s.h,
      s.h.member,
      page2,
      buttonByLabel(page2, '◀ Previous').custom_id!,
    ).waitForReply();
    expect(expired.content).toContain('expired');
  });

  it('shows the invoker’s own position, through their linked account, when it is off the page', async () => {
    const s = await seed(12, (i) => i);
    const p01 = s.world.user('P01');
    s.h.bot.store.linkAccount({
      discordUserId: s.h.member.user.id,
      ulid: p01.ulid,
      displayName: 'P01',
      linkedBy: s.h.admin.user.id,
      now: s.clock.now(),
      guildId: s.h.guild.id,
    });
    const mine = lines(await board(s));
    expect(mine).toHaveLength(12);
    expect(mine[11]).toMatch(/^\*\*`#12` \[P01\].* · 1 point\*\* ◀$/);
    // Someone without a link sees the plain first page.
    expect(lines(await board(s, {}, s.h.admin))).toHaveLength(10);
  });

  it('ranks by awards and by unlocks', async () => {
    const s = await startCommunity();
    addGame(s.world, 1, 'Tiny', 1);
    addGame(s.world, 2, 'Small', 2);
    s.world.addUser({ username: 'Ann' });
    s.world.addUser({ username: 'Bob' });
    await track(s.h, 'Ann');
    await track(s.h, 'Bob');
    s.clock.advance(MINUTE);
    s.world.unlock('Ann', 101, { hardcore: true }); // mastered Tiny
    s.world.unlock('Bob', 201);
    s.world.unlock('Bob', 202); // completed Small (softcore): 2 unlocks
    s.world.unlock('Bob', 101); // completed Tiny: 3 unlocks
    await s.h.pollAndDrain();
    expect(lines(await board(s, { by: 'awards' }))).toEqual([
      expect.stringMatching(/^🥇 \[Bob\].* · 2 mastered · 0 beaten$/),
      expect.stringMatching(/^🥈 \[Ann\].* · 1 mastered · 0 beaten$/),
    ]);
    expect(lines(await board(s, { by: 'unlocks' }))).toEqual([
      expect.stringMatching(/^🥇 \[Bob\].* · 3 unlocks$/),
      expect.stringMatching(/^🥈 \[Ann\].* · 1 unlock$/),
    ]);
  });

  it('counts a game beaten and mastered between two polls as both, like the same unlocks over two polls', async () => {
    const s = await startCommunity();
    const typed = [
      { id: 301, type: 'progression' as const },
      { id: 302, type: 'win_condition' as const },
      { id: 303 },
    ];
    addGame(s.world, 3, 'Typed Quest', typed);
    s.world.addUser({ username: 'Ann' });
    s.world.addUser({ username: 'Bob' });
    await track(s.h, 'Ann');
    await track(s.h, 'Bob');
    s.clock.advance(MINUTE);
    for (const { id } of typed) s.world.unlock('Ann', id, { hardcore: true }); // one poll
    s.world.unlock('Bob', 301, { hardcore: true });
    s.world.unlock('Bob', 302, { hardcore: true }); // beaten
    await s.h.pollAndDrain();
    s.clock.advance(MINUTE);
    s.world.unlock('Bob', 303, { hardcore: true }); // mastered, a poll later
    await s.h.pollAndDrain();
    expect(lines(await board(s, { by: 'awards' }))).toEqual([
      expect.stringMatching(/^🥇 \[Ann\].* · 1 mastered · 1 beaten$/),
      expect.stringMatching(/^🥇 \[Bob\].* · 1 mastered · 1 beaten$/),
    ]);
  });

  it('ranks all time by RA totals read in the background, never when the command runs', async () => {
    const s = await seed(3, (i) => i);
    const logs = s.h.logs.filter((l) => l.includes('"level":40') || l.includes('"level":50'));
    expect(logs).toEqual([]);
    s.world.unlock('P01', 739, { hardcore: true, at: new Date(Date.UTC(2020, 0, 1)) }); // RA total only
    // The totals /track add read (0 each: they scored after being tracked) count at once.
    const early = await board(s, { period: 'all' });
    expect(lines(early)[0]).toBe('Nothing counted in this period yet.');
    expect(s.h.ra.requests.count('GetUserAwards')).toBe(0);

    const report = await s.h.bot.community.tick(); // 2 users a tick
    expect(report.totalsRefreshed).toBe(2);
    await s.h.bot.community.tick();
    expect(s.h.ra.requests.count('GetUserAwards')).toBe(3);
    const before = s.h.ra.requests.count();
    const reply = await board(s, { period: 'all' });
    expect(s.h.ra.requests.count()).toBe(before);
    // P01's old unlock counts here (RA's total): P01 and P02 tie at 2.
    expect(lines(reply)).toEqual([
      expect.stringMatching(/^🥇 \[P03\].* · 3 points$/),
      expect.stringMatching(/^🥈 \[P01\].* · 2 points$/),
      expect.stringMatching(/^🥈 \[P02\].* · 2 points$/),
    ]);
    // Fresh totals are not asked again for 12 hours.
    await s.h.bot.community.tick();
    expect(s.h.ra.requests.count('GetUserAwards')).toBe(3);

    const refused = s.h.discord.sendSlashCommand({
      guildId: s.h.guild.id,
      channelId: s.h.channel.id,
      userId: s.h.member.user.id,
      name: 'leaderboard',
      options: { period: 'all', by: 'unlocks' },
    });
    await refused.waitFor((x) => x.followUps.length > 0);
    expect(isEphemeral(refused.followUps[0]!)).toBe(true);
    expect(refused.followUps[0]!.content).toContain('no all-time unlock count');
  });

  it('counts all time from the totals /track add read, and keeps followers’ points current from the follower list', async () => {
    const s = await startCommunity({
      env: { RA_USERNAME: 'cheevobot' },
      // Follower reads only when the test asks (step()).
      overrides: { followers: { firstPageEveryMs: HOUR, otherPagesEveryMs: 4 * HOUR } },
    });
    addGame(
      s.world,
      7,
      'Point Farm',
      Array.from({ length: 40 }, (_, i) => ({ id: 700 + i, points: 1, title: `Farm ${i}` })),
    );
    s.world.addUser({ username: 'Veteran' });
    for (let k = 0; k < 5; k++)
      s.world.unlock('Veteran', 700 + k, { hardcore: true, at: new Date(Date.UTC(2020, 0, 1)) });
    s.world.addUser({ username: 'Fan' });
    s.world.follow('Fan');
    await track(s.h, 'Veteran');
    await track(s.h, 'Fan');

    const first = await board(s, { period: 'all' });
    expect(lines(first)).toEqual([expect.stringMatching(/^🥇 \[Veteran\].* · 5 points$/)]);
    expect(first.embeds[0]?.footer?.text).toContain('1 more tracked with nothing counted');
    expect(s.h.ra.requests.count('GetUserAwards')).toBe(0);

    for (let k = 0; k < 7; k++) s.world.unlock('Fan', 710 + k, { hardcore: true });
    // Past the first page's period (the two follow lists share the read budget, so the
    // followers' page 1 comes a little less often than firstPageEveryMs).
    s.clock.advance(2 * HOUR);
    const profiles = s.h.ra.requests.count('GetUserProfile');
    await s.h.bot.followers!.step();
    const after = await board(s, { period: 'all' });
    expect(lines(after)).toEqual([
      expect.stringMatching(/^🥇 \[Fan\].* · 7 points$/),
      expect.stringMatching(/^🥈 \[Veteran\].* · 5 points$/),
    ]);
    // From the follower list alone: no profile or awards read.
    expect(s.h.ra.requests.count('GetUserProfile')).toBe(profiles);
    expect(s.h.ra.requests.count('GetUserAwards')).toBe(0);
  });

  it('suggests the server’s tracked users for `user`', async () => {
    const s = await seed(3, () => 1);
    const choices = await s.h.discord
      .sendAutocomplete({
        guildId: s.h.guild.id,
        channelId: s.h.channel.id,
        userId: s.h.member.user.id,
        name: 'leaderboard',
        focused: 'user',
        options: { user: 'p0' },
      })
      .waitForChoices();
    expect(choices.map((c) => c.name)).toEqual(['P01', 'P02', 'P03']);
  });
});
