/**
 * The rate gate's lane policy, in virtual time: who gets RA's next request slot when several
 * lanes wait, and who may hold a connection.
 */
import { describe, expect, it } from 'vitest';
import { type GateClock, type Lane, Semaphore, StartGate } from '../../src/ra/gate.js';

/** A virtual clock: `advance` runs due timers in time order, letting promises settle between. */
function virtualClock() {
  let ms = 0;
  let id = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const clock: GateClock = {
    now: () => ms,
    timers: {
      setTimeout(fn, delay) {
        due.set(++id, { at: ms + Math.max(0, delay), fn });
        return id;
      },
      clearTimeout(handle) {
        due.delete(handle as number);
      },
    },
  };
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
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
  return { clock, advance, settle, pending: () => due.size };
}

/** A gate at 1 request/s with a log of who started when. */
function gateAt1Rps(maxWaitMs = 5_000) {
  const v = virtualClock();
  const gate = new StartGate(1000, maxWaitMs, v.clock);
  const starts: Array<{ who: string; at: number }> = [];
  const take = (lane: Lane, who: string) =>
    gate.take(lane).then(() => starts.push({ who, at: v.clock.now() }));
  return { ...v, gate, starts, take, order: () => starts.map((s) => s.who) };
}

describe('StartGate (1 request/s)', () => {
  it('spaces starts one interval apart, the first at once', async () => {
    const g = gateAt1Rps();
    for (const who of ['a', 'b', 'c']) void g.take('interactive', who);
    await g.advance(5_000);
    expect(g.starts).toEqual([
      { who: 'a', at: 0 },
      { who: 'b', at: 1000 },
      { who: 'c', at: 2000 },
    ]);
  });

  it('serves a person before queued background requests, each lane in arrival order', async () => {
    const g = gateAt1Rps();
    for (const who of ['p1', 'p2', 'p3']) void g.take('background', who);
    await g.advance(0);
    void g.take('interactive', 'cmd1');
    void g.take('interactive', 'cmd2');
    await g.advance(10_000);
    expect(g.order()).toEqual(['p1', 'cmd1', 'cmd2', 'p2', 'p3']);
  });

  it('serves idle work only when neither people nor background wait', async () => {
    const g = gateAt1Rps();
    for (const who of ['i1', 'i2']) void g.take('idle', who);
    await g.advance(0);
    void g.take('background', 'p1');
    void g.take('interactive', 'cmd1');
    await g.advance(10_000);
    expect(g.order()).toEqual(['i1', 'cmd1', 'p1', 'i2']);
  });

  it('lets a background request that waited maxWait go ahead of a stream of commands', async () => {
    const g = gateAt1Rps(3_000);
    for (let i = 0; i < 10; i++) void g.take('interactive', `cmd${i}`);
    void g.take('background', 'poll');
    await g.advance(20_000);
    // Queued at 0; the slot at 3 s is the first where it has waited 3 s.
    expect(g.starts.find((s) => s.who === 'poll')?.at).toBe(3000);
  });

  it('holds everyone back for a 429 pause, and says whether one was already running', async () => {
    const g = gateAt1Rps();
    void g.take('interactive', 'a');
    await g.advance(0);
    expect(g.gate.pauseFor(4_000)).toBe(false);
    expect(g.gate.pauseFor(2_000)).toBe(true);
    void g.take('interactive', 'b');
    await g.advance(10_000);
    expect(g.starts).toEqual([
      { who: 'a', at: 0 },
      { who: 'b', at: 4000 },
    ]);
  });

  it('rejects waiters and later callers on close, leaving no timer behind', async () => {
    const g = gateAt1Rps();
    void g.take('interactive', 'a');
    const waiting = g.gate.take('background');
    await g.settle();
    g.gate.close(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    await expect(g.gate.take('idle')).rejects.toThrow('closed');
    expect(g.pending()).toBe(0);
  });
});

describe('Semaphore (connections)', () => {
  async function holders(limit: number, asks: Array<[Lane, string]>) {
    const v = virtualClock();
    const sem = new Semaphore(limit, 5_000, v.clock);
    const granted: string[] = [];
    const releases = new Map<string, () => void>();
    for (const [lane, who] of asks)
      void sem.acquire(lane).then((release) => {
        granted.push(who);
        releases.set(who, release);
      });
    await v.settle();
    return { granted, releases, settle: v.settle };
  }

  it('keeps one connection free of background and idle work', async () => {
    const h = await holders(3, [
      ['background', 'p1'],
      ['background', 'p2'],
      ['idle', 'i1'],
      ['background', 'p3'],
      ['interactive', 'cmd'],
    ]);
    expect(h.granted).toEqual(['p1', 'p2', 'cmd']);
  });

  it('hands a freed connection to a person first, then background, then idle', async () => {
    const h = await holders(1, [
      ['background', 'p1'],
      ['idle', 'i1'],
      ['background', 'p2'],
      ['interactive', 'cmd'],
    ]);
    expect(h.granted).toEqual(['p1']);
    for (const who of ['p1', 'cmd', 'p2']) {
      h.releases.get(who)?.();
      await h.settle();
    }
    expect(h.granted).toEqual(['p1', 'cmd', 'p2', 'i1']);
  });
});
