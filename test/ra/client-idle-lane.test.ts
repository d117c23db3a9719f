/** The idle lane (game catalogue refreshes): behind people and behind the poller. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RaCatalogueApi } from '../../src/ra/client.js';
import { type Harness, startHarness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('RA client idle lane', () => {
  it('starts catalogue requests only when no person and no poller request is waiting', async () => {
    h = await startHarness({ latencyMs: 30, client: { requestsPerSecond: 50, maxConcurrency: 1 } });
    const { ra, client } = h;
    const catalogue = client as typeof client & RaCatalogueApi;
    for (const id of [1, 2, 3, 4]) ra.world.addConsole({ id, name: `Console ${id}` });
    const idle = catalogue.runWhenIdle(() => Promise.all([1, 2, 3, 4].map((i) => catalogue.getGameList(i))));
    await new Promise((r) => setTimeout(r, 5));
    const background = client.runInBackground(() =>
      Promise.all([1, 2].map((m) => client.getUserRecentAchievements('Alice', m))),
    );
    await Promise.all([client.getUserProfile('Bob'), background, idle]);
    const order = ra.requests.all().map((r) => r.endpoint);
    // The catalogue request already under way goes first; then the person, then the poller,
    // then the rest of the catalogue.
    expect(order).toEqual([
      'GetGameList',
      'GetUserProfile',
      'GetUserRecentAchievements',
      'GetUserRecentAchievements',
      'GetGameList',
      'GetGameList',
      'GetGameList',
    ]);
  });

  it('lets waiting people and poller requests through the rate limit first, with connections to spare', async () => {
    h = await startHarness({ latencyMs: 5, client: { requestsPerSecond: 20, maxConcurrency: 8 } });
    const { ra, client } = h;
    const catalogue = client as typeof client & RaCatalogueApi;
    for (const id of [1, 2, 3, 4]) ra.world.addConsole({ id, name: `Console ${id}` });
    const idle = catalogue.runWhenIdle(() => Promise.all([1, 2, 3, 4].map((i) => catalogue.getGameList(i))));
    await new Promise((r) => setTimeout(r, 10));
    const background = client.runInBackground(() => client.getUserRecentAchievements('Alice', 1));
    await Promise.all([client.getUserProfile('Bob'), background, idle]);
    const order = ra.requests.all().map((r) => r.endpoint);
    expect(order.slice(0, 3)).toEqual(['GetGameList', 'GetUserProfile', 'GetUserRecentAchievements']);
    expect(order).toHaveLength(6);
  });
});
