import { describe, expect, it } from 'vitest';
import {
  type AnnouncementPayload,
  parseAnnouncementPayload,
  type UnlockBundlePayload,
  type UnlockPayload,
} from '../../src/domain/announcements.js';
import type { Detection, StoredGameState } from '../../src/domain/detection.js';
import {
  awardTimeFromUnlocks,
  detectGameChanges,
  expectedAward,
  planFanOut,
} from '../../src/tracking/detect.js';
import { type AchievementSpec, achievement, at, game, subscription, USER } from './fixtures.js';

const NOW = at(60);

/** The state a previous detection left behind. */
function storedAfter(
  specs: AchievementSpec[],
  award: Parameters<typeof game>[1] = { kind: null },
): StoredGameState {
  return detectGameChanges(null, game(specs, award), NOW).nextState;
}

function summary(detection: Detection) {
  return detection.unlocks.map((u) => ({ id: u.achievement.id, hardcore: u.hardcore, upgrade: u.upgrade }));
}

describe('detectGameChanges: unlocks', () => {
  it('reports an achievement earned since the stored state as one new softcore unlock', () => {
    const stored = storedAfter([{ id: 1, soft: 1 }, { id: 2 }]);
    const detection = detectGameChanges(
      stored,
      game([
        { id: 1, soft: 1 },
        { id: 2, soft: 30 },
      ]),
      NOW,
    );
    expect(summary(detection)).toEqual([{ id: 2, hardcore: false, upgrade: false }]);
    expect(detection.unlocks[0]?.at).toEqual(at(30));
  });

  it('reports nothing when RA shows exactly what is stored', () => {
    const specs = [{ id: 1, soft: 1 }, { id: 2, hard: 2 }, { id: 3 }];
    const detection = detectGameChanges(storedAfter(specs), game(specs), NOW);
    expect(detection.unlocks).toEqual([]);
    expect(detection.award).toBeNull();
  });

  it('announces a softcore unlock later upgraded to hardcore once each, the second flagged as upgrade', () => {
    const afterSoft = detectGameChanges(storedAfter([{ id: 1 }]), game([{ id: 1, soft: 5 }]), NOW);
    expect(summary(afterSoft)).toEqual([{ id: 1, hardcore: false, upgrade: false }]);

    const afterHard = detectGameChanges(afterSoft.nextState, game([{ id: 1, soft: 5, hard: 20 }]), NOW);
    expect(summary(afterHard)).toEqual([{ id: 1, hardcore: true, upgrade: true }]);
    expect(afterHard.unlocks[0]?.at).toEqual(at(20));

    const again = detectGameChanges(afterHard.nextState, game([{ id: 1, soft: 5, hard: 20 }]), NOW);
    expect(again.unlocks).toEqual([]);
  });

  it('reports a hardcore unlock (which sets both dates) as one hardcore event, not two', () => {
    const detection = detectGameChanges(storedAfter([{ id: 1 }]), game([{ id: 1, hard: 10 }]), NOW);
    expect(summary(detection)).toEqual([{ id: 1, hardcore: true, upgrade: false }]);
    expect(detection.nextState.earned.get(1)).toEqual({
      softcoreAt: at(10).getTime(),
      hardcoreAt: at(10).getTime(),
    });
  });

  it('reports softcore-then-hardcore within one poll as a single hardcore upgrade', () => {
    const detection = detectGameChanges(storedAfter([{ id: 1 }]), game([{ id: 1, soft: 5, hard: 9 }]), NOW);
    expect(summary(detection)).toEqual([{ id: 1, hardcore: true, upgrade: true }]);
  });

  it('catches a backdated unlock in a known game, whatever its date', () => {
    const stored = storedAfter([{ id: 1, soft: 50 }, { id: 2 }]);
    // Unlock 2 arrives later but is stamped before unlock 1 (an offline client syncing).
    const detection = detectGameChanges(
      stored,
      game([
        { id: 1, soft: 50 },
        { id: 2, hard: -600 },
      ]),
      NOW,
    );
    expect(summary(detection)).toEqual([{ id: 2, hardcore: true, upgrade: false }]);
    expect(detection.unlocks[0]?.at).toEqual(at(-600));
  });

  it('treats everything earned as new in a game never stored (the fan-out filters old ones by time)', () => {
    const detection = detectGameChanges(
      null,
      game([{ id: 1, soft: -5000 }, { id: 2, hard: 10 }, { id: 3 }]),
      NOW,
    );
    expect(summary(detection).map((u) => u.id)).toEqual([1, 2]);
  });

  it('orders unlocks oldest first', () => {
    const detection = detectGameChanges(
      null,
      game([
        { id: 1, soft: 30 },
        { id: 2, soft: 10 },
        { id: 3, soft: 20 },
      ]),
      NOW,
    );
    expect(detection.unlocks.map((u) => u.achievement.id)).toEqual([2, 3, 1]);
  });

  it('keeps an achievement that vanished from RA’s list (set revision), and its return is no news', () => {
    const stored = storedAfter([
      { id: 1, soft: 1 },
      { id: 2, hard: 2 },
    ]);
    const gone = detectGameChanges(stored, game([{ id: 1, soft: 1 }]), NOW);
    expect(gone.unlocks).toEqual([]);
    expect([...gone.nextState.earned.keys()].sort()).toEqual([1, 2]);
    const back = detectGameChanges(
      gone.nextState,
      game([
        { id: 1, soft: 1 },
        { id: 2, hard: 2 },
      ]),
      NOW,
    );
    expect(back.unlocks).toEqual([]);
  });

  it('announces an achievement reset and earned again (a later date), once, not as an upgrade', () => {
    const stored = storedAfter([{ id: 1, soft: 1, hard: 1 }]);
    const again = detectGameChanges(stored, game([{ id: 1, soft: 30, hard: 30 }]), NOW);
    expect(again.unlocks.map((u) => [u.achievement.id, u.hardcore, u.upgrade])).toEqual([[1, true, false]]);
    expect(detectGameChanges(again.nextState, game([{ id: 1, soft: 30, hard: 30 }]), NOW).unlocks).toEqual(
      [],
    );
  });

  it('drops an achievement RA shows as no longer earned (a reset), silently', () => {
    const stored = storedAfter([
      { id: 1, soft: 1 },
      { id: 2, soft: 2 },
    ]);
    const detection = detectGameChanges(stored, game([{ id: 1, soft: 1 }, { id: 2 }]), NOW);
    expect(detection.unlocks).toEqual([]);
    expect(detection.nextState.earned.has(2)).toBe(false);
  });

  it('keeps a hardcore unlock RA briefly reports as softcore only; no upgrade when it reads right again', () => {
    const stored = storedAfter([{ id: 1, hard: 1 }]);
    const lagging = detectGameChanges(stored, game([{ id: 1, soft: 1 }]), NOW);
    expect(lagging.unlocks).toEqual([]);
    expect(lagging.nextState.earned.get(1)).toEqual({
      softcoreAt: at(1).getTime(),
      hardcoreAt: at(1).getTime(),
    });
    expect(detectGameChanges(lagging.nextState, game([{ id: 1, hard: 1 }]), NOW).unlocks).toEqual([]);
  });
});

