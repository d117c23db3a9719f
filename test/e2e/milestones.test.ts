/**
 * Award announcements say which one it is for the player ("their 3rd mastery, 2nd in 2026"),
 * from RA's award counts: one GetUserAwards request per award announced, none for unlocks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCommunity, stopCommunity } from './community-helpers.js';
import { addGame, MINUTE, messageText, track } from './tracking-helpers.js';

afterEach(stopCommunity);

describe('award milestones', () => {
  it('counts the new mastery among RA’s awards, overall and in its year, with one request', async () => {
    const s = await startCommunity();
    s.world.addUser({ username: 'Ann' });
    addGame(s.world, 1, 'Old One', 1);
    addGame(s.world, 2, 'Old Two', 1);
    addGame(s.world, 3, 'New Three', 2);
    const year = s.clock.now().getUTCFullYear();
    s.world.unlock('Ann', 101, { hardcore: true, at: new Date(Date.UTC(2020, 5, 1)) });
    s.world.unlock('Ann', 201, { hardcore: true, at: new Date(Date.UTC(year, 0, 1, 12)) });
    await track(s.h, 'Ann');
    s.clock.advance(MINUTE);
    s.world.unlock('Ann', 301, { hardcore: true });
    await s.h.pollAndDrain();
    expect(s.h.ra.requests.count('GetUserAwards')).toBe(0); // an unlock: no count needed

    s.world.unlock('Ann', 302, { hardcore: true });
    await s.h.pollAndDrain();
    expect(s.h.ra.requests.count('GetUserAwards')).toBe(1);
    const award = s.h.discord.channelMessages(s.h.channel.id).find((m) => m.content.includes('mastered by'));
    expect(award?.content).toContain(`That’s their 3rd mastery, 2nd in ${year}.`);
    expect(messageText(award!)).toContain('Milestone');
  });

  it('counts an award RA has not listed yet as the next one, and posts without it when RA fails', async () => {
    const s = await startCommunity({ overrides: { ra: { maxRetries: 0 } } });
    s.world.addUser({ username: 'Bob' });
    addGame(s.world, 1, 'Beat Me', [
      { id: 101, type: 'progression', points: 5 },
      { id: 102, type: 'win_condition', points: 5 },
      { id: 103, points: 5 },
    ]);
    addGame(s.world, 2, 'Beat Me Too', [
      { id: 201, type: 'win_condition', points: 5 },
      { id: 202, points: 5 },
    ]);
    await track(s.h, 'Bob');
    s.clock.advance(MINUTE);
    // RA's award job lags: its counts don't have this beaten award yet.
    s.h.ra.faults.add('GetUserAwards', {
      type: 'wrong-shape',
      body: {
        MasteryAwardsCount: 0,
        CompletionAwardsCount: 0,
        BeatenHardcoreAwardsCount: 4,
        BeatenSoftcoreAwardsCount: 0,
        VisibleUserAwards: [],
      },
    });
    s.world.unlock('Bob', 101, { hardcore: true });
    s.world.unlock('Bob', 102, { hardcore: true });
    await s.h.pollAndDrain();
    const beaten = s.h.discord.channelMessages(s.h.channel.id).filter((m) => m.content.includes('beaten'));
    expect(beaten.at(-1)?.content).toContain('That’s their 5th game beaten, 1st in');

    s.h.ra.faults.add('GetUserAwards', { type: 'status', status: 422, body: { message: 'no' } });
    s.world.unlock('Bob', 201, { hardcore: true });
    await s.h.pollAndDrain();
    const again = s.h.discord
      .channelMessages(s.h.channel.id)
      .filter((m) => m.content.includes('Beat Me Too'));
    expect(again).toHaveLength(1);
    expect(again[0]!.content).not.toContain('their');
  });
});
