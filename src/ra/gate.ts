/**
 * The RA rate gate and its lanes: who gets RA's next request slot, and who may hold a
 * connection. RA's limits are per API key, so one client (one gate, one semaphore) serves the
 * whole process. The clock and timers come from outside, so the policy runs in virtual time in
 * tests (test/ra/gate.test.ts).
 */
import type { Timers } from '../util/timers.js';
import { LANES, type Lane, type LaneHeads, LanePolicy } from './lanes.js';

export type { BackgroundLane, Lane } from './lanes.js';

/** A monotonic clock (ms) and timers; the gate's only view of time. */
export interface GateClock {
  now(): number;
  timers: Timers;
}

/**
 * performance.now() and Node's timers, kept referenced (unlike util/timers' realTimers): a request
 * waiting for its slot must hold the process open, e.g. in `npm run doctor`.
 */
export const realGateClock: GateClock = {
  now: () => performance.now(),
  timers: {
    setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms)),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  },
};

/** The lanes that have waiters, each with when its oldest started waiting. */
function headsOf(lanes: Record<Lane, Array<{ since: number }>>): LaneHeads {
  const heads: LaneHeads = {};
  for (const lane of LANES) {
    const head = lanes[lane][0];
    if (head) heads[lane] = head.since;
  }
  return heads;
}

function emptyLanes<T>(): Record<Lane, T[]> {
  return { interactive: [], poller: [], followers: [], awards: [], community: [], catalogue: [] };
}

interface GateWaiter {
  resolve(): void;
  reject(reason: unknown): void;
  since: number;
  urgent: boolean;
}

/**
 * Adds a waiter to its lane: in arrival order, except that an urgent one (a poll of a user whose
 * points just moved) goes ahead of the lane's ordinary waiters, behind earlier urgent ones.
 * Only the order inside the lane changes: the lane's share of the slots stays its weight's.
 */
function enqueue<T extends { urgent: boolean }>(queue: T[], waiter: T): void {
  if (!waiter.urgent) {
    queue.push(waiter);
    return;
  }
  let i = 0;
  while (i < queue.length && queue[i]!.urgent) i++;
  queue.splice(i, 0, waiter);
}

/**
 * Spaces request starts at least `intervalMs` apart; at each slot the lane policy (lanes.ts) picks
 * the lane, and each lane goes in arrival order (urgent waiters first). Timer lateness can only widen the spacing, never shrink it.
 */
export class StartGate {
  private lastStart = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private readonly lanes = emptyLanes<GateWaiter>();
  private readonly policy: LanePolicy;
  private pumping = false;
  private closedWith: unknown = null;
  /** Wakes the pump's sleep on close(), so a closed client doesn't hold the process open. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly intervalMs: number,
    backgroundMaxWaitMs: number,
    private readonly clock: GateClock = realGateClock,
  ) {
    this.policy = new LanePolicy(backgroundMaxWaitMs);
  }

  take(lane: Lane, urgent = false): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closedWith !== null) {
        reject(this.closedWith);
        return;
      }
      enqueue(this.lanes[lane], { resolve, reject, since: this.clock.now(), urgent });
      void this.pump();
    });
  }

  /** Rejects everyone waiting and every later caller (the client is closing). */
  close(reason: unknown): void {
    this.closedWith = reason;
    this.wake?.();
    for (const lane of LANES) {
      for (const waiter of this.lanes[lane]) waiter.reject(reason);
      this.lanes[lane].length = 0;
    }
  }

  /** After a 429, nobody on this key should start before the pause ends. Returns whether a pause was already running. */
  pauseFor(ms: number): boolean {
    const at = this.clock.now();
    const wasPaused = this.pausedUntil > at;
    this.pausedUntil = Math.max(this.pausedUntil, at + ms);
    return wasPaused;
  }

  /** Sleeps `ms`; false when woken by close(). */
  private sleep(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const handle = this.clock.timers.setTimeout(() => {
        this.wake = null;
        resolve(true);
      }, ms);
      this.wake = () => {
        this.clock.timers.clearTimeout(handle);
        this.wake = null;
        resolve(false);
      };
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (LANES.some((lane) => this.lanes[lane].length > 0)) {
        const slot = Math.max(this.lastStart + this.intervalMs, this.pausedUntil);
        const wait = slot - this.clock.now();
        // Choose who goes only once the slot has come: an interactive request may arrive meanwhile.
        if (wait > 0) {
          if (!(await this.sleep(wait))) return;
          if (this.closedWith !== null) return;
          continue;
        }
        const waiter = this.lanes[this.policy.pick(headsOf(this.lanes), this.clock.now())!].shift()!;
        // Starts are counted from their slot once it has come (a timer that fires ~1 ms early just
        // loops once more): without that, 100 rps ran at ~104 (bench/poll-cycle.ts).
        this.lastStart = Math.max(slot, this.clock.now());
        waiter.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }
}

/**
 * Caps requests in flight. Waiters are served by the lane policy (lanes.ts), and background lanes
 * together may hold at most `limit - 1` slots (when there are two or more), so a person never
 * waits behind a full set of poller requests.
 */
export class Semaphore {
  private active = 0;
  private activeBackground = 0;
  private readonly backgroundLimit: number;
  private readonly waiting = emptyLanes<{ grant: () => void; since: number; urgent: boolean }>();
  private readonly policy: LanePolicy;

  constructor(
    private readonly limit: number,
    backgroundMaxWaitMs: number,
    private readonly clock: Pick<GateClock, 'now'> = realGateClock,
  ) {
    this.policy = new LanePolicy(backgroundMaxWaitMs);
    this.backgroundLimit = limit >= 2 ? limit - 1 : limit;
  }

  async acquire(lane: Lane, urgent = false): Promise<() => void> {
    await new Promise<void>((resolve) => {
      enqueue(this.waiting[lane], { grant: resolve, since: this.clock.now(), urgent });
      this.grant();
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      if (lane !== 'interactive') this.activeBackground--;
      this.grant();
    };
  }

  private grant(): void {
    while (this.active < this.limit) {
      const heads = headsOf(this.waiting);
      // Background lanes share the background slots: when those are taken, only people may go.
      const mayGo = this.activeBackground < this.backgroundLimit ? heads : { interactive: heads.interactive };
      const lane = this.policy.pick(mayGo, this.clock.now());
      if (lane === null) return;
      const next = this.waiting[lane].shift()!;
      this.active++;
      if (lane !== 'interactive') this.activeBackground++;
      next.grant();
    }
  }
}
