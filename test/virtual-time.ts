/** Virtual time for unit tests: a clock and timers; `advance` runs due timers in time order. */
import type { Timers } from '../src/util/timers.js';

export function virtualTime(startMs = 0) {
  let ms = startMs;
  let id = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, delay) {
      due.set(++id, { at: ms + Math.max(0, delay), fn });
      return id;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
  };
  /** Lets promise chains that need no I/O settle (setImmediate: also work that yields a turn). */
  const settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };
  async function advance(by: number) {
    const end = ms + by;
    await settle();
    for (;;) {
      const next = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      due.delete(next[0]);
      ms = next[1].at;
      next[1].fn();
      await settle();
    }
    ms = end;
    await settle();
  }
  return { now: () => ms, timers, advance, settle, pending: () => due.size };
}
