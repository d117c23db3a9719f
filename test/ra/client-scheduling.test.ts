import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: Parameters<typeof startHarness>[0]): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

// Arrival times are measured by the fake, which shares the event loop with the client.
const SLACK_MS = 10;

/**
 * Spacing is checked the way RA would see it: the fake refuses (429) a key's requests above a
 * sliding-window rate. At 5 requests/s the client's arrivals are 200 ms apart; the fake allows 2
 * per 250 ms, so only arrivals bunched by 150 ms of delay would be refused (the machine keeps
 * that), while a limiter running at twice the rate, or not at all, is refused at once.
 */
const FIVE_PER_SECOND = { requestsPerSecond: 5 } as const;
const RA_LIMIT = { max: 2, windowMs: 250, retryAfter: 'never' } as const;

/**
 * Opens the keep-alive connection first: the TCP connect delays only the first request's
 * arrival, which would shrink the first gap the fake sees by the connect time.
 */
async function warmUp(harness: Harness): Promise<void> {
  await harness.client.getUserProfile('Bob');
  harness.ra.requests.clear();
}

describe('RA client scheduling', () => {
  it('spaces request starts at least 1/requestsPerSecond apart, even when fired at once: RA refuses none', async () => {
    const { ra, client } = await harness({
      client: { ...FIVE_PER_SECOND, maxConcurrency: 1, maxRetries: 0 },
      rateLimit: RA_LIMIT,
    });
    await warmUp(h!);
    const results = await Promise.all(
      ['Alice', 'Bob'].flatMap((u) => [1, 2, 3].map((m) => client.getUserRecentAchievements(u, m))),
    );
    expect(results).toHaveLength(6);
    expect(ra.requests.count()).toBe(6);
    expect(ra.rateLimited).toBe(0);
  });

  it('(the same burst without the limiter is refused by that RA limit)', async () => {
    const { ra, client } = await harness({ client: { maxRetries: 0 }, rateLimit: RA_LIMIT });
    const results = await Promise.allSettled(
      ['Alice', 'Bob'].flatMap((u) => [1, 2, 3].map((m) => client.getUserRecentAchievements(u, m))),
    );
    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThanOrEqual(3);
    expect(ra.rateLimited).toBeGreaterThanOrEqual(3);
  });

  it('sends retries through the same rate limiter: RA refuses none', async () => {
    const { ra, client } = await harness({
      client: { ...FIVE_PER_SECOND, baseBackoffMs: 1 },
      rateLimit: RA_LIMIT,
    });
    await warmUp(h!);
    ra.faults.add('GetUserProfile', { type: 'status', status: 500 }, 2);
    await client.getUserProfile('Alice');
    expect(ra.requests.count()).toBe(3);
    expect(ra.rateLimited).toBe(0);
  });

  it('an unthrottled burst above RA’s limit: 429s with and without Retry-After are waited out, every call completes', async () => {
    const { ra, client } = await harness({
      client: { maxRetries: 4, baseBackoffMs: 200, maxConcurrency: 1 },
      rateLimit: { max: 2, windowMs: 300, retryAfter: 'alternate' }, // refusals alternate: with, without Retry-After
    });
    const users = await Promise.all(
      ['Alice', 'Bob', 'Alice', 'Bob', 'Alice', 'Bob'].map((u, i) =>
        client.getUserRecentAchievements(u, i + 1),
      ),
    );
    expect(users).toHaveLength(6);
    expect(ra.rateLimited).toBeGreaterThanOrEqual(2);
    const refused = ra.requests.count() - 6;
    expect(refused).toBe(ra.rateLimited);
  });

  it('holds every request back while a Retry-After is running, not only the one that got the 429', async () => {
    const { ra, client } = await harness({ client: { maxConcurrency: 2 } });
    ra.faults.add('GetUserProfile', { type: 'status', status: 429, retryAfter: 1 });
    const first = client.getUserProfile('Alice');
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all([first, client.getUserRecentAchievements('Bob', 10)]);
    const [limited] = ra.requests.of('GetUserProfile');
    const [other] = ra.requests.of('GetUserRecentAchievements');
    expect(other!.atMs - limited!.atMs).toBeGreaterThanOrEqual(1000 - SLACK_MS);
  });

  it('never has more than maxConcurrency requests in flight', async () => {
    const { ra, client } = await harness({ latencyMs: 150, client: { maxConcurrency: 2 } });
    await Promise.all(
      ['Alice', 'Bob'].flatMap((u) => [10, 20, 30].map((m) => client.getUserRecentAchievements(u, m))),
    );
    const times = ra.requests.all().map((r) => r.atMs);
    expect(times).toHaveLength(6);
    // Two at a time with a 150 ms answer: the 3rd and 5th can only start once earlier ones finished.
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(150 - SLACK_MS);
    expect(times[4]! - times[0]!).toBeGreaterThanOrEqual(300 - SLACK_MS);
  });

  it('shares one request between identical calls already in flight', async () => {
    const { ra, client } = await harness({ latencyMs: 50 });
    const [a, b] = await Promise.all([client.getUserProfile('Alice'), client.getUserProfile('Alice')]);
    expect(a).toEqual(b);
    expect(ra.requests.count('GetUserProfile')).toBe(1);
    expect(client.stats().requests).toBe(1);
  });

  it('shares a failure too, and does not cache: the next call sends again', async () => {
    const { ra, client } = await harness({ client: { maxRetries: 0 } });
    ra.faults.add('GetUserProfile', { type: 'status', status: 401 });
    const results = await Promise.allSettled([
      client.getUserProfile('Alice'),
      client.getUserProfile('Alice'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(ra.requests.count('GetUserProfile')).toBe(1);
    await client.getUserProfile('Alice');
    expect(ra.requests.count('GetUserProfile')).toBe(2);
  });

  it('does not share requests that differ in any parameter', async () => {
    const { ra, client } = await harness({ latencyMs: 20 });
    await Promise.all([
      client.getUserRecentAchievements('Alice', 10),
      client.getUserRecentAchievements('Alice', 11),
    ]);
    expect(ra.requests.count('GetUserRecentAchievements')).toBe(2);
  });
});

describe('RA client lanes', () => {
  it('starts a request a person is waiting for before queued poller requests', async () => {
    const { ra, client } = await harness({
      latencyMs: 30,
      client: { requestsPerSecond: 50, maxConcurrency: 1 },
    });
    const background = client.runInBackground(() =>
      Promise.all([1, 2, 3, 4, 5].map((m) => client.getUserRecentAchievements('Alice', m))),
    );
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([client.getUserProfile('Bob'), background]);
    const order = ra.requests.all().map((r) => r.endpoint);
    expect(order).toHaveLength(6);
    // Only the poller request already under way goes first; the other four wait for Bob.
    expect(order.indexOf('GetUserProfile')).toBe(1);
  });

  it('keeps one connection free of poller requests, so a person never waits for a full house', async () => {
    const { ra, client } = await harness({
      latencyMs: 300,
      client: { requestsPerSecond: 100, maxConcurrency: 2 },
    });
    const background = client.runInBackground(() =>
      Promise.all([1, 2, 3].map((m) => client.getUserRecentAchievements('Alice', m))),
    );
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([client.getUserProfile('Bob'), background]);
    // Had the poller taken both connections, Bob would start only after one of them finished,
    // behind two poller requests.
    const profile = ra.requests.of('GetUserProfile')[0]!;
    const polls = ra.requests.of('GetUserRecentAchievements');
    expect(polls.filter((p) => p.atMs < profile.atMs)).toHaveLength(1);
  });
});

describe('RA client Retry-After without a retry left', () => {
  it('still holds the next request back for the Retry-After', async () => {
    const { ra, client } = await harness({ client: { maxRetries: 0 } });
    ra.faults.add('GetUserProfile', { type: 'status', status: 429, retryAfter: 1 });
    await expect(client.getUserProfile('Alice')).rejects.toThrow(/rate limit/i);
    await client.getUserRecentAchievements('Bob', 10);
    const [limited] = ra.requests.of('GetUserProfile');
    const [next] = ra.requests.of('GetUserRecentAchievements');
    expect(next!.atMs - limited!.atMs).toBeGreaterThanOrEqual(1000 - SLACK_MS);
  });
});
