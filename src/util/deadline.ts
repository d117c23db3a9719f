import type { Timers } from './timers.js';

/**
 * `work`'s value, or `fallback` when it hasn't settled within `ms`. A rejection of `work` within
 * the time passes through. The timer never outlives the race.
 */
export async function orAfter<T, F>(work: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `work`'s outcome, or a rejection with `error()` once `ms` have passed on `timers` (then `onLate`
 * runs first, e.g. to tell the work to stop). The work itself is not cancelled: it settles on its
 * own. For background jobs whose successors must not wait on a stuck one.
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  timers: Timers,
  error: () => Error,
  onLate?: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const deadline = timers.setTimeout(() => {
      onLate?.();
      reject(error());
    }, ms);
    work.then(resolve, reject).finally(() => timers.clearTimeout(deadline));
  });
}
