import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  latestSlot,
  nextSlot,
  zonedTimeToUtc,
} from '../../src/community/digest-schedule.js';
import { rankEntries } from '../../src/community/ranking.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('weekly digest slots', () => {
  it('finds the latest and next slot in the server’s time zone', () => {
    const now = Date.parse('2026-12-02T14:20:00Z'); // a Wednesday
    const monday18Berlin = { weekday: 1, hour: 18, timeZone: 'Europe/Berlin' };
    expect(iso(latestSlot(monday18Berlin, now))).toBe('2026-11-30T17:00:00.000Z');
    expect(iso(nextSlot(monday18Berlin, now))).toBe('2026-12-07T17:00:00.000Z');
    // Today at 15:00 Berlin has passed by 14:20 UTC (15:20 local); 16:00 hasn't.
    expect(iso(latestSlot({ weekday: 3, hour: 15, timeZone: 'Europe/Berlin' }, now))).toBe(
      '2026-12-02T14:00:00.000Z',
    );
    expect(iso(latestSlot({ weekday: 3, hour: 16, timeZone: 'Europe/Berlin' }, now))).toBe(
      '2026-11-25T15:00:00.000Z',
    );
  });

  it('follows daylight saving time', () => {
    const sunday10 = { weekday: 0, hour: 10, timeZone: 'Europe/Berlin' };
    // 22 March is CET (+1), 29 March CEST (+2).
    expect(iso(latestSlot(sunday10, Date.parse('2026-03-28T00:00:00Z')))).toBe('2026-03-22T09:00:00.000Z');
    expect(iso(nextSlot(sunday10, Date.parse('2026-03-28T00:00:00Z')))).toBe('2026-03-29T08:00:00.000Z');
    // 02:30 doesn't exist on 29 March in Berlin: it maps to just after the jump.
    expect(iso(zonedTimeToUtc(2026, 3, 29, 2, 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
    // The same west of UTC: 02:00 on 8 March 2026 in New York is 03:00 daylight time, not 01:00.
    expect(iso(zonedTimeToUtc(2026, 3, 8, 2, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    // An hour that happens twice (clocks back) is its first occurrence.
    expect(iso(zonedTimeToUtc(2026, 11, 1, 1, 'America/New_York'))).toBe('2026-11-01T05:00:00.000Z');
    expect(iso(zonedTimeToUtc(2026, 10, 25, 2, 'Europe/Berlin'))).toBe('2026-10-25T00:00:00.000Z');
  });

  it('gives every moment its latest slot however the weeks are asked for (across DST changes)', () => {
    const HOUR = 3_600_000;
    // Each schedule's slots written out by hand from the zone's offsets (Berlin: CET +1 until
    // 29 March 2026 01:00 UTC, then CEST +2; New York: EDT -4 until 1 November 06:00 UTC).
    const cases = [
      {
        slot: { weekday: 0, hour: 10, timeZone: 'Europe/Berlin' },
        slots: [
          '2026-03-08T09:00Z',
          '2026-03-15T09:00Z',
          '2026-03-22T09:00Z',
          '2026-03-29T08:00Z',
          '2026-04-05T08:00Z',
          '2026-04-12T08:00Z',
        ],
      },
      {
        // 02:00 doesn't exist on 29 March: just after the jump.
        slot: { weekday: 0, hour: 2, timeZone: 'Europe/Berlin' },
        slots: [
          '2026-03-08T01:00Z',
          '2026-03-15T01:00Z',
          '2026-03-22T01:00Z',
          '2026-03-29T01:00Z',
          '2026-04-05T00:00Z',
          '2026-04-12T00:00Z',
        ],
      },
      {
        // 01:00 happens twice on 1 November: the first one.
        slot: { weekday: 0, hour: 1, timeZone: 'America/New_York' },
        slots: [
          '2026-10-11T05:00Z',
          '2026-10-18T05:00Z',
          '2026-10-25T05:00Z',
          '2026-11-01T05:00Z',
          '2026-11-08T06:00Z',
          '2026-11-15T06:00Z',
        ],
      },
    ];
    for (const { slot, slots } of cases) {
      const instants = slots.map((s) => Date.parse(s));
      const expected = (ms: number) => instants.filter((at) => at <= ms).at(-1)!;
      // Every 20 minutes between the first and the last slot, asked in a scrambled order (far
      // weeks between near ones, each moment twice), and every slot and the ms before it.
      const moments: number[] = [];
      for (let ms = instants[0]!; ms < instants.at(-1)!; ms += HOUR / 3) moments.push(ms);
      for (const at of instants.slice(1)) moments.push(at, at - 1);
      const order = moments.map((ms, i) => ({ ms, k: (i * 7919) % moments.length }));
      order.sort((a, b) => a.k - b.k);
      for (const { ms } of [...order, ...order.reverse()]) {
        if (latestSlot(slot, ms) !== expected(ms))
          expect(`${iso(ms)} -> ${iso(latestSlot(slot, ms))}`).toBe(`${iso(ms)} -> ${iso(expected(ms))}`);
      }
    }
  });

  it('knows time zone names', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('ranking', () => {
  const entry = (displayName: string, points: number, masteries = 0, beaten = 0) => ({
    ulid: displayName,
    displayName,
    points,
    unlocks: points,
    masteries,
    beaten,
    refreshedAt: null,
  });

  it('gives ties the same rank and skips the ranks they use', () => {
    const ranked = rankEntries(
      [entry('c', 5), entry('a', 9), entry('b', 5), entry('d', 1), entry('z', 0)],
      'points',
    );
    expect(ranked.map((e) => `${e.rank}${e.displayName}`)).toEqual(['1a', '2b', '2c', '4d']);
  });

  it('ranks awards by masteries, then beaten games', () => {
    const ranked = rankEntries([entry('a', 0, 1, 5), entry('b', 0, 2, 0), entry('c', 0, 1, 5)], 'awards');
    expect(ranked.map((e) => `${e.rank}${e.displayName}`)).toEqual(['1b', '2a', '2c']);
  });
});
