import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createRaClient, parseRetryAfter } from '../../src/ra/client.js';
import {
  RaAuthError,
  RaInvalidInputError,
  RaMalformedResponseError,
  RaRateLimitedError,
  RaUnavailableError,
} from '../../src/ra/errors.js';
import { startFakeRa } from '../fakes/ra/index.js';
import { ALICE_ULID, API_KEY, type Harness, rejectionOf, startHarness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(client: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  h = await startHarness(client);
  return h;
}

describe('RA client errors and retries', () => {
  it('maps 401 to RaAuthError without retrying', async () => {
    const { ra, client } = await harness({ client: { apiKey: 'wrong-key' } });
    expect(await rejectionOf(client.getUserProfile('Alice'))).toBeInstanceOf(RaAuthError);
    expect(ra.requests.count()).toBe(1);
  });

  it('maps 422 to RaInvalidInputError naming the field, without retrying', async () => {
    const { ra, client } = await harness();
    ra.faults.add('GetUserProfile', {
      type: 'status',
      status: 422,
      body: { message: 'The u field is invalid.', errors: { u: ['The u field is invalid.'] } },
    });
    const err = await rejectionOf(client.getUserProfile('Alice'));
    expect(err).toBeInstanceOf(RaInvalidInputError);
    expect(err).toMatchObject({ field: 'user' });
    expect(ra.requests.count()).toBe(1);
  });

  it('retries 5xx with backoff and then succeeds', async () => {
    const { ra, client } = await harness();
    ra.faults.add('GetUserProfile', { type: 'status', status: 502 }, 2);
    expect((await client.getUserProfile('Alice')).user).toBe('Alice');
    expect(ra.requests.count('GetUserProfile')).toBe(3);
    expect(client.stats()).toMatchObject({ requests: 3, retries: 2, byEndpoint: { GetUserProfile: 3 } });
  });

  it('gives up on persistent 5xx with RaUnavailableError after maxRetries retries', async () => {
    const { ra, client } = await harness({ client: { maxRetries: 2 } });
    ra.faults.add('*', { type: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    const err = await rejectionOf(client.getUserProfile('Alice'));
    expect(err).toBeInstanceOf(RaUnavailableError);
    expect((err as Error).message).toContain('HTTP 503');
    expect(ra.requests.count()).toBe(3);
  });

  it('gives up on persistent 429 with RaRateLimitedError', async () => {
    const { ra, client } = await harness({ client: { maxRetries: 1 } });
    ra.faults.add('*', { type: 'status', status: 429 }, Number.POSITIVE_INFINITY);
    expect(await rejectionOf(client.getUserProfile('Alice'))).toBeInstanceOf(RaRateLimitedError);
    expect(ra.requests.count()).toBe(2);
  });

  it('waits as long as Retry-After says before retrying a 429', async () => {
    const { ra, client } = await harness();
    ra.faults.add('GetUserProfile', { type: 'status', status: 429, retryAfter: 1 });
    await client.getUserProfile('Alice');
    const [first, second] = ra.requests.of('GetUserProfile');
    expect(second!.atMs - first!.atMs).toBeGreaterThanOrEqual(1000);
  });

  it('retries a connection reset', async () => {
    const { ra, client } = await harness();
    ra.faults.add('GetUserProfile', { type: 'reset' });
    expect((await client.getUserProfile('Alice')).user).toBe('Alice');
    expect(ra.requests.count('GetUserProfile')).toBe(2);
  });

  it('times out a request that never answers, retries it and succeeds', async () => {
    const { ra, client } = await harness({ client: { timeoutMs: 150 } });
    ra.faults.add('GetUserProfile', { type: 'hang' });
    expect((await client.getUserProfile('Alice')).user).toBe('Alice');
    expect(ra.requests.count('GetUserProfile')).toBe(2);
  });

  it('gives up on a server that never answers with RaUnavailableError saying it timed out', async () => {
    const { ra, client } = await harness({ client: { timeoutMs: 100, maxRetries: 1 } });
    ra.faults.add('*', { type: 'hang' }, Number.POSITIVE_INFINITY);
    const err = await rejectionOf(client.getUserProfile('Alice'));
    expect(err).toBeInstanceOf(RaUnavailableError);
    expect((err as Error).message).toMatch(/no answer within 100 ms/);
  });

  it('counts a slow body against the timeout too (headers and body)', async () => {
    const { ra, client } = await harness({ client: { timeoutMs: 100, maxRetries: 0 } });
    ra.faults.add('GetUserProfile', { type: 'delay', ms: 300 });
    const err = await rejectionOf(client.getUserProfile('Alice'));
    expect(err).toBeInstanceOf(RaUnavailableError);
    expect((err as Error).message).toMatch(/no answer within 100 ms/);
  });

  it('retries a non-JSON body once, then succeeds', async () => {
    const { ra, client } = await harness();
    ra.faults.add('GetUserProfile', { type: 'malformed-json' });
    expect((await client.getUserProfile('Alice')).user).toBe('Alice');
    expect(ra.requests.count('GetUserProfile')).toBe(2);
  });

  it('gives up on a second non-JSON body with RaMalformedResponseError', async () => {
    const { ra, client } = await harness();
    ra.faults.add('GetUserProfile', { type: 'malformed-json' }, 5);
    expect(await rejectionOf(client.getUserProfile('Alice'))).toBeInstanceOf(RaMalformedResponseError);
    expect(ra.requests.count('GetUserProfile')).toBe(2);
  });

  it('treats a bare [] where an object is expected as not found, and as malformed for the award feed', async () => {
    const { ra, client } = await harness();
    ra.faults.add('GetUserProfile', { type: 'empty-array' });
    expect(await rejectionOf(client.getUserProfile('Alice'))).toMatchObject({
      kind: 'not-found',
      what: 'user',
    });
    ra.faults.add('GetRecentGameAwards', { type: 'empty-array' });
    expect(await rejectionOf(client.getRecentGameAwards())).toBeInstanceOf(RaMalformedResponseError);
  });

  it('reports an unreachable server as RaUnavailableError', async () => {
    const ra = await startFakeRa({ apiKey: API_KEY });
    const url = ra.url;
    await ra.close();
    const client = createRaClient({
      apiUrl: url,
      apiKey: API_KEY,
      requestsPerSecond: 1000,
      maxRetries: 1,
      baseBackoffMs: 1,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      expect(await rejectionOf(client.getUserProfile('Alice'))).toBeInstanceOf(RaUnavailableError);
    } finally {
      await client.close();
    }
  });

  it('rejects calls after close() and aborts a request in flight promptly', async () => {
    const { ra, client } = await harness({ client: { timeoutMs: 10_000 } });
    ra.faults.add('*', { type: 'hang' }, Number.POSITIVE_INFINITY);
    const pending = rejectionOf(client.getUserProfile('Alice'));
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await client.close();
    expect(await pending).toBeInstanceOf(RaUnavailableError);
    // Far below the 10 s request timeout: close() aborted it rather than waiting it out.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await rejectionOf(client.getUserProfile('Alice'))).toBeInstanceOf(RaUnavailableError);
  });
});

describe('input validation', () => {
  it.each([
    ['an empty user', (c: Harness['client']) => c.getUserProfile('')],
    ['a one-letter user', (c: Harness['client']) => c.getUserProfile('a')],
    ['a 21-letter user', (c: Harness['client']) => c.getUserProfile('a'.repeat(21))],
    ['a user with URL syntax', (c: Harness['client']) => c.getUserProfile('Alice&y=x')],
    ['a user with a path', (c: Harness['client']) => c.getUserProfile('../API_GetGame')],
    ['a non-ASCII user', (c: Harness['client']) => c.getUserProfile('Alicé')],
    ['game id 0', (c: Harness['client']) => c.getGameInfoAndUserProgress('Alice', 0)],
    ['a negative game id', (c: Harness['client']) => c.getGameInfoAndUserProgress('Alice', -1)],
    ['a fractional game id', (c: Harness['client']) => c.getGameInfoAndUserProgress('Alice', 1.5)],
    ['a NaN game id', (c: Harness['client']) => c.getGameInfoAndUserProgress('Alice', Number.NaN)],
    ['an unsafe game id', (c: Harness['client']) => c.getGameInfoAndUserProgress('Alice', 2 ** 53)],
    ['zero minutes', (c: Harness['client']) => c.getUserRecentAchievements('Alice', 0)],
    [
      'an invalid date',
      (c: Harness['client']) => c.getAchievementsEarnedBetween('Alice', new Date('x'), new Date()),
    ],
    [
      'a reversed range',
      (c: Harness['client']) => c.getAchievementsEarnedBetween('Alice', new Date(2), new Date(0)),
    ],
    [
      'count 51 recently played',
      (c: Harness['client']) => c.getUserRecentlyPlayedGames('Alice', { count: 51 }),
    ],
    ['a negative offset', (c: Harness['client']) => c.getUserRecentlyPlayedGames('Alice', { offset: -1 })],
    ['count 101 awards', (c: Harness['client']) => c.getRecentGameAwards({ count: 101 })],
    [
      'an unknown award kind',
      (c: Harness['client']) => c.getRecentGameAwards({ kinds: ['gold' as 'mastered'] }),
    ],
  ])('refuses %s with RaInvalidInputError and sends no request', async (_label, call) => {
    const { ra, client } = await harness();
    expect(await rejectionOf(call(client))).toBeInstanceOf(RaInvalidInputError);
    expect(ra.requests.count()).toBe(0);
  });

  it('accepts a ULID and trims surrounding whitespace', async () => {
    const { ra, client } = await harness();
    await client.getUserProfile('  Alice ');
    expect(ra.requests.of('GetUserProfile')[0]?.params.u).toBe('Alice');
    const profile = await client.getUserProfile(` ${ALICE_ULID}\n`);
    expect(profile.ulid).toBe(ALICE_ULID);
    expect(ra.requests.of('GetUserProfile')[1]?.params.u).toBe(ALICE_ULID);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, caps at 60 s and ignores garbage', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('3600', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

/** Everything an error can expose: message, stack, own properties, the cause chain. */
function everythingIn(err: unknown): string {
  const parts: string[] = [inspect(err, { depth: 20, showHidden: true })];
  let current: unknown = err;
  for (let i = 0; current && i < 10; i++) {
    if (current instanceof Error) parts.push(current.message, current.stack ?? '', JSON.stringify(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

describe('the API key never leaks', () => {
  it('appears in no error (message, stack, cause chain) and no log line, whatever fails', async () => {
    const { ra, client, logLines } = await harness({ client: { timeoutMs: 100, maxRetries: 1 } });
    const errors: unknown[] = [];
    const scenarios: Array<[Parameters<typeof ra.faults.add>[1], () => Promise<unknown>]> = [
      [{ type: 'status', status: 500 }, () => client.getUserProfile('Alice')],
      [{ type: 'status', status: 429, retryAfter: 0 }, () => client.getUserProfile('Alice')],
      [{ type: 'status', status: 401 }, () => client.getUserProfile('Alice')],
      [
        { type: 'status', status: 422, body: { errors: { u: ['bad'] } } },
        () => client.getUserProfile('Alice'),
      ],
      [{ type: 'hang' }, () => client.getUserRecentAchievements('Alice', 10)],
      [{ type: 'reset' }, () => client.getUserRecentlyPlayedGames('Alice')],
      [{ type: 'malformed-json' }, () => client.getGameInfoAndUserProgress('Alice', 1)],
      [{ type: 'wrong-shape' }, () => client.getRecentGameAwards()],
    ];
    for (const [fault, call] of scenarios) {
      ra.faults.clear();
      ra.faults.add('*', fault, Number.POSITIVE_INFINITY);
      errors.push(await rejectionOf(call()));
    }
    ra.faults.clear();
    errors.push(await rejectionOf(client.getUserProfile('Bad&y=x')));

    expect(errors).toHaveLength(scenarios.length + 1);
    for (const err of errors) expect(everythingIn(err)).not.toContain(API_KEY);
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toContain(API_KEY);
  });

  it('keeps the key out of errors when the server itself is unreachable', async () => {
    const ra = await startFakeRa({ apiKey: API_KEY });
    await ra.close();
    const logLines: string[] = [];
    const client = createRaClient({
      apiUrl: ra.url,
      apiKey: API_KEY,
      requestsPerSecond: 1000,
      maxRetries: 0,
      logger: createLogger({ level: 'debug', destination: { write: (l) => logLines.push(l) } }),
    });
    try {
      const err = await rejectionOf(client.getUserProfile('Alice'));
      expect(everythingIn(err)).not.toContain(API_KEY);
      expect(logLines.length).toBeGreaterThan(0);
      for (const line of logLines) expect(line).not.toContain(API_KEY);
    } finally {
      await client.close();
    }
  });
});