describe('detectGameChanges: awards', () => {
  const six = (mode: 'soft' | 'hard'): AchievementSpec[] =>
    [1, 2, 3, 4, 5, 6].map((id) => ({ id, [mode]: id, type: id === 6 ? 'win_condition' : null }));

  it.each([
    ['beaten-softcore', null],
    ['beaten-hardcore', 'beaten-softcore'],
    ['completed', 'beaten-hardcore'],
    ['mastered', 'completed'],
  ] as const)('announces %s when it ranks above the stored %s award', (kind, storedKind) => {
    const specs = six('hard');
    const detection = detectGameChanges(
      storedAfter(specs, { kind: storedKind, at: 1 }),
      game(specs, { kind, at: 40 }),
      NOW,
    );
    expect(detection.award).toEqual({ kind, at: at(40), again: false });
    expect(detection.nextState.highestAward).toBe(kind);
  });

  it('announces only the highest new award (mastered, not beaten too) when several are earned at once', () => {
    const specs = six('hard');
    const detection = detectGameChanges(storedAfter(specs), game(specs, { kind: 'mastered', at: 40 }), NOW);
    expect(detection.award?.kind).toBe('mastered');
  });

  it('does not announce an award equal to or lower than the stored one, and never lowers it', () => {
    const specs = six('hard');
    const stored = storedAfter(specs, { kind: 'mastered', at: 1 });
    for (const kind of ['mastered', 'completed', 'beaten-hardcore', null] as const) {
      const detection = detectGameChanges(
        stored,
        game(specs, { kind, at: kind === 'mastered' ? 1 : 2 }),
        NOW,
      );
      expect(detection.award).toBeNull();
      expect(detection.nextState.highestAward).toBe('mastered');
    }
  });

  it('announces an award earned again after a full reset (a later date) once, as "again"', () => {
    const stored = storedAfter(six('hard'), { kind: 'mastered', at: 6 });
    const reset = detectGameChanges(stored, game([1, 2, 3, 4, 5, 6].map((id) => ({ id }))), NOW);
    expect(reset.award).toBeNull();
    const replayed = six('hard').map((a) => ({ ...a, hard: 50 + a.id }));
    const replay = detectGameChanges(reset.nextState, game(replayed, { kind: 'mastered', at: 56 }), NOW);
    expect(replay.award).toEqual({ kind: 'mastered', at: at(56), again: true });
    expect(replay.unlocks).toHaveLength(6);
    const next = detectGameChanges(replay.nextState, game(replayed, { kind: 'mastered', at: 56 }), NOW);
    expect(next.award).toBeNull();
  });

  it('does not announce again an award RA stops reporting and reports again with the same date', () => {
    const specs = six('hard');
    const stored = storedAfter(specs, { kind: 'mastered', at: 6 });
    const missing = detectGameChanges(stored, game(specs, { kind: null, at: null }), NOW);
    expect(missing.award).toBeNull();
    const back = detectGameChanges(missing.nextState, game(specs, { kind: 'mastered', at: 6 }), NOW);
    expect(back.award).toBeNull();
    // Its achievements vanishing too (the whole set demoted for a while) changes nothing.
    const demoted = detectGameChanges(back.nextState, game([], { kind: null, at: null }), NOW);
    const promoted = detectGameChanges(demoted.nextState, game(specs, { kind: 'mastered', at: 6 }), NOW);
    expect([demoted.award, promoted.award, ...promoted.unlocks]).toEqual([null, null]);
  });

  it('dates an award RA reports without a date by the unlock that completed it, not the detection time', () => {
    const detection = detectGameChanges(null, game(six('soft'), { kind: 'completed', at: null }), NOW);
    expect(detection.award).toEqual({ kind: 'completed', at: at(6), again: false });
  });

  it('dates an undated hardcore award by the hardcore unlock times, not the earlier softcore ones', () => {
    const specs = [1, 2, 3, 4, 5, 6].map((id) => ({ id, soft: id, hard: id === 3 ? 45 : id + 10 }));
    const detection = detectGameChanges(null, game(specs, { kind: 'mastered', at: null }), NOW);
    expect(detection.award).toEqual({ kind: 'mastered', at: at(45), again: false });
  });

  it('dates an undated beaten award when its rule was met: last progression, first win condition', () => {
    const specs: AchievementSpec[] = [
      { id: 1, hard: -50, type: 'progression' },
      { id: 2, hard: -40, type: 'progression' },
      { id: 3, hard: -30, type: 'win_condition' },
      { id: 4, hard: 20, type: 'win_condition' },
      { id: 5, hard: 30 }, // a later unlock that has nothing to do with beating the game
    ];
    const current = game(specs, { kind: 'beaten-hardcore', at: null });
    const detection = detectGameChanges(null, current, NOW);
    expect(detection.award).toEqual({ kind: 'beaten-hardcore', at: at(-30), again: false });
    // First look at a game beaten before tracking, with a new unlock since: the unlocks only.
    const rows = planFanOut({ detection, user: USER, game: current, subscriptions: [subscription('g1', 0)] });
    expect(rows.map((r) => r.payload.kind)).toEqual(['unlock', 'unlock']);
  });

  it('does not announce an undated award earned before tracking on the first look at a game', () => {
    const current = game(
      six('hard').map((spec) => ({ ...spec, hard: -100 + spec.id })),
      {
        kind: 'mastered',
        at: null,
      },
    );
    const detection = detectGameChanges(null, current, NOW);
    expect(detection.award).toEqual({ kind: 'mastered', at: at(-94), again: false });
    const rows = planFanOut({ detection, user: USER, game: current, subscriptions: [subscription('g1', 0)] });
    expect(rows).toEqual([]);
  });

  it('falls back to the detection time for an undated award only when no unlock dates it', () => {
    // Softcore unlocks only, yet RA says mastered (hardcore): nothing in the award's mode to go by.
    const detection = detectGameChanges(null, game(six('soft'), { kind: 'mastered', at: null }), NOW);
    expect(detection.award).toEqual({ kind: 'mastered', at: NOW, again: false });
    expect(awardTimeFromUnlocks([], 'completed')).toBeNull();
  });
});

