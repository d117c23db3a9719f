/**
 * Poll successes written in batches during a cycle: one transaction per batch instead of one per
 * user (at 1,000 idle users a commit each was the cycle's largest SQLite cost, bench/poll-cycle.ts).
 * A success that a crash keeps from being written only makes that user's next activity window
 * reach back further, which re-reads rows the stored earned set already holds: nothing is lost
 * or announced twice. Outside a cycle (a single `pollUser`) a success is written at once.
 */
import type { Instant } from '../store/index.js';

/** Written when this many are waiting, or when the oldest has waited FLUSH_AFTER_MS. */
const BATCH = 100;
const FLUSH_AFTER_MS = 5_000;

export function createPollSuccesses(
  store: { recordPollSuccesses(entries: readonly { ulid: string; at: Instant }[]): void },
  clock: () => number = () => performance.now(),
) {
  let batching = 0;
  let pending: { ulid: string; at: Instant }[] = [];
  let oldest = 0;

  function flush(): void {
    if (pending.length === 0) return;
    const entries = pending;
    pending = [];
    store.recordPollSuccesses(entries);
  }

  return {
    record(ulid: string, at: Instant): void {
      if (pending.length === 0) oldest = clock();
      pending.push({ ulid, at });
      if (batching === 0 || pending.length >= BATCH || clock() - oldest >= FLUSH_AFTER_MS) flush();
    },
    /** Batches successes recorded while `work` runs; all are written when it settles. */
    async during<T>(work: () => Promise<T>): Promise<T> {
      batching++;
      try {
        return await work();
      } finally {
        batching--;
        flush();
      }
    },
  };
}
