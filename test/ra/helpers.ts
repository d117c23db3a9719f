/** Shared setup for the RA client tests: a fake RA with a small world and a client on it. */
import { createLogger } from '../../src/log.js';
import { createRaClient, type RaClient, type RaClientOptions } from '../../src/ra/client.js';
import { type FakeRa, type FakeRaRateLimit, FakeWorld, startFakeRa } from '../fakes/ra/index.js';

export const API_KEY = 'K3yS3cr3tDoNotLeak0123456789';
export const ALICE_ULID = '01HZZZZZZZ00000000000A11CE';
export const T0 = new Date('2024-05-01T12:00:00Z');

/** Alice and Bob; game 1 (6 achievements, 2 progression + 1 win), game 2 (empty set). */
export function smallWorld(): FakeWorld {
  const world = new FakeWorld({ now: () => new Date(T0.getTime() + 3_600_000) });
  world.addUser({ username: 'Alice', ulid: ALICE_ULID, motto: 'go' });
  world.addUser({ username: 'Bob' });
  world.addGame({
    id: 1,
    title: 'Sonic the Hedgehog',
    consoleId: 1,
    consoleName: 'Mega Drive',
    publisher: 'Sega ',
    released: '1991-06-23',
    achievements: [
      { id: 101, points: 5, type: 'progression', displayOrder: 3 },
      { id: 102, points: 10, type: 'progression', displayOrder: 1 },
      { id: 103, points: 25, type: 'win_condition', displayOrder: 2 },
      { id: 104, points: 5, displayOrder: 4 },
      { id: 105, points: 5, type: 'missable', displayOrder: 4 },
      { id: 106, points: 50, displayOrder: 6 },
    ],
  });
  world.addGame({ id: 2, title: 'Empty Set', achievements: [] });
  return world;
}

export interface Harness {
  ra: FakeRa;
  client: RaClient;
  logLines: string[];
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    world?: FakeWorld;
    latencyMs?: number;
    client?: Partial<RaClientOptions>;
    rateLimit?: FakeRaRateLimit;
  } = {},
): Promise<Harness> {
  const ra = await startFakeRa({
    apiKey: API_KEY,
    world: options.world ?? smallWorld(),
    latencyMs: options.latencyMs,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  const logLines: string[] = [];
  // No `secrets` on purpose: the client must keep the key out of logs by itself.
  const logger = createLogger({ level: 'debug', destination: { write: (line) => logLines.push(line) } });
  const client = createRaClient({
    apiUrl: ra.url,
    apiKey: API_KEY,
    username: 'cheevobot',
    requestsPerSecond: 1000,
    baseBackoffMs: 5,
    timeoutMs: 2000,
    logger,
    random: () => 0.5,
    ...options.client,
  });
  return {
    ra,
    client,
    logLines,
    close: async () => {
      await client.close();
      await ra.close();
    },
  };
}

/** Resolves to the rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}
