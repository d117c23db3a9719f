import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import type { RaClient } from '../../src/ra/client.js';
import { createPollSuccesses } from '../../src/tracking/poll-successes.js';
import { createPoller } from '../../src/tracking/poller.js';
import { memoryStore, track } from '../store/helpers.js';
import { at } from './fixtures.js';

function fakeStore() {
  const writes: string[][] = [];
  return {
    writes,
    recordPollSuccesses: (entries: readonly { ulid: string }[]) => writes.push(entries.map((e) => e.ulid)),
  };
}

describe('poll successes', () => {
  it('are written at once outside a cycle', () => {
    const store = fakeStore();
    createPollSuccesses(store).record('A', 1);
    expect(store.writes).toEqual([['A']]);
  });

  it('are written in one transaction per 100 during a cycle, and the rest when it ends, even when it fails', async () => {
    const store = fakeStore();
    const successes = createPollSuccesses(store, () => 0);
    await expect(
      successes.during(async () => {
        for (let i = 0; i < 150; i++) successes.record(`U${i}`, i);
        expect(store.writes.map((w) => w.length)).toEqual([100]);
        throw new Error('cycle abandoned');
      }),
    ).rejects.toThrow('cycle abandoned');
    expect(store.writes.map((w) => w.length)).toEqual([100, 50]);
    expect(store.writes.flat()).toEqual(Array.from({ length: 150 }, (_, i) => `U${i}`));
  });

  it('never wait longer than 5 s to be written', async () => {
    const store = fakeStore();
    let now = 0;
    const successes = createPollSuccesses(store, () => now);
    await successes.during(async () => {
      successes.record('A', 1);
      now = 4_999;
      successes.record('B', 2);
      expect(store.writes).toEqual([]);
      now = 5_000;
      successes.record('C', 3);
      expect(store.writes).toEqual([['A', 'B', 'C']]);
    });
  });

  it('move every user’s window in a real cycle (150 users: a full batch and the rest)', async () => {
    const store = memoryStore();
    const ulids = Array.from({ length: 150 }, (_, i) => `01J0${String(i).padStart(22, '0')}`);
    for (const ulid of ulids) track(store, '100000000000000001', { ulid, displayName: `u${ulid.slice(-3)}` });
    const now = new Date(at(0).getTime() + 5 * 60_000);
    const idle = async () => [];
    const ra = {
      runInBackground: (work: () => Promise<unknown>) => work(),
      getUserRecentAchievements: idle,
      getRecentGameAwards: idle,
    } as unknown as RaClient;
    const poller = createPoller({ store, ra, logger: silentLogger(), now: () => now, collapseThreshold: 3 });
    const report = await poller.runCycle();
    expect(report).toMatchObject({ users: 150, failedUsers: 0 });
    expect(ulids.filter((ulid) => store.getPollState(ulid)?.lastSuccessAt !== now.getTime())).toEqual([]);
    store.close();
  });
});
