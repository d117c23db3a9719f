/**
 * A feature's lifecycle: made (no timers, no sockets), then started, then stopped. The bot lists
 * its features in start order and stops them in reverse (src/app.ts), so whatever a feature uses
 * is started before it and still there while it stops.
 */
import { orAfter } from './deadline.js';

export interface Feature {
  /** Which feature this is, for someone reading the start list or debugging a shutdown. */
  readonly name: string;
  start(): void | Promise<void>;
  /** Also called when this feature's own start() failed part-way: it undoes what it can. */
  stop(): void | Promise<void>;
}

/** How long shutdown waits for each running piece of work (a poll, posts, a tick) before abandoning it. */
export const STOP_BUDGET_MS = 5_000;

/** True when `work` settled within `ms` (its failure counts as settled: shutdown goes on). */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return orAfter(
    work.then(
      () => true,
      () => true,
    ),
    ms,
    false,
  );
}

/**
 * Starts `features` one after another. When one fails, it and every feature started before it
 * are stopped in reverse order, and its error is thrown; later features are never started.
 */
export async function startInOrder(features: readonly Feature[]): Promise<void> {
  for (const [i, feature] of features.entries()) {
    try {
      await feature.start();
    } catch (error) {
      await stopInReverse(features.slice(0, i + 1));
      throw error;
    }
  }
}

/** Stops `features` last-started first, each after the one before it has finished stopping. */
export async function stopInReverse(features: readonly Feature[]): Promise<void> {
  for (const feature of [...features].reverse()) await feature.stop();
}