describe('detectGameChanges: awardLikelyPending', () => {
  it('flags a game whose unlocks earn mastery while RA still reports no award', () => {
    const specs = [1, 2, 3, 4, 5, 6].map((id) => ({ id, hard: id }));
    expect(detectGameChanges(null, game(specs), NOW).awardLikelyPending).toBe(true);
  });

  it('clears the flag once RA reports the award', () => {
    const specs = [1, 2, 3, 4, 5, 6].map((id) => ({ id, hard: id }));
    expect(detectGameChanges(null, game(specs, { kind: 'mastered', at: 7 }), NOW).awardLikelyPending).toBe(
      false,
    );
  });

  it('flags beaten when all progression achievements and one win condition are earned', () => {
    const specs: AchievementSpec[] = [
      { id: 1, type: 'progression', soft: 1 },
      { id: 2, type: 'progression', soft: 2 },
      { id: 3, type: 'win_condition', soft: 3 },
      { id: 4, type: 'win_condition' },
      { id: 5 },
    ];
    const detection = detectGameChanges(null, game(specs), NOW);
    expect(detection.awardLikelyPending).toBe(true);
    expect(expectedAward(game(specs).achievements)).toBe('beaten-softcore');
  });

  it('does not flag a game with a missing progression achievement', () => {
    const specs: AchievementSpec[] = [
      { id: 1, type: 'progression', hard: 1 },
      { id: 2, type: 'progression' },
      { id: 3, type: 'win_condition', hard: 3 },
    ];
    expect(detectGameChanges(null, game(specs), NOW).awardLikelyPending).toBe(false);
  });

  it('does not expect a beaten award from a set without progression or win-condition types', () => {
    expect(expectedAward(game([{ id: 1, hard: 1 }, { id: 2 }]).achievements)).toBeNull();
  });

  it('does not expect mastery of a set smaller than RA requires', () => {
    const specs = [1, 2, 3, 4, 5].map((id) => ({ id, hard: id }));
    expect(expectedAward(game(specs).achievements)).toBeNull();
  });

  it('expects beaten hardcore (not mastery) when the set is beaten in hardcore but incomplete', () => {
    const specs: AchievementSpec[] = [
      ...[1, 2, 3, 4, 5].map((id) => ({ id, type: 'progression' as const, hard: id })),
      { id: 6 },
      { id: 7, soft: 7 },
    ];
    expect(expectedAward(game(specs).achievements)).toBe('beaten-hardcore');
  });
});

