import { describe, expect, it } from 'vitest';
import { endOfMonth, parseEnds } from '../../src/challenges/moment.js';
import { challengeNote, rankStandings } from '../../src/challenges/scoring.js';
import type { ChallengeFacts } from '../../src/domain/challenges.js';

const facts = (ulid: string, f: Partial<ChallengeFacts> = {}): ChallengeFacts => ({
  ulid,
  displayName: ulid,
  firstUnlockAt: null,
  beatenAt: null,
  masteredAt: null,
  earned: 0,
  earnedHardcore: 0,
  ...f,
});
const window = { startsAt: 1_000, endsAt: 10_000, softcore: false };

describe('challenge points', () => {
  it('gives 1 for taking part, +3 beaten, +3 mastered (a mastery counts as beaten), and leaves out users with none', () => {
    const ranked = rankStandings([
      facts('part', { firstUnlockAt: 2_000 }),
      facts('beat', { firstUnlockAt: 2_000, beatenAt: 3_000 }),
      facts('master', { firstUnlockAt: 2_000, masteredAt: 4_000 }),
      facts('idle'),
    ]);
    expect(ranked.map((s) => [s.ulid, s.points, s.rank, s.award])).toEqual([
      ['master', 7, 1, 'mastered'],
      ['beat', 4, 2, 'beaten'],
      ['part', 1, 3, null],
    ]);
  });

  it('ranks a tie by who got there first', () => {
    const ranked = rankStandings([
      facts('late', { firstUnlockAt: 5_000, beatenAt: 9_000 }),
      facts('early', { firstUnlockAt: 6_000, beatenAt: 7_000 }),
    ]);
    expect(ranked.map((s) => s.ulid)).toEqual(['early', 'late']);
  });

  it('notes an announcement with what it gained and the rank after it; events outside the window or softcore count for nothing', () => {
    const others = [facts('a', { firstUnlockAt: 1_500, beatenAt: 1_600 })];
    const me = facts('me');
    const unlock = challengeNote(others, me, [{ kind: 'unlock', at: 2_000, hardcore: true }], window);
    expect(unlock.note).toEqual({ gained: 1, points: 1, rank: 2 });
    const award = challengeNote(
      others,
      unlock.after,
      [{ kind: 'award', at: 3_000, award: 'mastered' }],
      window,
    );
    expect(award.note).toEqual({ gained: 6, points: 7, rank: 1 });
    expect(
      challengeNote(others, me, [{ kind: 'unlock', at: 2_000, hardcore: false }], window).note,
    ).toBeNull();
    expect(
      challengeNote(others, me, [{ kind: 'unlock', at: 10_000, hardcore: true }], window).note,
    ).toBeNull();
    expect(
      challengeNote(others, me, [{ kind: 'unlock', at: 2_000, hardcore: false }], {
        ...window,
        softcore: true,
      }).note,
    ).toEqual({ gained: 1, points: 1, rank: 2 });
  });
});

describe('the ends option', () => {
  const now = Date.UTC(2027, 0, 15, 12, 0);
  it('reads durations and dates (the end of that day in the server’s zone)', () => {
    expect(parseEnds('90m', now, 'UTC')).toEqual({ ok: true, at: now + 90 * 60_000 });
    expect(parseEnds('12h', now, 'UTC')).toEqual({ ok: true, at: now + 12 * 3_600_000 });
    expect(parseEnds('3d', now, 'UTC')).toEqual({ ok: true, at: now + 3 * 86_400_000 });
    expect(parseEnds('2027-01-31', now, 'UTC')).toEqual({ ok: true, at: Date.UTC(2027, 1, 1) });
    expect(parseEnds('2027-01-31', now, 'Europe/Berlin')).toEqual({
      ok: true,
      at: Date.UTC(2027, 0, 31, 23),
    });
  });

  it('refuses what it can’t read, a past end and one more than a year away', () => {
    expect(parseEnds('soon', now, 'UTC')).toEqual({ ok: false, why: 'format' });
    expect(parseEnds('2027-02-30', now, 'UTC')).toEqual({ ok: false, why: 'format' });
    expect(parseEnds('2027-01-01', now, 'UTC')).toEqual({ ok: false, why: 'past' });
    expect(parseEnds('400d', now, 'UTC')).toEqual({ ok: false, why: 'far' });
  });

  it('defaults to the end of the month in the server’s zone', () => {
    expect(endOfMonth(now, 'UTC')).toBe(Date.UTC(2027, 1, 1));
    expect(endOfMonth(Date.UTC(2027, 11, 31, 23, 30), 'Pacific/Auckland')).toBe(Date.UTC(2028, 0, 31, 11));
  });
});
