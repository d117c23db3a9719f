/**
 * When a server's weekly digest is due, pure: the schedule (weekday, hour, IANA time zone) and
 * a clock give the most recent slot. Uses Intl only; daylight-saving changes are handled by
 * converting the slot's local wall time in its own zone.
 */

export interface WeeklySlot {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 0-23 local. */
  hour: number;
  timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a time zone name Intl knows (e.g. `Europe/Berlin`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time at `ms` in `timeZone`. */
export function zonedParts(ms: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Offset of `timeZone` from UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local wall time (a time skipped by a DST jump maps to just after it). */
export function zonedTimeToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  timeZone: string,
): number {
  const guess = Date.UTC(year, month - 1, day, hour);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second;
}

/** The latest slot at or before `nowMs` (epoch ms). */
export function latestSlot(slot: WeeklySlot, nowMs: number): number {
  const today = zonedParts(nowMs, slot.timeZone);
  for (let back = 0; back <= 8; back++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
    if (date.getUTCDay() !== slot.weekday) continue;
    const at = zonedTimeToUtc(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      slot.hour,
      slot.timeZone,
    );
    if (at <= nowMs) return at;
  }
  throw new Error('no weekly slot found in the last 8 days');
}

/** The next slot after `nowMs`. */
export function nextSlot(slot: WeeklySlot, nowMs: number): number {
  // Next week's slot is 7 days after the latest, give or take a DST hour: 3 hours of slack
  // land after it and long before the one after.
  return latestSlot(slot, latestSlot(slot, nowMs) + 7 * 24 * 60 * 60_000 + 3 * 60 * 60_000);
}

export const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;
