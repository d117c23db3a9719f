import { describe, expect, it } from 'vitest';
import type { MilestonePayload } from '../../src/domain/announcements.js';
import { passesFilters, resolveChannel } from '../../src/domain/routing.js';
import { milestoneKey, planMilestones } from '../../src/routing/milestones.js';
import { detectGameChanges, payloadBase, planFanOut, trackingStart } from '../../src/tracking/detect.js';
import { type AchievementSpec, at, game, subscription, USER } from '../tracking/fixtures.js';

const NOW = at(600);

/** 8 achievements, the first ones earned (softcore) at the given minutes. */
function specsAt(earnedAt: (number | undefined)[]): AchievementSpec[] {
  return Array.from({ length: 8 }, (_, i) => {
    const minute = earnedAt[i];
    return minute === undefined ? { id: i + 1 } : { id: i + 1, soft: minute };
  });
}

/** Milestone posts for one guild tracking since minute `since`, with 8 achievements earned at the given minutes. */
function plan(
  earnedAt: (number | undefined)[],
  options: { since?: number; passed?: string[]; hardcoreOnly?: boolean } = {},
) {
  const progress = game(specsAt(earnedAt));
  const detection = detectGameChanges(null, progress, NOW);
  const sub = {
    ...subscription('g1', options.since ?? 0),
    milestones: true,
    filters: { hardcoreOnly: options.hardcoreOnly ?? false, minPoints: null, rarerThanPercent: null },
  };
  return planMilestones({
    detection,
    game: progress,
    base: payloadBase(USER, progress),
    subscriptions: [sub],
    passed: new Set(options.passed ?? []),
    trackingStart,
  });
}

const percents = (result: ReturnType<typeof plan>) =>
  result.rows.map((r) => (r.payload as MilestonePayload).milestone.percent);

describe('planMilestones', () => {
  it('posts only the highest new line of a burst and records every line passed', () => {
    const result = plan([1, 2, 3, 4, 5, 6, 7]);
    expect(percents(result)).toEqual([75]);
    expect(result.marks.filter((m) => !m.hardcore).map((m) => m.percent)).toEqual([25, 50, 75]);
    const [row] = result.rows;
    expect((row?.payload as MilestonePayload | undefined)?.milestone).toMatchObject({ earned: 7, total: 8 });
  });

  it('records but never posts a line passed before tracking started', () => {
    // 2 of 8 (25%) before minute 10, the 4th (50%) after it.
    const result = plan([1, 2, 20, 30], { since: 10 });
    expect(percents(result)).toEqual([50]);
    expect(plan([1, 2], { since: 10 }).rows).toEqual([]);
    expect(plan([1, 2], { since: 10 }).marks.map((m) => m.percent)).toEqual([25]);
  });

  it('never posts a line already recorded, and nothing once the set is complete', () => {
    expect(plan([1, 2, 3, 4], { passed: [milestoneKey(false, 50), milestoneKey(false, 25)] }).rows).toEqual(
      [],
    );
    expect(plan([1, 2, 3, 4, 5, 6, 7, 8]).rows).toEqual([]);
  });

  it('records silently a line passed by an unlock seen in an earlier poll', () => {
    const before = detectGameChanges(null, game(specsAt([1, 2, 3])), NOW).nextState;
    // The 4th unlock (50%) is new; the 25% line was passed by an unlock stored before.
    const progress = game(specsAt([1, 2, 3, 4]));
    const detection = detectGameChanges(before, progress, NOW);
    const result = planMilestones({
      detection,
      game: progress,
      base: payloadBase(USER, progress),
      subscriptions: [{ ...subscription('g1', 0), milestones: true }],
      passed: new Set(),
      trackingStart,
    });
    expect(percents(result)).toEqual([50]);
    expect(result.marks.map((m) => m.percent)).toEqual([25, 50]);
    // Nothing new at all (e.g. the game re-read for a pending award): nothing posted, lines recorded.
    const again = planMilestones({
      detection: detectGameChanges(before, game(specsAt([1, 2, 3])), NOW),
      game: game(specsAt([1, 2, 3])),
      base: payloadBase(USER, progress),
      subscriptions: [{ ...subscription('g1', 0), milestones: true }],
      passed: new Set(),
      trackingStart,
    });
    expect(again.rows).toEqual([]);
    expect(again.marks.map((m) => m.percent)).toEqual([25]);
  });

  it('counts hardcore unlocks only for a hardcore-only guild', () => {
    // All softcore: the hardcore-only guild sees no progress.
    expect(plan([1, 2, 3, 4], { hardcoreOnly: true }).rows).toEqual([]);
  });
});

describe('routes and filters', () => {
  it('a route wins over the user’s channel, which wins over the default', () => {
    const where = { routes: { awards: 'hall' }, userChannelId: 'own', defaultChannelId: 'default' };
    expect(resolveChannel('awards', where)).toBe('hall');
    expect(resolveChannel('unlocks', where)).toBe('own');
    expect(resolveChannel('unlocks', { routes: {}, defaultChannelId: 'default' })).toBe('default');
    expect(resolveChannel('digest', { routes: {}, defaultChannelId: null })).toBeNull();
  });

  it('rarity is RA’s numAwarded / numDistinctPlayers, strictly under the line; no player count lets it through', () => {
    const filters = { hardcoreOnly: false, minPoints: null, rarerThanPercent: 5 };
    const unlock = { hardcore: true, points: 10, numDistinctPlayers: 1000 };
    expect(passesFilters(filters, { ...unlock, numAwarded: 49 })).toBe(true);
    expect(passesFilters(filters, { ...unlock, numAwarded: 50 })).toBe(false);
    expect(passesFilters(filters, { ...unlock, numAwarded: 7, numDistinctPlayers: 0 })).toBe(true);
  });

  it('planFanOut filters unlocks before collapsing and sends awards to their route unfiltered', () => {
    const progress = game(
      [
        { id: 1, hard: 1, points: 5 },
        { id: 2, hard: 2, points: 25 },
      ],
      { kind: 'beaten-hardcore', at: 2 },
    );
    const detection = detectGameChanges(null, progress, NOW);
    const rows = planFanOut({
      detection,
      user: USER,
      game: progress,
      subscriptions: [
        {
          ...subscription('g1', 0),
          routes: { awards: 'hall' },
          filters: { hardcoreOnly: false, minPoints: 10, rarerThanPercent: null },
        },
      ],
      collapseThreshold: 0,
    });
    expect(rows.map((r) => [r.channelId, r.payload.kind])).toEqual([
      ['chan-g1', 'unlock'],
      ['hall', 'award'],
    ]);
  });
});
