/**
 * The RA rate gate and its lanes: who gets RA's next request slot, and who may hold a
 * connection. RA's limits are per API key, so one client (one gate, one semaphore) serves the
 * whole process. The clock and timers come from outside, so the policy runs in virtual time in
 * tests (test/ra/gate.test.ts).
 */
import type { Timers } from '../util/timers.js';

/**
 * Requests run in one of three lanes. Interactive ones (slash commands, autocomplete: a person is
 * waiting) go before background ones (the poller) at every queue, so a long poll cycle at one
 * request a second never makes autocomplete miss its 3-second window. Idle work (the catalogue)
 * goes behind both.
 */
export type Lane = 'interactive' | 'background' | 'idle';

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

/**
 * Interactive first, unless the oldest background waiter has waited past `maxWaitMs`; idle work
 * (the catalogue) only when neither waits, and it never ages ahead of anyone.
 */
export function nextLane<T extends { since: number }>(
  lanes: Record<Lane, T[]>,
  nowMs: number,
  maxWaitMs: number,
): Lane | null {
  const background = lanes.background[0];
  if (background && nowMs - background.since >= maxWaitMs) return 'background';
  if (lanes.interactive.length > 0) return 'interactive';
  if (background) return 'background';
  return lanes.idle.length > 0 ? 'idle' : null;
}

interface GateWaiter {
  resolve(): void;
  reject(reason: unknown): void;
  since: number;
}

/**
 * Spaces request starts at least `intervalMs` apart, interactive lane first, each lane in arrival
 * order. Timer lateness can only widen the spacing, never shrink it.
 */
export class StartGate {
  private lastStart = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private readonly lanes: Record<Lane, GateWaiter[]> = { interactive: [], background: [], idle: [] };
  private pumping = false;
  private closedWith: unknown = null;
  /** Wakes the pump's sleep on close(), so a closed client doesn't hold the process open. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly backgroundMaxWaitMs: number,
    private readonly clock: GateClock = realGateClock,
  ) {}

  take(lane: Lane): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closedWith !== null) {
        reject(this.closedWith);
        return;
      }
      this.lanes[lane].push({ resolve, reject, since: this.clock.now() });
      void this.pump();
    });
  }

  /** Rejects everyone waiting and every later caller (the client is closing). */
  close(reason: unknown): void {
    this.closedWith = reason;
    this.wake?.();
    for (const waiter of [...this.lanes.interactive, ...this.lanes.background, ...this.lanes.idle])
      waiter.reject(reason);
    this.lanes.interactive.length = 0;
    this.lanes.background.length = 0;
    this.lanes.idle.length = 0;
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
      while (
        this.lanes.interactive.length > 0 ||
        this.lanes.background.length > 0 ||
        this.lanes.idle.length > 0
      ) {
        const slot = Math.max(this.lastStart + this.intervalMs, this.pausedUntil);
        const wait = slot - this.clock.now();
        // Choose who goes only once the slot has come: an interactive request may arrive meanwhile.
        if (wait > 0) {
          if (!(await this.sleep(wait))) return;
          if (this.closedWith !== null) return;
          continue;
        }
        const waiter = this.lanes[nextLane(this.lanes, this.clock.now(), this.backgroundMaxWaitMs)!].shift()!;
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
 * Caps requests in flight. Interactive waiters are served first, and the background lane may
 * hold at most `limit - 1` slots (when there are two or more), so a person never waits behind a
 * full set of poller requests.
 */
export class Semaphore {
  private active = 0;
  private activeBackground = 0;
  private readonly backgroundLimit: number;
  private readonly waiting: Record<Lane, Array<{ grant: () => void; since: number }>> = {
    interactive: [],
    background: [],
    idle: [],
  };

  constructor(
    private readonly limit: number,
    private readonly backgroundMaxWaitMs: number,
    private readonly clock: Pick<GateClock, 'now'> = realGateClock,
  ) {
    this.backgroundLimit = limit >= 2 ? limit - 1 : limit;
  }

  async acquire(lane: Lane): Promise<() => void> {
    await new Promise<void>((resolve) => {
      this.waiting[lane].push({ grant: resolve, since: this.clock.now() });
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
      const backgroundMayGo = this.activeBackground < this.backgroundLimit;
      let lane = nextLane(this.waiting, this.clock.now(), this.backgroundMaxWaitMs);
      // Idle work shares the background slots (nextLane picks it only when nobody else waits).
      if (lane !== null && lane !== 'interactive' && !backgroundMayGo)
        lane = this.waiting.interactive.length > 0 ? 'interactive' : null;
      if (lane === null) return;
      const next = this.waiting[lane].shift()!;
      this.active++;
      if (lane !== 'interactive') this.activeBackground++;
      next.grant();
    }
  }
}
