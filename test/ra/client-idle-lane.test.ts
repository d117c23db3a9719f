/** The catalogue lane (game catalogue refreshes): behind people, sure of its share beside the poller. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RaCatalogueApi } from '../../src/ra/client.js';
import { type Harness, startHarness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('RA client idle lane', () => {
  it("serves the person first, then the poller's larger share, then the rest of the catalogue", async () => {
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

  it('finishes the catalogue while the poller keeps a request waiting at every slot', async () => {
    h = await startHarness({ latencyMs: 2, client: { requestsPerSecond: 200 } });
    const { ra, client } = h;
    const catalogue = client as typeof client & RaCatalogueApi;
    for (const id of [1, 2, 3, 4, 5, 6]) ra.world.addConsole({ id, name: `Console ${id}` });
    // A poll round longer than its period: four poller workers, each always with a request to make.
    let catalogueDone = false;
    const polls = Array.from({ length: 4 }, (_, worker) =>
      client.runInBackground(async () => {
        for (let m = 1; !catalogueDone && m <= 400; m++)
          await client.getUserRecentAchievements('Alice', worker * 1000 + m);
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    // One request at a time, like the catalogue refresh.
    await catalogue.runWhenIdle(async () => {
      for (const id of [1, 2, 3, 4, 5, 6]) await catalogue.getGameList(id);
    });
    catalogueDone = true;
    await Promise.all(polls);
    const order = ra.requests.all().map((r) => r.endpoint);
    const lastList = order.lastIndexOf('GetGameList');
    // The catalogue's lane gets at least 1 slot in 6 against the poller alone (README, "Lane
    // shares"); a little slack for the catalogue's own round trips between its requests.
    expect(lastList).toBeGreaterThan(0);
    expect(order.slice(0, lastList + 1).filter((e) => e === 'GetUserRecentAchievements').length).toBeLessThan(
      60,
    );
  });
});
