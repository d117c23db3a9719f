/**
 * RA's data flaps (set revisions, lagging answers, awards dropped and granted again); the
 * channel still shows each unlock and award once, and an award earned again after a reset once
 * more, worded as such. Through the real bot against both fakes; the flaps are RA answers edited
 * on their way out of the fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import {
  addGame,
  announcedAchievementIds,
  MINUTE,
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

type RawGame = { Achievements: Record<string, Record<string, unknown>>; [key: string]: unknown };

/** Edits every GetGameInfoAndUserProgress answer for one game until cleared. */
function editGame(s: TrackingSetup, gameId: number, edit: (body: RawGame) => void): void {
  s.h.ra.faults.add(
    'GetGameInfoAndUserProgress',
    {
      type: 'edit',
      edit: (body) => {
        edit(body as RawGame);
        return body;
      },
    },
    Number.POSITIVE_INFINITY,
    { g: String(gameId) },
  );
}

async function cycle(s: TrackingSetup, gapMs = 5 * MINUTE): Promise<void> {
  s.clock.advance(gapMs);
  await s.h.pollAndDrain();
}

/** Each post as the achievement ids it shows, or its first line for an award. */
function channel(s: TrackingSetup): (number[] | string)[] {
  return (
    s.h.discord
      .channelMessages(s.h.channel.id)
      // An award's headline, without its milestone sentence ("That’s their 3rd mastery…", tested elsewhere).
      .map((m) =>
        /mastered/i.test(m.content)
          ? m.content.replace(/\*/g, '').replace(/ That’s their .*$/, '')
          : announcedAchievementIds(m),
      )
  );
}

async function setup(): Promise<TrackingSetup> {
  const s = await startTracking();
  h = s.h;
  s.world.addUser({ username: 'Scott' });
  await track(h, 'Scott');
  return s;
}

describe('RA data that flaps', () => {
  it('does not announce again an achievement that vanished from the set (revision) and came back', async () => {
    const s = await setup();
    const [a1, a2, a3] = addGame(s.world, 70, 'Ristar', 4);
    s.world.unlock('Scott', a1!);
    await cycle(s);
    editGame(s, 70, (body) => {
      delete body.Achievements[String(a1)];
    });
    s.world.unlock('Scott', a2!);
    await cycle(s);
    s.h.ra.faults.clear();
    s.world.unlock('Scott', a3!);
    await cycle(s);
    await cycle(s);
    expect(channel(s)).toEqual([[a1], [a2], [a3]]);
  });

  it('does not announce as an upgrade a hardcore unlock RA briefly reported as softcore only', async () => {
    const s = await setup();
    const [a1, a2, a3] = addGame(s.world, 71, 'Kid Chameleon', 4);
    s.world.unlock('Scott', a1!, { hardcore: true });
    await cycle(s);
    editGame(s, 71, (body) => {
      body.Achievements[String(a1)]!.DateEarnedHardcore = null;
    });
    s.world.unlock('Scott', a2!, { hardcore: true });
    await cycle(s);
    s.h.ra.faults.clear();
    s.world.unlock('Scott', a3!, { hardcore: true });
    await cycle(s);
    await cycle(s);
    expect(channel(s)).toEqual([[a1], [a2], [a3]]);
  });

  it('does not announce again an award RA stopped reporting (set demoted) and reports with the same date', async () => {
    const s = await setup();
    const [a1, a2] = addGame(s.world, 72, 'Vectorman', 2);
    s.world.unlock('Scott', a1!, { hardcore: true });
    s.world.unlock('Scott', a2!, { hardcore: true });
    await cycle(s);
    expect(channel(s)).toEqual([[a1], [a2], '👑 Vectorman mastered by Scott!']);

    // The whole set is demoted for a while (no achievements, no award), and grows by one.
    editGame(s, 72, (body) => {
      body.Achievements = {};
      body.HighestAwardKind = null;
      body.HighestAwardDate = null;
    });
    const [a3] = s.world.addAchievements(72, [{ id: 7203, title: 'Bonus', points: 5 }]).map((a) => a.id);
    s.world.unlock('Scott', a3!, { hardcore: true });
    await cycle(s);
    s.h.ra.faults.clear();
    await cycle(s);
    await cycle(s);
    expect(channel(s)).toEqual([[a1], [a2], '👑 Vectorman mastered by Scott!', [a3]]);
  });

  it('announces an award earned again after a full reset once more, as "mastered again"', async () => {
    const s = await setup();
    const [a1, a2] = addGame(s.world, 73, 'Comix Zone', 2);
    s.world.unlock('Scott', a1!, { hardcore: true });
    s.world.unlock('Scott', a2!, { hardcore: true });
    await cycle(s);
    s.world.resetGame('Scott', 73);
    await cycle(s);
    s.world.unlock('Scott', a1!, { hardcore: true });
    s.world.unlock('Scott', a2!, { hardcore: true });
    await cycle(s);
    await cycle(s);
    expect(channel(s)).toEqual([
      [a1],
      [a2],
      '👑 Comix Zone mastered by Scott!',
      [a1],
      [a2],
      '👑 Comix Zone mastered again by Scott!',
    ]);
  });

  it('announces an unlock earned again in the same mode after a reset, without any award', async () => {
    const s = await setup();
    const [a1, , a3] = addGame(s.world, 74, 'Ristar', 8);
    s.world.unlock('Scott', a1!, { hardcore: true });
    await cycle(s);
    s.world.resetGame('Scott', 74);
    await cycle(s);
    // Earned again in the same mode minutes later: the stored set holds the id, with an older date.
    s.world.unlock('Scott', a1!, { hardcore: true });
    await cycle(s);
    await cycle(s);
    expect(channel(s)).toEqual([[a1], [a1]]);
    s.world.unlock('Scott', a3!, { hardcore: true });
    await cycle(s);
    expect(channel(s)).toEqual([[a1], [a1], [a3]]);
  });
});
