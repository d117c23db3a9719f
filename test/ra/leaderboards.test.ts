/**
 * RA's leaderboard endpoints (issue 18) through the real client against the fake RA: a game's
 * boards (with and without a top entry), a board's entries best first with shared ranks (lower is
 * better for times, higher for scores), a user's entries on a game's boards, and `Results` sent
 * as an object keyed by index.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RaClient, RaLeaderboardApi } from '../../src/ra/client.js';
import { type Harness, smallWorld, startHarness, T0 } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function setUp() {
  const world = smallWorld();
  world.addUser({ username: 'Cid' });
  world.leaderboards.add({ id: 11, gameId: 1, title: 'Green Hill 1', format: 'TIME', rankAsc: true });
  world.leaderboards.add({ id: 12, gameId: 1, title: 'High Score', format: 'SCORE' });
  world.leaderboards.add({ id: 13, gameId: 1, title: 'Nobody yet', format: 'VALUE' });
  const lb = world.leaderboards;
  lb.submit(11, world.user('Alice'), 3000, at(1));
  lb.submit(11, world.user('Bob'), 2900, at(2));
  lb.submit(11, world.user('Cid'), 2900, at(3));
  // A worse time than her own best is not kept.
  lb.submit(11, world.user('Alice'), 3100, at(4));
  lb.submit(12, world.user('Alice'), 50_000, at(5));
  lb.submit(12, world.user('Bob'), 12_340, at(6));
  h = await startHarness({ world });
  return h.client as RaClient & RaLeaderboardApi;
}

describe('RA leaderboards', () => {
  it('lists a game’s boards with their best entry, none on a board nobody entered', async () => {
    const client = await setUp();
    const page = await client.getGameLeaderboards(1);
    expect(page.total).toBe(3);
    expect(page.results.map((b) => [b.id, b.title, b.rankAsc, b.format, b.topEntry?.user ?? null])).toEqual([
      [11, 'Green Hill 1', true, 'TIME', 'Bob'],
      [12, 'High Score', false, 'SCORE', 'Alice'],
      [13, 'Nobody yet', false, 'VALUE', null],
    ]);
    expect(page.results[1]!.topEntry).toMatchObject({ score: 50_000, formattedScore: '050000' });
  });

  it('reads a board best first, lower first for times, ties sharing a rank', async () => {
    const client = await setUp();
    const times = await client.getLeaderboardEntries(11);
    expect(times.results.map((e) => [e.rank, e.user, e.score, e.formattedScore])).toEqual([
      [1, 'Bob', 2900, '0:48.33'],
      [1, 'Cid', 2900, '0:48.33'],
      [3, 'Alice', 3000, '0:50.00'],
    ]);
    expect(times.results[0]!.submittedAt).toEqual(at(2));
    const paged = await client.getLeaderboardEntries(11, { offset: 2, count: 1 });
    expect(paged).toMatchObject({ total: 3, results: [{ rank: 3, user: 'Alice' }] });
  });

  it('reads a user’s entries on a game’s boards, leaving out boards they never entered', async () => {
    const client = await setUp();
    const mine = await client.getUserGameLeaderboards('Bob', 1);
    expect(mine.results.map((e) => [e.leaderboard.id, e.rank, e.score, e.formattedScore])).toEqual([
      [11, 1, 2900, '0:48.33'],
      [12, 2, 12_340, '012340'],
    ]);
    expect(mine.results[0]!.updatedAt).toEqual(at(2));
    expect((await client.getUserGameLeaderboards('Cid', 1)).results.map((e) => e.leaderboard.id)).toEqual([
      11,
    ]);
  });

  it('reads Results sent as an object keyed by index', async () => {
    const client = await setUp();
    h!.ra.compat.indexedResults = true;
    expect((await client.getLeaderboardEntries(12)).results.map((e) => e.user)).toEqual(['Alice', 'Bob']);
    expect((await client.getGameLeaderboards(1)).results).toHaveLength(3);
    expect((await client.getUserGameLeaderboards('Alice', 1)).results).toHaveLength(2);
  });
});
