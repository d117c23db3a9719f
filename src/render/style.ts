/**
 * The bot's look, shared by every renderer: colors, award wording, number and time formats.
 * Kept apart so /progress and announcements can't drift apart (a mastery is the same gold in both).
 */
import { type Messages, messagesFor } from '../i18n/index.js';
import type { AwardKind } from '../ra/types.js';

export type AwardState = AwardKind | 'none';

/** The default reader: English, for callers that don't pass a `Messages`. */
const ENGLISH = messagesFor('en-US');

/** Embed color per award state, distinct at a glance. */
export const AWARD_COLORS: Readonly<Record<AwardState, number>> = {
  none: 0x5865f2, // Discord blurple: nothing earned yet
  'beaten-softcore': 0x95a5a6, // silver
  'beaten-hardcore': 0x2ecc71, // green
  completed: 0xe67e22, // bronze/orange: softcore mastery
  mastered: 0xf1c40f, // gold: hardcore mastery
};

/** Embed color of an unlock announcement. */
export const UNLOCK_COLORS = {
  hardcore: 0xc27c0e, // dark gold, apart from the mastery gold
  softcore: 0x3498db, // blue
} as const;

export const AWARD_EMOJI: Readonly<Record<AwardKind, string>> = {
  'beaten-softcore': '🏁',
  'beaten-hardcore': '🏁',
  completed: '🏅',
  mastered: '👑',
};

export type TimestampStyle = 't' | 'T' | 'd' | 'D' | 'f' | 'F' | 'R';

function isValidDate(date: Date | null | undefined): date is Date {
  return date instanceof Date && Number.isFinite(date.getTime());
}

/** Discord's `<t:unix:style>`, which each reader sees in their own time zone; null for no/invalid date. */
export function discordTimestamp(date: Date | null | undefined, style: TimestampStyle): string | null {
  return isValidDate(date) ? `<t:${Math.floor(date.getTime() / 1000)}:${style}>` : null;
}

/** Parses an ISO string; null when absent or unparseable. */
export function parseIsoDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return isValidDate(date) ? date : null;
}

/** Whole percent that reads honestly: 100% only when complete, `<1%` rather than `0%` for a start. */
export function formatPercent(part: number, whole: number, m: Messages = ENGLISH): string {
  if (!(whole > 0) || !(part > 0)) return m.percent(0);
  if (part >= whole) return m.percent(100);
  const pct = (part / whole) * 100;
  return pct < 1 ? `<${m.percent(1)}` : m.percent(Math.min(99, Math.floor(pct)));
}

/** Share of players as a rarity figure: one decimal below 10%, e.g. `3.2%`; null when unknown. */
export function formatRarity(numAwarded: number, numPlayers: number, m: Messages = ENGLISH): string | null {
  if (!(numPlayers > 0) || !(numAwarded >= 0)) return null;
  const pct = Math.min(100, (numAwarded / numPlayers) * 100);
  if (pct > 0 && pct < 0.1) return `<${m.percent(0.1, 1)}`;
  return pct < 10 ? m.percent(Math.round(pct * 10) / 10, 1) : m.percent(Math.round(pct));
}

const DURATION_UNITS = [
  ['duration.years', 365 * 24 * 3600_000],
  ['duration.days', 24 * 3600_000],
  ['duration.hours', 3600_000],
  ['duration.minutes', 60_000],
] as const;

/** `3 days 4 hours`: the two largest non-zero units; `under a minute` for less. */
export function humanizeDuration(ms: number, m: Messages = ENGLISH): string {
  if (!(ms >= 60_000)) return m.t('duration.underAMinute');
  const parts: string[] = [];
  let rest = ms;
  for (const [key, size] of DURATION_UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(m.t(key, { count }));
    else if (parts.length > 0) break; // "1 day 0 hours 5 minutes" reads worse than "1 day"
    if (parts.length === 2) break;
  }
  return parts.length === 2
    ? m.t('duration.pair', { first: parts[0] ?? '', second: parts[1] ?? '' })
    : (parts[0] ?? '');
}

/** `1st`, `2nd`, `3rd`, `11th`, `22nd`, `1,001st` (`1.`, `1º`, `1er` ...: CLDR's ordinal rules of the locale). */
export function ordinal(n: number, m: Messages = ENGLISH): string {
  return m.ordinal(n);
}
