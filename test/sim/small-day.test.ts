/**
 * The simulated day, small: ~300 tracked users in 30 servers, 600 followers of the bot's RA
 * account, a fresh catalogue of 5,000 titles, 20 /link proofs, commands, a digest and an AotW
 * change, RA outages, 429s, timeouts and lists as objects, Discord 5xx/429s and a restart, for 2
 * simulated hours (bench/sim/simulate.ts; `npm run simulate` runs the full day).
 *
 * The whole bot but the gateway runs in its own process on a clock 200x real time. Only counts
 * are asserted (what channels received, what the database linked), never times: the figures
 * with targets in time are the benchmark's to print.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation, type SimReport, SMALL_OPTIONS } from '../../bench/sim/simulate.js';

describe('a simulated day, small (300 users, 2 hours)', () => {
  it('announces every unlock once per server, in order, builds the catalogue, and completes every /link proof', async () => {
    const report: SimReport = await runSimulation(SMALL_OPTIONS);
    const { unlocks } = report;
    // The world did something worth checking: unlocks in many channels.
    expect(unlocks.made).toBeGreaterThan(50);
    expect({
      lost: unlocks.lost,
      duplicated: unlocks.duplicated,
      outOfOrder: unlocks.outOfOrder,
      unexpected: unlocks.unexpected,
      lostSamples: unlocks.lostSamples,
    }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, unexpected: 0, lostSamples: [] });
    expect(unlocks.announced).toBe(unlocks.made);

    // A fresh database builds RA's whole catalogue while polling.
    expect(report.catalogue.titles).toBeGreaterThanOrEqual(SMALL_OPTIONS.catalogueTitles);
    expect(report.catalogue.storedTitles).toBe(report.catalogue.titles);
    expect(report.catalogue.finishedAfterMin).not.toBeNull();

    // Every /link proof ends linked to the right RA account (10 of them by accounts that already
    // followed the bot, which must unfollow and follow again).
    expect(report.linkProofs.each.filter((p) => !p.linked)).toEqual([]);
    expect(report.linkProofs.correct).toBe(SMALL_OPTIONS.linkProofs);

    // One digest and one AotW post per server, none twice.
    expect(report.digests.exactlyOne).toBe(SMALL_OPTIONS.servers);
    expect(report.aotw.exactlyOne).toBe(SMALL_OPTIONS.servers);
  }, 150_000);
});
