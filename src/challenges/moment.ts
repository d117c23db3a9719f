/**
 * The `ends` option of the competition commands (pure): a duration (`90m`, `12h`, `3d`) from
 * now, or a date (`2027-01-31`): the end of that day in the server's time zone.
 */
import { zonedParts, zonedTimeToUtc } from '../community/digest-schedule.js';

const DURATION = /^(\d{1,5})\s*(m|min|h|d)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
/** Longer than this is almost certainly a typo (a year covers any challenge or race). */
export const MAX_AHEAD_MS = 366 * 86_400_000;

export type EndsParse = { ok: true; at: number } | { ok: false; why: 'format' | 'past' | 'far' };

export function parseEnds(text: string, nowMs: number, timeZone: string): EndsParse {
  const input = text.trim();
  let at: number | null = null;
  const duration = DURATION.exec(input);
  if (duration) at = nowMs + Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!;
  const date = DATE.exec(input);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return { ok: false, why: 'format' };
    // The end of that day: midnight at the start of the next one, in the server's zone.
    at = zonedTimeToUtc(year, month, day + 1, 0, timeZone);
  }
  if (at === null) return { ok: false, why: 'format' };
  if (at <= nowMs) return { ok: false, why: 'past' };
  if (at - nowMs > MAX_AHEAD_MS) return { ok: false, why: 'far' };
  return { ok: true, at };
}

/** The end of the current month in `timeZone` (the default end of a challenge). */
export function endOfMonth(nowMs: number, timeZone: string): number {
  const p = zonedParts(nowMs, timeZone);
  return zonedTimeToUtc(p.year, p.month + 1, 1, 0, timeZone);
}

/** The calendar year of an instant in `timeZone` (a challenge belongs to the year it ended in). */
export function yearIn(ms: number, timeZone: string): number {
  return zonedParts(ms, timeZone).year;
}