describe('planFanOut', () => {
  const newGame = (specs: AchievementSpec[], award: Parameters<typeof game>[1] = { kind: null }) => {
    const current = game(specs, award);
    return { current, detection: detectGameChanges(null, current, NOW) };
  };
  const kinds = (rows: ReturnType<typeof planFanOut>) => rows.map((r) => `${r.guildId}:${r.payload.kind}`);
  const unlockIds = (rows: ReturnType<typeof planFanOut>) =>
    rows.flatMap((r) =>
      r.payload.kind === 'unlock'
        ? [r.payload.achievement.id]
        : r.payload.kind === 'unlock-bundle'
          ? r.payload.achievements.map((a) => a.id)
          : [],
    );

  it('never announces what was earned before the guild started tracking', () => {
    const { current, detection } = newGame(
      [
        { id: 1, hard: -100 },
        { id: 2, soft: -1 },
        { id: 3, hard: 0 },
        { id: 4, soft: 5 },
      ],
      { kind: 'beaten-softcore', at: -1 },
    );
    const rows = planFanOut({ detection, user: USER, game: current, subscriptions: [subscription('g1', 0)] });
    expect(unlockIds(rows)).toEqual([3, 4]);
    expect(rows.some((r) => r.payload.kind === 'award')).toBe(false);
  });

  it('counts an unlock in the same second as a sub-second tracking start as after it (RA stamps whole seconds)', () => {
    const { current, detection } = newGame([
      { id: 1, hard: -1 / 60 }, // one second before the tracking start's second
      { id: 2, hard: 0 }, // at the start of that second: RA's stamp for an unlock just after /track add
    ]);
    const tracked = { ...subscription('g1', 0), trackedSince: at(0).getTime() + 400 };
    const rows = planFanOut({ detection, user: USER, game: current, subscriptions: [tracked] });
    expect(unlockIds(rows)).toEqual([2]);
  });

  it('judges an upgrade by its hardcore time, not the earlier softcore time', () => {
    const current = game([{ id: 1, soft: -100, hard: 10 }]);
    const detection = detectGameChanges(storedAfter([{ id: 1, soft: -100 }]), current, NOW);
    const rows = planFanOut({ detection, user: USER, game: current, subscriptions: [subscription('g1', 0)] });
    expect(rows).toHaveLength(1);
    expect((rows[0]!.payload as UnlockPayload).achievement).toMatchObject({
      id: 1,
      hardcore: true,
      upgrade: true,
    });
  });

  it('skips softcore-only unlocks for a guild with softcore off, but keeps hardcore unlocks and upgrades', () => {
    const current = game([
      { id: 1, soft: 5 },
      { id: 2, hard: 6 },
      { id: 3, soft: 1, hard: 7 },
    ]);
    const detection = detectGameChanges(
      storedAfter([{ id: 1 }, { id: 2 }, { id: 3, soft: 1 }]),
      current,
      NOW,
    );
    const rows = planFanOut({
      detection,
      user: USER,
      game: current,
      subscriptions: [subscription('g1', 0, { toggles: { announceSoftcore: false } })],
    });
    expect(unlockIds(rows)).toEqual([2, 3]);
  });

  it('sends no unlocks to a guild with unlocks off and no award to a guild with awards off', () => {
    const specs = [1, 2, 3, 4, 5, 6].map((id) => ({ id, hard: id }));
    const { current, detection } = newGame(specs, { kind: 'mastered', at: 7 });
    const rows = planFanOut({
      detection,
      user: USER,
      game: current,
      collapseThreshold: 10,
      subscriptions: [
        subscription('noUnlocks', 0, { toggles: { announceUnlocks: false } }),
        subscription('noAwards', 0, { toggles: { announceAwards: false } }),
      ],
    });
    expect(kinds(rows)).toEqual(['noUnlocks:award', ...specs.map(() => 'noAwards:unlock')]);
  });

  it('sends N unlocks as N rows and N+1 unlocks as one bundle', () => {
    const specs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, soft: i + 1 }));
    const plan = (n: number) => {
      const { current, detection } = newGame(specs(n));
      return planFanOut({
        detection,
        user: USER,
        game: current,
        subscriptions: [subscription('g1', 0)],
        collapseThreshold: 3,
      });
    };
    expect(kinds(plan(3))).toEqual(['g1:unlock', 'g1:unlock', 'g1:unlock']);
    const bundled = plan(4);
    expect(kinds(bundled)).toEqual(['g1:unlock-bundle']);
    expect((bundled[0]!.payload as UnlockBundlePayload).achievements.map((a) => a.id)).toEqual([1, 2, 3, 4]);
  });

  it('collapses per guild after filtering, so a late-joining guild may get single rows', () => {
    const { current, detection } = newGame([1, 2, 3, 4].map((id) => ({ id, soft: id * 10 })));
    const rows = planFanOut({
      detection,
      user: USER,
      game: current,
      subscriptions: [subscription('early', 0), subscription('late', 25)],
    });
    expect(kinds(rows)).toEqual(['early:unlock-bundle', 'late:unlock', 'late:unlock']);
  });

  it('gives every subscribed guild its own rows, in its own channel, unlocks before the award', () => {
    const specs: AchievementSpec[] = [1, 2, 3, 4, 5, 6].map((id) => ({ id, hard: id }));
    const current = game(specs, { kind: 'mastered', at: 7 });
    const detection = detectGameChanges(storedAfter([...specs.slice(0, 5), { id: 6 }]), current, NOW);
    const rows = planFanOut({
      detection,
      user: USER,
      game: current,
      subscriptions: [
        subscription('g1', 0, { channelId: 'c-one' }),
        subscription('g2', 0, { channelId: 'c-two' }),
      ],
    });
    expect(rows.map((r) => `${r.guildId}:${r.channelId}:${r.payload.kind}`)).toEqual([
      'g1:c-one:unlock',
      'g1:c-one:award',
      'g2:c-two:unlock',
      'g2:c-two:award',
    ]);
  });

  it('skips a guild that has no channel to post in', () => {
    const { current, detection } = newGame([{ id: 1, soft: 1 }]);
    const rows = planFanOut({
      detection,
      user: USER,
      game: current,
      subscriptions: [subscription('g1', 0, { channelId: null })],
    });
    expect(rows).toEqual([]);
  });

  it('builds a self-contained JSON payload with progress counted from the unlocks, not RA counters', () => {
    const specs: AchievementSpec[] = [
      { id: 1, hard: 1, points: 10 },
      { id: 2, soft: 2, points: 5 },
      { id: 3, points: 25 },
      { id: 4, points: 10 },
    ];
    const current = game(specs);
    const detection = detectGameChanges(
      storedAfter([{ id: 1, hard: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]),
      current,
      NOW,
    );
    const [row] = planFanOut({
      detection,
      user: USER,
      game: current,
      subscriptions: [subscription('g1', 0)],
    });
    const payload = row?.payload as UnlockPayload;
    expect(payload).toEqual({
      version: 1,
      kind: 'unlock',
      user: USER,
      game: {
        id: 1446,
        title: 'Sonic the Hedgehog',
        consoleName: 'Genesis/Mega Drive',
        imageIcon: '/Images/085573.png',
        imageBoxArt: '/Images/051872.png',
        numAchievements: 4,
        totalPoints: 50,
        totalRetroPoints: 100,
        numDistinctPlayers: 100,
      },
      progress: {
        numAwardedToUser: 2,
        numAwardedToUserHardcore: 1,
        userCompletion: 50,
        userCompletionHardcore: 25,
        pointsEarned: 15,
        pointsEarnedHardcore: 10,
      },
      achievement: {
        id: 2,
        title: 'Achievement 2',
        description: 'Do thing 2',
        points: 5,
        retroPoints: 10,
        badgeName: '10002',
        type: null,
        hardcore: false,
        upgrade: false,
        at: at(2).toISOString(),
        numAwarded: 40,
        numAwardedHardcore: 20,
        numDistinctPlayers: 100,
      },
    } satisfies UnlockPayload);
    expect(parseAnnouncementPayload(JSON.stringify(payload))).toEqual(payload);
  });

  it('gives an award payload its date and the first unlock that counts for it', () => {
    const specs = [1, 2, 3, 4, 5, 6].map((id) => ({ id, soft: id - 10, hard: id }));
    const { current, detection } = newGame(specs, { kind: 'mastered', at: 8 });
    const rows = planFanOut({ detection, user: USER, game: current, subscriptions: [subscription('g1', 0)] });
    const award = rows.find((r) => r.payload.kind === 'award')?.payload as AnnouncementPayload & {
      kind: 'award';
    };
    expect(award.award).toEqual({
      kind: 'mastered',
      at: at(8).toISOString(),
      firstUnlockAt: at(1).toISOString(),
    });
  });

  it('keeps hostile titles as data (escaping is the renderer’s job)', () => {
    const hostile = '@everyone **bold** <@123> `code`';
    const current = { ...game([{ id: 1, soft: 1 }]), title: hostile };
    current.achievements = [{ ...achievement({ id: 1, soft: 1 }), title: hostile }];
    const detection = detectGameChanges(null, current, NOW);
    const [row] = planFanOut({
      detection,
      user: USER,
      game: current,
      subscriptions: [subscription('g1', 0)],
    });
    const payload = row?.payload as UnlockPayload;
    expect(payload.game.title).toBe(hostile);
    expect(payload.achievement.title).toBe(hostile);
  });

  it('plans nothing when nothing changed', () => {
    const specs = [{ id: 1, soft: 1 }];
    const current = game(specs);
    const detection = detectGameChanges(storedAfter(specs), current, NOW);
    expect(
      planFanOut({ detection, user: USER, game: current, subscriptions: [subscription('g1', 0)] }),
    ).toEqual([]);
  });
});

describe('parseAnnouncementPayload', () => {
  it('refuses corrupt text, unknown kinds and other payload versions', () => {
    expect(parseAnnouncementPayload('{')).toBeNull();
    expect(parseAnnouncementPayload('null')).toBeNull();
    expect(parseAnnouncementPayload('{"version":1,"kind":"party"}')).toBeNull();
    expect(parseAnnouncementPayload('{"version":2,"kind":"unlock"}')).toBeNull();
  });
});
