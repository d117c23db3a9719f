/**
 * "Before tracking" compares RA's timestamps with this machine's clock. The bot measures the skew
 * from RA's `Date` header and starts tracking on RA's clock, so a skew of minutes neither
 * announces history nor hides a fresh unlock; a skew over a minute is logged and shown by doctor.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/doctor.js';
import { FakeWorld } from '../fakes/ra/index.js';
import { DISCORD_TOKEN, type Harness, RA_KEY, startHarness } from './harness.js';
import {
  addGame,
  announcedAchievementIds,
  MINUTE,
  type TrackingSetup,
  testClock,
  track,
} from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(h.discord.violations).toEqual([]);
  await h?.stop();
  h = undefined;
});

/** RA's clock runs `skewMs` ahead of the bot's (behind when negative). */
async function startSkewed(skewMs: number): Promise<TrackingSetup> {
  const clock = testClock();
  const world = new FakeWorld({
    masteryMinAchievements: 1,
    now: () => new Date(clock.now().getTime() + skewMs),
  });
  const harness = await startHarness({ world, now: clock.now });
  h = harness;
  await harness.slash(harness.admin, 'settings', {
    subcommand: 'channel',
    options: { channel: harness.channel.id },
  });
  world.addUser({ username: 'Scott' });
  return { h: harness, world, clock };
}

describe('a clock that differs from RA’s', () => {
  it('RA 3 minutes ahead: what was earned before tracking is not announced; what comes after is', async () => {
    const s = await startSkewed(3 * MINUTE);
    const ids = addGame(s.world, 95, 'Flicky', 3);
    s.world.unlock('Scott', ids[0]!); // stamped by RA 3 minutes "in the future"
    s.clock.advance(MINUTE);
    await track(s.h, 'Scott');
    s.clock.advance(MINUTE);
    s.world.unlock('Scott', ids[1]!);
    s.clock.advance(MINUTE);
    await s.h.pollAndDrain();
    expect(s.h.discord.channelMessages(s.h.channel.id).map(announcedAchievementIds)).toEqual([[ids[1]]]);
    expect(s.h.logs.some((l) => l.includes('clock differs from RetroAchievements'))).toBe(true);
  });

  it('RA 3 minutes behind: an unlock right after tracking is announced', async () => {
    const s = await startSkewed(-3 * MINUTE);
    const ids = addGame(s.world, 96, 'Columns III', 3);
    await track(s.h, 'Scott');
    s.clock.advance(MINUTE);
    s.world.unlock('Scott', ids[0]!); // stamped 2 minutes before tracking started, by the bot's clock
    s.clock.advance(MINUTE);
    await s.h.pollAndDrain();
    expect(s.h.discord.channelMessages(s.h.channel.id).map(announcedAchievementIds)).toEqual([[ids[0]]]);
  });

  it('RA 3 minutes ahead: /track me, like /track add, announces nothing earned before it', async () => {
    const s = await startSkewed(3 * MINUTE);
    const ids = addGame(s.world, 97, 'Alex Kidd', 3);
    await s.h.slash(s.h.admin, 'link', { options: { user: 'Scott', member: s.h.member.user.id } });
    await s.h.slash(s.h.admin, 'settings', { subcommand: 'members', options: { 'self-tracking': true } });
    s.world.unlock('Scott', ids[0]!); // stamped by RA 3 minutes "in the future"
    s.clock.advance(MINUTE);
    const started = await s.h.slash(s.h.member, 'track', { subcommand: 'me' });
    expect(started.content).toContain('Now announcing **Scott**');
    s.clock.advance(MINUTE);
    s.world.unlock('Scott', ids[1]!);
    s.clock.advance(MINUTE);
    await s.h.pollAndDrain();
    expect(s.h.discord.channelMessages(s.h.channel.id).map(announcedAchievementIds)).toEqual([[ids[1]]]);
  });

  it('shows the skew in npm run doctor', async () => {
    const s = await startSkewed(-3 * MINUTE);
    const lines: string[] = [];
    await runDoctor(
      {
        DISCORD_TOKEN,
        RA_API_KEY: RA_KEY,
        DISCORD_API_URL: s.h.config.DISCORD_API_URL,
        RA_API_URL: s.h.config.RA_API_URL,
      },
      (line) => lines.push(line),
    );
    expect(lines.join('\n')).toMatch(
      /clock: RetroAchievements is 1[78]\d s behind this machine; fix the system clock/,
    );
  });
});
