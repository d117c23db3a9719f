/**
 * The lane policy: who gets RA's next request slot (or connection) when several lanes wait.
 * Pure: it sees which lanes have work and since when, and keeps a little state of its own; the
 * gate (gate.ts) applies it at every slot. Unit tests: test/ra/gate.test.ts.
 *
 * 1. People first, capped. A request a person waits for (slash command, autocomplete) goes
 *    first, except that after INTERACTIVE_RUN_CAP slots in a row went to people while background
 *    work waited, the next goes to background work, and so does the next slot whenever the oldest
 *    background request has waited `maxWaitMs` (aging). Background work therefore keeps at least
 *    1 slot in 10 under any stream of commands, and never waits more than `maxWaitMs` behind them.
 * 2. Background lanes share by weight (smooth weighted round robin over the lanes that have
 *    work): each pick adds every waiting lane's weight to its credit, the lane with the most
 *    credit goes and gives back the sum of the waiting lanes' weights. Over any run of slots where
 *    a set of lanes waits, each gets its weight's share of them, evenly spread; a lane without
 *    work banks no credit. So no lane can be starved to zero by any load: see LANE_WEIGHTS.
 */

/** Every lane, in tie-break order. */
export const LANES = ['interactive', 'poller', 'followers', 'awards', 'community', 'catalogue'] as const;
export type Lane = (typeof LANES)[number];
export type BackgroundLane = Exclude<Lane, 'interactive'>;
export const BACKGROUND_LANES = LANES.filter((l): l is BackgroundLane => l !== 'interactive');

/**
 * Shares of the background slots while every background lane has work: poller 4/10, follow-list
 * watchers 3/10 (page 1 of each list every 10 s at 1 request/s, 0.2 requests/s, must fit with
 * room to spare), award feed 1/10, community jobs 1/10, catalogue 1/10. With fewer lanes waiting
 * the shares are of the waiting lanes' weights (catalogue vs the poller alone: 1 in 5).
 */
export const LANE_WEIGHTS: Readonly<Record<BackgroundLane, number>> = {
  poller: 4,
  followers: 3,
  awards: 1,
  community: 1,
  catalogue: 1,
};

/** People may take at most this many slots in a row while background work waits. */
export const INTERACTIVE_RUN_CAP = 9;

/** For each lane, when its oldest waiter started waiting (ms), or undefined when it has none. */
export type LaneHeads = Partial<Record<Lane, number>>;

export class LanePolicy {
  /** Slots in a row that went to people while background work waited. */
  private interactiveRun = 0;
  private readonly credit: Record<BackgroundLane, number> = {
    poller: 0,
    followers: 0,
    awards: 0,
    community: 0,
    catalogue: 0,
  };

  constructor(private readonly maxWaitMs: number) {}

  /** Chooses the lane that gets this slot (and records it), or null when nobody waits. */
  pick(heads: LaneHeads, nowMs: number): Lane | null {
    const waiting = BACKGROUND_LANES.filter((l) => heads[l] !== undefined);
    if (heads.interactive !== undefined) {
      if (waiting.length === 0) return 'interactive';
      const oldest = Math.min(...waiting.map((l) => heads[l]!));
      if (this.interactiveRun < INTERACTIVE_RUN_CAP && nowMs - oldest < this.maxWaitMs) {
        this.interactiveRun++;
        return 'interactive';
      }
    }
    if (waiting.length === 0) return null;
    this.interactiveRun = 0;
    return this.pickBackground(waiting);
  }

  private pickBackground(waiting: BackgroundLane[]): BackgroundLane {
    let total = 0;
    let best = waiting[0]!;
    for (const lane of BACKGROUND_LANES) {
      if (!waiting.includes(lane)) {
        this.credit[lane] = 0;
        continue;
      }
      total += LANE_WEIGHTS[lane];
      this.credit[lane] += LANE_WEIGHTS[lane];
      if (this.credit[lane] > this.credit[best]) best = lane;
    }
    this.credit[best] -= total;
    return best;
  }
}
