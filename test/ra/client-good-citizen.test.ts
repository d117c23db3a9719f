/** The RA client as a good citizen: it names itself, pauses the whole key on a 429, and ages the poller. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_VERSION, PROJECT_URL } from '../../src/version.js';
import { type Harness, startHarness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('RA client good citizenship', () => {
  it('sends a User-Agent naming the bot, its version and the project page on every request', async () => {
    h = await startHarness();
    await h.client.getUserProfile('Alice');
    await h.client.getUsersFollowingMe();
    await h.client.getRecentGameAwards({ count: 1 });
    const agents = h.ra.requests.all().map((r) => r.userAgent);
    expect(agents).toHaveLength(3);
    for (const agent of agents) expect(agent).toBe(`cheevobot/${BOT_VERSION} (+${PROJECT_URL})`);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; homepage: string };
    expect([pkg.version, pkg.homepage]).toEqual([BOT_VERSION, PROJECT_URL]);
  });

  it('pauses every request on the key after a 429 without Retry-After, and logs it once', async () => {
    h = await startHarness({ client: { baseBackoffMs: 400, maxConcurrency: 4 } });
    const ra = h.ra;
    ra.faults.add('GetUserProfile', { type: 'status', status: 429 }, 2);
    const limited = [h.client.getUserProfile('Alice'), h.client.getUserProfile('Bob')];
    const paused = () => h!.logLines.some((l) => l.includes('every request on this key is paused'));
    while (!paused()) await new Promise((r) => setTimeout(r, 5));
    await Promise.all([...limited, h.client.getUserRecentAchievements('Bob', 10)]);
    const profiles = ra.requests.of('GetUserProfile');
    const firstLimited = Math.min(...profiles.slice(0, 2).map((r) => r.atMs));
    const [other] = ra.requests.of('GetUserRecentAchievements');
    // The first backoff is 200-400 ms ("equal jitter" of 400): nobody starts before 200 ms.
    expect(other!.atMs - firstLimited).toBeGreaterThanOrEqual(190);
    expect(h.logLines.filter((l) => l.includes('every request on this key is paused'))).toHaveLength(1);
  });

  it('logs a run of 429s once, even when the next 429 comes after the first pause, and again after a success', async () => {
    h = await startHarness({ client: { baseBackoffMs: 100, maxConcurrency: 1 } });
    const ra = h.ra;
    const pausedLines = () => h!.logLines.filter((l) => l.includes('every request on this key is paused'));
    // One at a time: the second 429 answers a request sent after the first pause ended.
    ra.faults.add('GetUserProfile', { type: 'status', status: 429 }, 2);
    await Promise.all([h.client.getUserProfile('Alice'), h.client.getUserProfile('Bob')]);
    expect(ra.requests.of('GetUserProfile')).toHaveLength(4);
    expect(pausedLines()).toHaveLength(1);
    // A request went through since: the next 429 starts a new episode, and says so.
    ra.faults.add('GetUserProfile', { type: 'status', status: 429 }, 1);
    await h.client.getUserProfile('Alice');
    expect(pausedLines()).toHaveLength(2);
  });

  it('lets a poller request that waited too long go ahead of a stream of interactive ones', async () => {
    h = await startHarness({ client: { requestsPerSecond: 20, backgroundMaxWaitMs: 300 } });
    const client = h.client;
    const interactive = Array.from({ length: 30 }, (_, i) =>
      client.getUserRecentAchievements('Alice', i + 1),
    );
    const background = client.runInBackground(() => client.getUserRecentAchievements('Bob', 5));
    await Promise.all([...interactive, background]);
    const order = h.ra.requests.of('GetUserRecentAchievements').map((r) => r.params.u);
    const position = order.indexOf('Bob');
    // Without aging it would be last (30); at 20/s it has waited 300 ms after ~6-8 interactive ones.
    expect(position).toBeGreaterThan(3);
    expect(position).toBeLessThan(20);
  });
});
