import { afterEach, describe, expect, it } from 'vitest';
import { RaInvalidInputError, RaMalformedResponseError } from '../../src/ra/errors.js';
import { normalizeUsersFollowingMe } from '../../src/ra/normalize.js';
import { type Harness, rejectionOf, smallWorld, startHarness } from './helpers.js';

const row = (user: string, ulid: string, points: number, soft = 0) => ({
  User: user,
  ULID: ulid,
  Points: points,
  PointsSoftcore: soft,
  AmIFollowing: false,
});

describe('normalizeUsersFollowingMe', () => {
  it('maps a list of followers with hardcore and softcore points', () => {
    const page = normalizeUsersFollowingMe({
      Count: 2,
      Total: 7,
      Results: [
        row('Alice', '01hzzzzzzz00000000000a11ce', 120, 3),
        row('Bob', '01HZZZZZZZ0000000000000B0B', 0),
      ],
    });
    expect(page).toEqual({
      total: 7,
      followers: [
        { user: 'Alice', ulid: '01HZZZZZZZ00000000000A11CE', hardcorePoints: 120, softcorePoints: 3 },
        { user: 'Bob', ulid: '01HZZZZZZZ0000000000000B0B', hardcorePoints: 0, softcorePoints: 0 },
      ],
    });
  });

  it('accepts Results as an object keyed by index, in numeric key order', () => {
    const page = normalizeUsersFollowingMe({
      Count: 2,
      Total: 3,
      Results: {
        '10': row('Late', '01HZZZZZZZ00000000000000LA', 1),
        '2': row('Early', '01HZZZZZZZ00000000000000EA', 2),
      },
    });
    expect(page.followers.map((f) => f.user)).toEqual(['Early', 'Late']);
    expect(page.total).toBe(3);
  });

  it('skips a row without a ULID and keeps the others', () => {
    const page = normalizeUsersFollowingMe({
      Count: 2,
      Total: 2,
      Results: [{ User: 'Ghost', Points: 5 }, row('Bob', '01HZZZZZZZ0000000000000B0B', '9' as never)],
    });
    expect(page.followers).toEqual([
      { user: 'Bob', ulid: '01HZZZZZZZ0000000000000B0B', hardcorePoints: 9, softcorePoints: 0 },
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(() => normalizeUsersFollowingMe([])).toThrow(RaMalformedResponseError);
    expect(() => normalizeUsersFollowingMe({ Results: 'x' })).toThrow(RaMalformedResponseError);
  });
});

describe('getUsersFollowingMe against the fake RA', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('pages followers most recently active first, with points as RA shows them', async () => {
    const world = smallWorld();
    world.addUser({ username: 'Cara' });
    for (const name of ['Alice', 'Bob', 'Cara']) world.follow(name);
    const t = world.now().getTime();
    world.play('Cara', 1, new Date(t - 60_000));
    world.unlock('Bob', 102, { hardcore: true });
    h = await startHarness({ world });

    const first = await h.client.getUsersFollowingMe({ offset: 0, count: 2 });
    expect(first.total).toBe(3);
    expect(first.followers.map((f) => [f.user, f.hardcorePoints])).toEqual([
      ['Bob', 10],
      ['Cara', 0],
    ]);
    const second = await h.client.getUsersFollowingMe({ offset: 2, count: 2 });
    expect(second.followers.map((f) => f.user)).toEqual(['Alice']);
    expect(h.ra.requests.of('GetUsersFollowingMe').map((r) => r.params)).toEqual([
      { o: '0', c: '2', z: 'cheevobot' },
      { o: '2', c: '2', z: 'cheevobot' },
    ]);
  });

  it('reads an indexed-object Results from the server like a list', async () => {
    const world = smallWorld();
    world.follow('Alice');
    h = await startHarness({ world });
    h.ra.compat.indexedResults = true;
    const page = await h.client.getUsersFollowingMe();
    expect(page.followers.map((f) => f.user)).toEqual(['Alice']);
  });

  it('keeps points totals behind an unlock for the world pointsLagMs, as RA does', async () => {
    let clock = Date.parse('2024-05-01T13:00:00Z');
    const world = smallWorld();
    world.now = () => new Date(clock);
    world.pointsLagMs = 5_000;
    world.follow('Alice');
    h = await startHarness({ world });
    world.unlock('Alice', 106, { hardcore: true });
    expect((await h.client.getUsersFollowingMe()).followers[0]!.hardcorePoints).toBe(0);
    clock += 5_000;
    expect((await h.client.getUsersFollowingMe()).followers[0]!.hardcorePoints).toBe(50);
  });

  it('refuses a page size over 500 before asking RA', async () => {
    h = await startHarness();
    expect(await rejectionOf(h.client.getUsersFollowingMe({ count: 501 }))).toBeInstanceOf(
      RaInvalidInputError,
    );
    expect(h.ra.requests.count()).toBe(0);
  });
});

describe('getUsersIFollow against the fake RA', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('pages the users the bot follows, most recently active first, with points and ULIDs', async () => {
    const world = smallWorld();
    world.addUser({ username: 'Cara' });
    for (const name of ['Alice', 'Bob', 'Cara']) world.botFollow(name);
    world.unlock('Bob', 102, { hardcore: true });
    h = await startHarness({ world });
    const first = await h.client.getUsersIFollow({ offset: 0, count: 2 });
    expect(first.total).toBe(3);
    expect(first.followed.map((f) => [f.user, f.ulid, f.hardcorePoints])).toEqual([
      ['Bob', world.user('Bob').ulid, 10],
      ['Cara', world.user('Cara').ulid, 0],
    ]);
    expect(h.ra.requests.of('GetUsersIFollow').map((r) => r.params)).toEqual([
      { o: '0', c: '2', z: 'cheevobot' },
    ]);
  });

  it('reads an indexed-object Results, and rows without ULID from older servers (by name)', async () => {
    const world = smallWorld();
    world.botFollow('Alice');
    world.botFollow('Bob');
    h = await startHarness({ world });
    h.ra.compat.indexedResults = true;
    h.ra.compat.followingWithoutUlid = true;
    const page = await h.client.getUsersIFollow();
    expect(page.followed.map((f) => [f.user, f.ulid]).sort()).toEqual([
      ['Alice', null],
      ['Bob', null],
    ]);
    expect(page.total).toBe(2);
  });
});
