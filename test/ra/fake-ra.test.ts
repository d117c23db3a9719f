/** The fake RA itself: award rules, name resolution and wire details other tests rely on. */
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeRa, FakeWorld, startFakeRa } from '../fakes/ra/index.js';

const KEY = 'fake-key-123';
const at = (s: number) => new Date(Date.UTC(2024, 0, 1) + s * 1000);

function worldWithSet(options: { masteryMinAchievements?: number } = {}): FakeWorld {
  const world = new FakeWorld(options);
  world.addUser({ username: 'Ann' });
  world.addGame({
    id: 5,
    title: 'Set',
    achievements: [
      { id: 1, type: 'progression' },
      { id: 2, type: 'progression' },
      { id: 3, type: 'win_condition' },
      { id: 4, type: 'win_condition' },
      { id: 5 },
      { id: 6 },
    ],
  });
  return world;
}

const kinds = (world: FakeWorld, gameId = 5) =>
  world
    .awardsOf(world.user('Ann').ulid, gameId)
    .map((a) => [a.kind, a.at.getTime()])
    .sort();

describe('fake RA world awards', () => {
  it('grants beaten when all progression and any one win condition are unlocked, dated then', () => {
    const world = worldWithSet();
    world.unlock('Ann', 1, { at: at(1) });
    world.unlock('Ann', 4, { at: at(2) });
    expect(kinds(world)).toEqual([]);
    world.unlock('Ann', 2, { at: at(3) });
    expect(kinds(world)).toEqual([['beaten-softcore', at(3).getTime()]]);
  });

  it('grants only the hardcore award when hardcore unlocks complete it directly', () => {
    const world = worldWithSet();
    for (const id of [1, 2, 3, 4, 5, 6]) world.unlock('Ann', id, { hardcore: true, at: at(id) });
    expect(kinds(world)).toEqual([
      ['beaten-hardcore', at(3).getTime()],
      ['mastered', at(6).getTime()],
    ]);
  });

  it('grants completed for softcore and mastered later after upgrading every unlock', () => {
    const world = worldWithSet();
    for (const id of [1, 2, 3, 4, 5, 6]) world.unlock('Ann', id, { at: at(id) });
    for (const id of [1, 2, 3, 4, 5, 6])
      expect(world.unlock('Ann', id, { hardcore: true, at: at(100 + id) })).toBe('upgraded');
    expect(kinds(world)).toEqual([
      ['beaten-hardcore', at(103).getTime()],
      ['beaten-softcore', at(3).getTime()],
      ['completed', at(6).getTime()],
      ['mastered', at(106).getTime()],
    ]);
    expect(world.unlockOf(world.user('Ann').ulid, 1)).toMatchObject({
      softcoreAt: at(1),
      hardcoreAt: at(101),
    });
  });

  it('keeps a mastery when the set grows and grants none to sets below the minimum size', () => {
    const world = worldWithSet();
    for (const id of [1, 2, 3, 4, 5, 6]) world.unlock('Ann', id, { hardcore: true, at: at(id) });
    world.addAchievements(5, [{ id: 7 }]);
    expect(world.highestAward(world.user('Ann').ulid, 5)?.kind).toBe('mastered');

    world.addGame({ id: 9, title: 'Tiny', achievements: [{ id: 90 }] });
    world.unlock('Ann', 90, { hardcore: true, at: at(1) });
    expect(kinds(world, 9)).toEqual([]);
    const lenient = worldWithSet({ masteryMinAchievements: 1 });
    lenient.addGame({ id: 9, title: 'Tiny', achievements: [{ id: 90 }] });
    lenient.unlock('Ann', 90, { hardcore: true, at: at(1) });
    expect(kinds(lenient, 9)).toEqual([['mastered', at(1).getTime()]]);
  });

  it('ignores a repeated unlock', () => {
    const world = worldWithSet();
    expect(world.unlock('Ann', 1, { hardcore: true })).toBe('new');
    expect(world.unlock('Ann', 1, { hardcore: true })).toBe('unchanged');
    expect(world.unlock('Ann', 1)).toBe('unchanged');
  });

  it('resolves users by username, current display name or ULID; the old display name stops working', () => {
    const world = new FakeWorld();
    const user = world.addUser({ username: 'Orig', displayName: 'Shown' });
    world.rename('Shown', 'Renamed');
    expect(world.findUser('orig')).toBe(user);
    expect(world.findUser('RENAMED')).toBe(user);
    expect(world.findUser(user.ulid.toLowerCase())).toBe(user);
    expect(world.findUser('Shown')).toBeUndefined();
  });
});

describe('fake RA server wire format', () => {
  let ra: FakeRa;
  afterEach(async () => {
    await ra.close();
  });

  const get = async (path: string) => {
    const res = await fetch(`${ra.url}/${path}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('sends achievements as an object keyed by id with RA dates and Type, and {} for an empty set', async () => {
    const world = worldWithSet();
    world.addGame({ id: 6, title: 'Empty' });
    world.unlock('Ann', 1, { hardcore: true, at: at(30) });
    ra = await startFakeRa({ apiKey: KEY, world });
    const { body } = await get(`API_GetGameInfoAndUserProgress.php?y=${KEY}&u=ann&g=5&a=1`);
    const achievements = (body as { Achievements: Record<string, Record<string, unknown>> }).Achievements;
    expect(Object.keys(achievements)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(achievements['1']).toMatchObject({
      Type: 'progression',
      DateEarned: '2024-01-01 00:00:30',
      DateEarnedHardcore: '2024-01-01 00:00:30',
    });
    expect(body).toMatchObject({ UserCompletion: '16.67%', HighestAwardKind: null, HighestAwardDate: null });
    expect((await get(`API_GetGameInfoAndUserProgress.php?y=${KEY}&u=ann&g=6`)).body).toMatchObject({
      Achievements: {},
    });
  });

  it('answers like RA for a bad key, a bad user, and unknown users or games', async () => {
    ra = await startFakeRa({ apiKey: KEY, world: worldWithSet() });
    expect(await get('API_GetUserProfile.php?y=nope&u=Ann')).toMatchObject({
      status: 401,
      body: { message: 'Unauthenticated.' },
    });
    expect(await get(`API_GetUserProfile.php?y=${KEY}&u=a_b`)).toMatchObject({
      status: 422,
      body: { errors: { u: [expect.any(String)] } },
    });
    expect(await get(`API_GetUserProfile.php?y=${KEY}&u=Ghost`)).toEqual({ status: 404, body: [] });
    expect(await get(`API_GetGameInfoAndUserProgress.php?y=${KEY}&u=Ghost&g=5`)).toEqual({
      status: 200,
      body: [],
    });
    expect(await get(`API_GetGame.php?y=${KEY}&i=77`)).toEqual({ status: 200, body: [] });
  });

  it('serves PNGs for known badges, images and avatars, 404 for unknown badges, and media faults', async () => {
    ra = await startFakeRa({ apiKey: KEY, world: worldWithSet() });
    const badge = await fetch(`${ra.mediaUrl}/Badge/000001_lock.png`);
    expect(badge.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await badge.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect((await fetch(`${ra.mediaUrl}/Images/067895.png`)).status).toBe(200);
    expect((await fetch(`${ra.mediaUrl}/UserPic/Ann.png`)).status).toBe(200);
    expect((await fetch(`${ra.mediaUrl}/Badge/999999.png`)).status).toBe(404);
    ra.faults.add('media', { type: 'status', status: 503 });
    expect((await fetch(`${ra.mediaUrl}/Images/067895.png`)).status).toBe(503);
    expect(ra.requests.count('media')).toBe(5);
  });
});
