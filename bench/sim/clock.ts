/**
 * The simulation's clock: virtual time runs `speed` times faster than real time from an epoch
 * both processes agree on (the fakes' process and the bot's), so RA's world, Discord's message
 * timestamps and the bot all read the same virtual "now" without talking to each other.
 *
 * `installScaledTime` is for the bot's process only: it swaps the process's clocks and timers
 * (Date, performance.now, setTimeout/setInterval, node:timers, node:timers/promises) for
 * scaled ones BEFORE the bot's modules load. The bot is passed nothing else: it keeps its real
 * defaults (1 RA request a second, POLL_CRON every 5 minutes, 15 s dispatch timer) and simply
 * lives through a faster day.
 *
 * One correction keeps the speed-up from distorting the bot: a timer that fires a few real
 * milliseconds late would otherwise look `speed` times as late (at 300x, 4 ms of event-loop
 * jitter is 1.2 virtual seconds, and node-cron skips a tick that is more than 1 s late). While a
 * setTimeout callback runs, the clock reads the timer's due time plus its real lateness, unscaled
 * (never earlier than a time already read: the clock stays monotonic).
 */
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';

/** Real lateness up to this is treated as timer jitter (see the module comment). */
const MAX_PINNED_LATENESS_MS = 25;

export interface ClockSpec {
  /** Real epoch ms at which virtual time equals `virtualEpochMs`. */
  realEpochMs: number;
  virtualEpochMs: number;
  speed: number;
}

/** Virtual epoch ms for a real epoch ms. */
export function virtualAt(spec: ClockSpec, realMs: number): number {
  return spec.virtualEpochMs + (realMs - spec.realEpochMs) * spec.speed;
}

export interface ScaledTime {
  /** Virtual now. */
  now(): Date;
  /** The unscaled wall clock (ms), for measurements of the process itself. */
  realNow(): number;
  /** The unscaled monotonic clock (ms). */
  realPerformanceNow(): number;
}

/**
 * Replaces the process's clocks and timers with scaled ones (see the module comment). `spec` is
 * read on every use: assigning new epochs to it later (same speed) moves the clock.
 */
export function installScaledTime(spec: ClockSpec): ScaledTime {
  const RealDate = Date;
  const realDateNow = Date.now.bind(Date);
  const realPerfNow = performance.now.bind(performance);
  const realSetTimeout = globalThis.setTimeout;
  const realSetInterval = globalThis.setInterval;
  const perfOrigin = realPerfNow();
  /** While a timer's callback runs: its due time plus its real lateness (see the module comment). */
  let pinned: number | null = null;
  let lastRead = Number.NEGATIVE_INFINITY;
  const virtualNow = () => {
    const raw = virtualAt(spec, realDateNow());
    const at = pinned === null ? raw : Math.max(lastRead, Math.min(raw, pinned));
    lastRead = Math.max(lastRead, at);
    return at;
  };
  const scale = (ms: unknown) => Math.max(0, Number(ms) || 0) / spec.speed;

  class VirtualDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(virtualNow());
      else super(...(args as [number]));
    }
    static override now(): number {
      return virtualNow();
    }
  }
  globalThis.Date = VirtualDate as DateConstructor;
  // Monotonic time keeps its origin but runs at the same speed.
  performance.now = () => perfOrigin + (realPerfNow() - perfOrigin) * spec.speed;

  const realClearTimeout = globalThis.clearTimeout;
  const cleared = new WeakSet<object>();
  const scaledSetTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
    const dueVirtual = virtualNow() + Math.max(0, Number(ms) || 0);
    const dueReal = realDateNow() + scale(ms);
    const run = (args: unknown[], lateReal: number) => {
      const outer = pinned;
      // Jitter only: a timer refreshed or held up by a real stall reads the plain scaled clock.
      pinned = lateReal >= 0 && lateReal <= MAX_PINNED_LATENESS_MS ? dueVirtual + lateReal : outer;
      try {
        fn(...args);
      } finally {
        pinned = outer;
      }
    };
    const handle: NodeJS.Timeout = realSetTimeout(
      (...args: unknown[]) => {
        const lateReal = realDateNow() - dueReal;
        if (lateReal <= MAX_PINNED_LATENESS_MS) {
          run(args, lateReal);
          return;
        }
        // After a real stall, answers that arrived during it are read first (this loop turn's
        // poll phase), then the timer runs unless that cleared it: at real speed a stall of a
        // few hundred ms never turns a 15 s request timeout into a timeout.
        setImmediate(() => {
          if (!cleared.has(handle)) run(args, lateReal);
        });
      },
      scale(ms),
      ...rest,
    );
    return handle;
  }) as typeof setTimeout;
  const scaledClearTimeout = ((handle?: unknown) => {
    if (handle !== null && typeof handle === 'object') cleared.add(handle);
    realClearTimeout(handle as NodeJS.Timeout);
  }) as typeof clearTimeout;
  const scaledSetInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) =>
    realSetInterval(fn, scale(ms), ...rest)) as typeof setInterval;
  const realPromiseTimeout = timersPromises.setTimeout;
  const realPromiseInterval = timersPromises.setInterval;
  globalThis.setTimeout = scaledSetTimeout;
  globalThis.setInterval = scaledSetInterval;
  globalThis.clearTimeout = scaledClearTimeout;
  timers.clearTimeout = scaledClearTimeout;
  timers.setTimeout = scaledSetTimeout;
  timers.setInterval = scaledSetInterval;
  (timersPromises as { setTimeout: unknown }).setTimeout = (ms?: number, ...rest: unknown[]) =>
    (realPromiseTimeout as (ms: number, ...r: unknown[]) => Promise<unknown>)(scale(ms), ...rest);
  (timersPromises as { setInterval: unknown }).setInterval = (ms?: number, ...rest: unknown[]) =>
    (realPromiseInterval as (ms: number, ...r: unknown[]) => AsyncIterable<unknown>)(scale(ms), ...rest);
  syncBuiltinESMExports();
  return {
    now: () => new RealDate(virtualNow()),
    realNow: realDateNow,
    realPerformanceNow: realPerfNow,
  };
}
