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

const HOUR_MS = 60 * 60_000;

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

/**
 * The instant of a local wall time. An hour that happens twice (clocks go back) is its first
 * occurrence; an hour skipped by a jump forward maps to just after the jump (the wall time read
 * with the offset in force before it), east or west of UTC alike.
 */
export function zonedTimeToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  // Offset changes are hours apart from each other: the offsets half a day either side are the
  // two this wall time can have.
  const before = wall - offsetAt(wall - 12 * HOUR_MS, timeZone);
  const after = wall - offsetAt(wall + 12 * HOUR_MS, timeZone);
  const reads = (at: number) => at + offsetAt(at, timeZone) === wall;
  if (reads(before)) return before;
  if (reads(after)) return after;
  return before; // skipped: read with the earlier offset, it lands just after the jump
}

/**
 * Weeks already worked out, per schedule: [a slot, the next one). Every time inside one has that
 * slot as its latest, so the community tick, which asks for each server's slots every minute,
 * reads them here instead of formatting dates in its zone a few dozen times per server (500
 * servers took 50-120 ms of one event-loop turn). A cache of a pure function: same answers.
 */
const knownWeeks = new Map<string, { from: number; to: number }[]>();
const WEEKS_KEPT = 6;
const SCHEDULES_KEPT = 20_000;

/** The latest slot at or before `nowMs` (epoch ms). */
export function latestSlot(slot: WeeklySlot, nowMs: number): number {
  const key = `${slot.weekday} ${slot.hour} ${slot.timeZone}`;
  let weeks = knownWeeks.get(key);
  const known = weeks?.find((week) => week.from <= nowMs && nowMs < week.to);
  if (known) return known.from;
  const from = computeLatestSlot(slot, nowMs);
  // The next slot, as nextSlot finds it: no slot lies between the two.
  const to = computeLatestSlot(slot, from + 7 * 24 * HOUR_MS + 3 * HOUR_MS);
  if (!weeks) {
    if (knownWeeks.size >= SCHEDULES_KEPT) knownWeeks.clear();
    weeks = [];
    knownWeeks.set(key, weeks);
  }
  weeks.push({ from, to });
  if (weeks.length > WEEKS_KEPT) weeks.shift();
  return from;
}

function computeLatestSlot(slot: WeeklySlot, nowMs: number): number {
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

/**
 * Two digests of a server are at least this far apart, however its schedule is changed: moving
 * Monday 09:00 UTC to 09:00 New York the same Monday waits for next Monday, while moving it on a
 * Tuesday to Wednesday posts on Wednesday (no week without a digest).
 */
export const DIGEST_MIN_GAP_MS = 24 * HOUR_MS;

/** The first slot at or after `ms`. */
function slotAtOrAfter(slot: WeeklySlot, ms: number): number {
  const latest = latestSlot(slot, ms);
  return latest === ms ? ms : nextSlot(slot, ms);
}

/** The time span a digest covers: [from, to), `to` being its slot. */
export interface DigestWindow {
  from: number;
  to: number;
}

/**
 * The digest due at `nowMs`, or null. `lastPeriod` is where the last digest's window ended (or,
 * before the first, the slot that had passed when the digest was turned on). The first slot at
 * least `DIGEST_MIN_GAP_MS` after it is due, and its window starts exactly where the last ended
 * (daylight-saving weeks of 167 or 169 hours, a schedule moved to another day, hour or zone: no
 * hour counted twice or left out). A later slot (the bot was down over one) covers only its own
 * week: one digest posted late, never one per missed week.
 */
export function dueDigest(slot: WeeklySlot, lastPeriod: number | null, nowMs: number): DigestWindow | null {
  const to = latestSlot(slot, nowMs);
  const previous = latestSlot(slot, to - 1);
  if (lastPeriod === null) return { from: previous, to };
  const first = slotAtOrAfter(slot, lastPeriod + DIGEST_MIN_GAP_MS);
  if (to < first) return null;
  return { from: to === first ? lastPeriod : previous, to };
}

/** When the next digest goes, after `nowMs` (see `dueDigest`). */
export function nextDigestAt(slot: WeeklySlot, lastPeriod: number | null, nowMs: number): number {
  const next = nextSlot(slot, nowMs);
  return lastPeriod === null ? next : Math.max(next, slotAtOrAfter(slot, lastPeriod + DIGEST_MIN_GAP_MS));
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
