/**
 * The community tick has a deadline: a tick stuck on RA is given up, and the next tick starts
 * afresh instead of joining it for ever. Virtual time, RA stubbed (the stuck request never answers).
 */
import { describe, expect, it } from 'vitest';
import { createAotwService } from '../../src/community/aotw.js';
import { createCommunityJobs } from '../../src/community/jobs.js';
import { createLogger } from '../../src/log.js';
import type { RaClient } from '../../src/ra/client.js';
import type { UserProfile } from '../../src/ra/types.js';
import { memoryStore } from '../store/helpers.js';
import { virtualTime } from '../virtual-time.js';

const ALICE = '01HZZZZZZZ00000000000A11CE';

function profile(): UserProfile {
  return {
    user: 'Alice',
    ulid: ALICE,
    userPic: '',
    totalPoints: 1200,
    totalSoftcorePoints: 30,
    totalTruePoints: 3400,
    memberSince: null,
    richPresenceMsg: '',
    lastGameId: null,
    motto: '',
    untracked: false,
  };
}

describe('community tick deadline', () => {
  it('gives up a tick stuck on RA at its deadline; the next tick runs and refreshes the totals', async () => {
    const v = virtualTime(Date.UTC(2026, 0, 1));
    const now = () => new Date(v.now());
    const logs: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l) => logs.push(l) } });
    const store = memoryStore();
    store.trackUser({
      guildId: 'g1',
      ulid: ALICE,
      displayName: 'Alice',
      userPic: '',
      addedBy: 'u1',
      now: now(),
    });
    let profileCalls = 0;
    const ra = {
      runInBackground: (work: () => Promise<unknown>) => work(),
      getAchievementOfTheWeek: async () => null,
      // The first tick's read never answers.
      getUserProfile: () => (++profileCalls === 1 ? new Promise(() => {}) : Promise.resolve(profile())),
      getUserAwards: async () => ({
        masteries: 2,
        completions: 0,
        beatenHardcore: 1,
        beatenSoftcore: 0,
        visible: [],
      }),
    } as unknown as RaClient;
    const jobs = createCommunityJobs({
      store,
      ra,
      logger,
      now,
      aotw: createAotwService({ store, ra, logger, now }),
      timers: v.timers,
      tickDeadlineMs: 120_000,
    });
    const first = jobs.tick();
    first.catch(() => undefined);
    await v.advance(60_000);
    // Within the deadline a tick joins the one running.
    expect(jobs.tick()).toBe(first);
    await v.advance(60_000);
    await expect(first).rejects.toThrow(/deadline/);
    const next = jobs.tick();
    await v.advance(0);
    await expect(next).resolves.toMatchObject({ totalsRefreshed: 1 });
    expect(store.leaderboard.allTime('g1')[0]).toMatchObject({ points: 1200 });
  });
});
