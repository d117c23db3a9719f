/**
 * Challenge points (pure). Participation 1 (an unlock of the game during the challenge), beaten
 * +3, mastered +3; hardcore only unless softcore was allowed at start. A mastery counts as
 * beaten too when no beaten award was seen (RA may grant only the mastery when both come at
 * once; a mastered set has every progression achievement). Ties: whoever got there first.
 */
import type { ChallengeFacts, ChallengeNote, ChallengeStanding } from '../domain/challenges.js';

export const PARTICIPATION_POINTS = 1;
export const BEATEN_POINTS = 3;
export const MASTERED_POINTS = 3;

function minOf(...values: (number | null)[]): number | null {
  let out: number | null = null;
  for (const v of values) if (v !== null && (out === null || v < out)) out = v;
  return out;
}

export function score(facts: ChallengeFacts): Pick<ChallengeStanding, 'points' | 'reachedAt' | 'award'> {
  const beatenAt = minOf(facts.beatenAt, facts.masteredAt);
  let points = 0;
  let reachedAt = 0;
  const add = (at: number | null, value: number) => {
    if (at === null) return;
    points += value;
    reachedAt = Math.max(reachedAt, at);
  };
  add(facts.firstUnlockAt, PARTICIPATION_POINTS);
  add(beatenAt, BEATEN_POINTS);
  add(facts.masteredAt, MASTERED_POINTS);
  const award = facts.masteredAt !== null ? 'mastered' : beatenAt !== null ? 'beaten' : null;
  return { points, reachedAt, award };
}

/** Users with points, best first: more points, then earlier, then by name (stable). */
export function rankStandings(all: readonly ChallengeFacts[]): ChallengeStanding[] {
  return all
    .map((facts) => ({ ...facts, ...score(facts), rank: 0 }))
    .filter((s) => s.points > 0)
    .sort(
      (a, b) =>
        b.points - a.points ||
        a.reachedAt - b.reachedAt ||
        a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' }) ||
        a.ulid.localeCompare(b.ulid),
    )
    .map((s, i) => ({ ...s, rank: i + 1 }));
}

/** One event of an announcement, as the challenge sees it. */
export type ChallengeEvent =
  | { kind: 'unlock'; at: number; hardcore: boolean }
  | { kind: 'award'; at: number; award: 'beaten-softcore' | 'beaten-hardcore' | 'completed' | 'mastered' };

/** Facts with events added (events outside the window or of the wrong mode change nothing). */
export function withEvents(
  facts: ChallengeFacts,
  events: readonly ChallengeEvent[],
  window: { startsAt: number; endsAt: number; softcore: boolean },
): ChallengeFacts {
  const next = { ...facts };
  for (const e of events) {
    if (e.at < window.startsAt || e.at >= window.endsAt) continue;
    if (e.kind === 'unlock') {
      if (e.hardcore || window.softcore) next.firstUnlockAt = minOf(next.firstUnlockAt, e.at);
    } else if (e.award === 'beaten-hardcore' || (window.softcore && e.award === 'beaten-softcore')) {
      next.beatenAt = minOf(next.beatenAt, e.at);
    } else if (e.award === 'mastered' || (window.softcore && e.award === 'completed')) {
      next.masteredAt = minOf(next.masteredAt, e.at);
    }
  }
  return next;
}

/**
 * The note for one announcement: the user's facts before it (as stored plus earlier rows of the
 * same poll), its events, and everyone else's facts. Null when the user has no points after it.
 */
export function challengeNote(
  everyone: readonly ChallengeFacts[],
  before: ChallengeFacts,
  events: readonly ChallengeEvent[],
  window: { startsAt: number; endsAt: number; softcore: boolean },
): { note: ChallengeNote | null; after: ChallengeFacts } {
  const after = withEvents(before, events, window);
  const standings = rankStandings([...everyone.filter((f) => f.ulid !== before.ulid), after]);
  const mine = standings.find((s) => s.ulid === before.ulid);
  if (!mine) return { note: null, after };
  const gained = mine.points - score(before).points;
  return { note: { gained, points: mine.points, rank: mine.rank }, after };
}
