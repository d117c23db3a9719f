/**
 * The rate gate's lane policy, in virtual time: who gets RA's next request slot when several
 * lanes wait, and who may hold a connection.
 */
import { describe, expect, it } from 'vitest';
import { type GateClock, type Lane, Semaphore, StartGate } from '../../src/ra/gate.js';
import {
  BACKGROUND_LANES,
  INTERACTIVE_RUN_CAP,
  LANE_WEIGHTS,
  type LaneHeads,
  LanePolicy,
} from '../../src/ra/lanes.js';
import { virtualTime } from '../virtual-time.js';

/** A virtual clock for the gate. */
function virtualClock() {
  const v = virtualTime();
  const clock: GateClock = { now: v.now, timers: v.timers };
  return { ...v, clock };
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
    for (const who of ['p1', 'p2', 'p3']) void g.take('poller', who);
    await g.advance(0);
    void g.take('interactive', 'cmd1');
    void g.take('interactive', 'cmd2');
    await g.advance(10_000);
    expect(g.order()).toEqual(['p1', 'cmd1', 'cmd2', 'p2', 'p3']);
  });

  it("serves an urgent request (a changed user's poll) first in its lane, not before other lanes' turns", async () => {
    const g = gateAt1Rps();
    const urgent = (lane: Lane, who: string) =>
      g.gate.take(lane, true).then(() => g.starts.push({ who, at: g.clock.now() }));
    for (const who of ['c1', 'c2', 'c3']) void g.take('poller', who);
    void g.take('followers', 'f1');
    await g.advance(0);
    void urgent('poller', 'u1');
    void urgent('poller', 'u2');
    await g.advance(10_000);
    // Inside the poller's lane the urgent ones (in their own arrival order) go before c2 and c3.
    expect(g.order()).toEqual(['c1', 'u1', 'f1', 'u2', 'c2', 'c3']);
    // The lanes take their turns as they would with none urgent: the followers' lane loses nothing.
    const plain = gateAt1Rps();
    for (const who of ['c1', 'c2', 'c3']) void plain.take('poller', who);
    void plain.take('followers', 'f1');
    await plain.advance(0);
    for (const who of ['u1', 'u2']) void plain.take('poller', who);
    await plain.advance(10_000);
    expect(plain.order()).toEqual(['c1', 'c2', 'f1', 'c3', 'u1', 'u2']);
  });

  it("serves the catalogue after people and after the poller's larger share", async () => {
    const g = gateAt1Rps();
    for (const who of ['i1', 'i2']) void g.take('catalogue', who);
    await g.advance(0);
    void g.take('poller', 'p1');
    void g.take('interactive', 'cmd1');
    await g.advance(10_000);
    expect(g.order()).toEqual(['i1', 'cmd1', 'p1', 'i2']);
  });

  it('lets a poller request that waited maxWait go ahead of a stream of commands', async () => {
    const g = gateAt1Rps(3_000);
    for (let i = 0; i < 10; i++) void g.take('interactive', `cmd${i}`);
    void g.take('poller', 'poll');
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
    const waiting = g.gate.take('poller');
    await g.settle();
    g.gate.close(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    await expect(g.gate.take('catalogue')).rejects.toThrow('closed');
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

  it('keeps one connection free of background work (poller and catalogue alike)', async () => {
    const h = await holders(3, [
      ['poller', 'p1'],
      ['poller', 'p2'],
      ['catalogue', 'i1'],
      ['poller', 'p3'],
      ['interactive', 'cmd'],
    ]);
    expect(h.granted).toEqual(['p1', 'p2', 'cmd']);
  });

  it('hands a freed connection to a person first, then the poller, then the catalogue', async () => {
    const h = await holders(1, [
      ['poller', 'p1'],
      ['catalogue', 'i1'],
      ['poller', 'p2'],
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

/** Picks `slots` slots with the given lanes always waiting (since `now`: nobody ages). */
function shares(waiting: readonly Lane[], slots: number, policy = new LanePolicy(5_000)) {
  const heads: LaneHeads = Object.fromEntries(waiting.map((l) => [l, 0]));
  const got: Partial<Record<Lane, number>> = {};
  for (let i = 0; i < slots; i++) {
    const lane = policy.pick(heads, 0)!;
    got[lane] = (got[lane] ?? 0) + 1;
  }
  return got;
}

describe('lane shares (README, "Lane shares")', () => {
  const all: Lane[] = ['interactive', ...BACKGROUND_LANES];

  it('gives people 9 slots in 10 under saturation from every background lane', () => {
    expect(INTERACTIVE_RUN_CAP).toBe(9);
    expect(shares(all, 1000).interactive).toBe(900);
  });

  it('gives each background lane its weight of the 1 slot in 10 people leave, under saturation from all', () => {
    const got = shares(all, 1000);
    expect(got).toEqual({
      interactive: 900,
      poller: 40,
      followers: 30,
      awards: 10,
      community: 10,
      catalogue: 10,
    });
  });

  it.each(BACKGROUND_LANES)(
    'gives %s its weight out of 10 when every other background lane saturates',
    (lane) => {
      const got = shares(BACKGROUND_LANES, 1000);
      expect(got[lane]).toBe(LANE_WEIGHTS[lane] * 100);
    },
  );

  it.each(BACKGROUND_LANES.filter((l) => l !== 'poller'))(
    'gives %s its weight against the poller alone (catalogue: 1 slot in 5)',
    (lane) => {
      const slots = (LANE_WEIGHTS[lane] + LANE_WEIGHTS.poller) * 100;
      expect(shares(['poller', lane], slots)[lane]).toBe(LANE_WEIGHTS[lane] * 100);
    },
  );

  it("spreads a lane's share evenly: the catalogue waits at most 5 slots behind the poller", () => {
    const policy = new LanePolicy(5_000);
    const picks = Array.from({ length: 60 }, () => policy.pick({ poller: 0, catalogue: 0 }, 0));
    const gaps = picks
      .flatMap((l, i) => (l === 'catalogue' ? [i] : []))
      .map((at, i, all) => at - (all[i - 1] ?? -1));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5);
  });

  it('gives people every slot when no background work waits, and background every slot when no person does', () => {
    expect(shares(['interactive'], 50)).toEqual({ interactive: 50 });
    expect(shares(['catalogue'], 50)).toEqual({ catalogue: 50 });
  });

  it('lets a lane that had no work bank no credit: it comes back at its share, not in a burst', () => {
    const policy = new LanePolicy(5_000);
    shares(['poller'], 100, policy);
    expect(shares(['poller', 'catalogue'], 10, policy)).toEqual({ poller: 8, catalogue: 2 });
  });

  it('sends a background request that waited maxWait ahead of people before the 9-slot cap', () => {
    const policy = new LanePolicy(3_000);
    expect(policy.pick({ interactive: 2_000, catalogue: 0 }, 2_999)).toBe('interactive');
    expect(policy.pick({ interactive: 2_000, catalogue: 0 }, 3_000)).toBe('catalogue');
  });

  it('serves the catalogue through the gate while the poller has a request at every slot', async () => {
    const g = gateAt1Rps();
    for (let i = 0; i < 30; i++) void g.take('poller', `p${i}`);
    for (let i = 0; i < 3; i++) void g.take('catalogue', `c${i}`);
    await g.advance(14_500);
    const catalogue = g.starts.filter((s) => s.who.startsWith('c')).map((s) => s.at);
    // 15 slots (0 s to 14 s): 1 in 5 for the catalogue.
    expect(catalogue).toHaveLength(3);
    expect(g.starts).toHaveLength(15);
  });
});
