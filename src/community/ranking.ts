/**
 * Leaderboard ranking, pure: who is ahead, with ties sharing a rank ("1, 2, 2, 4": standard
 * competition ranking), and the time window of each period.
 */
import type { LeaderboardEntry, Period, RankBy, RankedEntry } from '../domain/community.js';

const DAY_MS = 24 * 60 * 60_000;
/** Week and month are rolling windows ending now: no time zone to argue about. */
export const PERIOD_DAYS: Readonly<Record<Exclude<Period, 'all'>, number>> = { week: 7, month: 30 };

export function periodStart(period: Exclude<Period, 'all'>, now: Date): Date {
  return new Date(now.getTime() - PERIOD_DAYS[period] * DAY_MS);
}

/** The figures compared, most significant first. */
export function scoreOf(entry: LeaderboardEntry, by: RankBy): number[] {
  if (by === 'points') return [entry.points];
  if (by === 'unlocks') return [entry.unlocks ?? 0];
  return [entry.masteries, entry.beaten];
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (b[i] ?? 0) - (a[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Entries with something to show (a non-zero score), best first, ties by name (case-insensitive)
 * and sharing a rank.
 */
export function rankEntries(entries: readonly LeaderboardEntry[], by: RankBy): RankedEntry[] {
  const scored = entries
    .map((entry) => ({ entry, score: scoreOf(entry, by) }))
    .filter(({ score }) => score.some((n) => n > 0))
    .sort(
      (a, b) =>
        compareScores(a.score, b.score) ||
        a.entry.displayName.localeCompare(b.entry.displayName, 'en', { sensitivity: 'base' }) ||
        a.entry.ulid.localeCompare(b.entry.ulid),
    );
  const ranked: RankedEntry[] = [];
  scored.forEach(({ entry, score }, index) => {
    const previous = scored[index - 1];
    const tied = previous !== undefined && compareScores(previous.score, score) === 0;
    ranked.push({ ...entry, rank: tied ? ranked[index - 1]!.rank : index + 1 });
  });
  return ranked;
}
