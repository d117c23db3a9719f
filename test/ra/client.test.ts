import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RaMalformedResponseError, RaNotFoundError } from '../../src/ra/errors.js';
import { FakeWorld } from '../fakes/ra/index.js';
import { ALICE_ULID, type Harness, rejectionOf, startHarness, T0 } from './helpers.js';

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('RA client against the fake RA', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('getUserProfile', () => {
    it('returns the profile with the stable ULID', async () => {
      const profile = await h.client.getUserProfile('Alice');
      expect(profile).toMatchObject({
        user: 'Alice',
        ulid: ALICE_ULID,
        userPic: '/UserPic/Alice.png',
        motto: 'go',
      });
    });

    it('resolves a user by display name case-insensitively and by ULID, after a rename', async () => {
      h.ra.world.rename('Alice', 'AliceTwo');
      expect((await h.client.getUserProfile('alicetwo')).user).toBe('AliceTwo');
      expect((await h.client.getUserProfile(ALICE_ULID)).user).toBe('AliceTwo');
    });

    it('reports an unknown user (RA answers 404 []) as RaNotFoundError for the user', async () => {
      const err = await rejectionOf(h.client.getUserProfile('Nobody'));
      expect(err).toBeInstanceOf(RaNotFoundError);
      expect(err).toMatchObject({ what: 'user', query: 'Nobody' });
    });

    it('treats a deleted account as unknown', async () => {
      h.ra.world.deleteUser('Bob');
      expect(await rejectionOf(h.client.getUserProfile('Bob'))).toBeInstanceOf(RaNotFoundError);
    });

    it('sums points from unlocks: hardcore into TotalPoints, softcore-only separately', async () => {
      h.ra.world.unlock('Alice', 101, { hardcore: true, at: at(1) });
      h.ra.world.unlock('Alice', 102, { at: at(2) });
      const profile = await h.client.getUserProfile('Alice');
      expect(profile).toMatchObject({ totalPoints: 5, totalSoftcorePoints: 10, lastGameId: 1 });
    });
  });

  describe('getGameInfoAndUserProgress', () => {
    it('returns the game with achievements sorted by display order then id, and untrimmed strings trimmed', async () => {
      const game = await h.client.getGameInfoAndUserProgress('Alice', 1);
      expect(game).toMatchObject({
        id: 1,
        title: 'Sonic the Hedgehog',
        publisher: 'Sega',
        released: '1991-06-23',
      });
      expect(game.achievements.map((a) => a.id)).toEqual([102, 103, 101, 104, 105, 106]);
      expect(game.achievements.map((a) => a.type)).toEqual([
        'progression',
        'win_condition',
        'progression',
        null,
        'missable',
        null,
      ]);
      expect(game.highestAwardKind).toBeNull();
    });

    it('keeps the softcore date of an unlock later upgraded to hardcore', async () => {
      h.ra.world.unlock('Alice', 101, { at: at(10) });
      h.ra.world.unlock('Alice', 101, { hardcore: true, at: at(20) });
      const game = await h.client.getGameInfoAndUserProgress('Alice', 1);
      const ach = game.achievements.find((a) => a.id === 101);
      expect(ach?.earnedAt).toEqual(at(10));
      expect(ach?.earnedHardcoreAt).toEqual(at(20));
      expect(game.userCompletion).toBe(16.67);
      expect(game.userCompletionHardcore).toBe(16.67);
    });

    it('reports beaten then mastered as the highest award, with the date it happened', async () => {
      for (const [i, id] of [101, 102, 103].entries())
        h.ra.world.unlock('Alice', id, { hardcore: true, at: at(i) });
      expect(await h.client.getGameInfoAndUserProgress('Alice', 1)).toMatchObject({
        highestAwardKind: 'beaten-hardcore',
        highestAwardDate: at(2),
      });
      for (const [i, id] of [104, 105, 106].entries())
        h.ra.world.unlock('Alice', id, { hardcore: true, at: at(10 + i) });
      const game = await h.client.getGameInfoAndUserProgress('Alice', 1);
      expect(game).toMatchObject({
        highestAwardKind: 'mastered',
        highestAwardDate: at(12),
        userCompletionHardcore: 100,
      });
    });

    it('sends a=1 and never the key to the fake in the recorded params', async () => {
      await h.client.getGameInfoAndUserProgress('Alice', 1);
      expect(h.ra.requests.of('GetGameInfoAndUserProgress')[0]?.params).toEqual({
        u: 'Alice',
        g: '1',
        a: '1',
        z: 'cheevobot',
      });
    });

    it('returns an empty achievement list for a game without achievements ({} on the wire)', async () => {
      const game = await h.client.getGameInfoAndUserProgress('Alice', 2);
      expect(game.achievements).toEqual([]);
      expect(game.userCompletion).toBe(0);
    });

    it('reads an older server that sends numbers as strings and the type under `type`', async () => {
      h.ra.world.unlock('Alice', 102, { hardcore: true, at: at(5) });
      const modern = await h.client.getGameInfoAndUserProgress('Alice', 1);
      h.ra.compat.stringNumbers = true;
      h.ra.compat.lowercaseType = true;
      const legacy = await h.client.getGameInfoAndUserProgress('Alice', 1);
      expect(legacy).toEqual(modern);
    });

    it('tells an unknown game from an unknown user although RA answers both with []', async () => {
      expect(await rejectionOf(h.client.getGameInfoAndUserProgress('Alice', 999))).toMatchObject({
        what: 'game',
        query: '999',
      });
      expect(await rejectionOf(h.client.getGameInfoAndUserProgress('Nobody', 1))).toMatchObject({
        what: 'user',
        query: 'Nobody',
      });
    });

    it('falls back to "user or game" when the probe that tells them apart fails', async () => {
      h.ra.faults.add('GetGame', { type: 'status', status: 500 }, Number.POSITIVE_INFINITY);
      const err = await rejectionOf(h.client.getGameInfoAndUserProgress('Nobody', 1));
      expect(err).toBeInstanceOf(RaNotFoundError);
      expect(err).toMatchObject({ what: 'user-or-game' });
    });

    it('rejects a wrong-shape body as malformed without retrying it', async () => {
      h.ra.faults.add('GetGameInfoAndUserProgress', { type: 'wrong-shape', body: { ID: 'one', Title: [] } });
      expect(await rejectionOf(h.client.getGameInfoAndUserProgress('Alice', 1))).toBeInstanceOf(
        RaMalformedResponseError,
      );
      expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(1);
    });
  });

  describe('unlock feeds', () => {
    it('getUserRecentAchievements lists recent unlocks newest first, an upgrade appearing again as hardcore', async () => {
      const now = h.ra.world.now();
      const ago = (min: number) => new Date(now.getTime() - min * 60_000);
      h.ra.world.unlock('Alice', 101, { at: ago(30) });
      h.ra.world.unlock('Alice', 102, { hardcore: true, at: ago(20) });
      h.ra.world.unlock('Alice', 101, { hardcore: true, at: ago(10) });
      h.ra.world.unlock('Alice', 103, { at: ago(120) });
      const events = await h.client.getUserRecentAchievements('Alice', 60);
      expect(events.map((e) => [e.achievementId, e.hardcore])).toEqual([
        [101, true],
        [102, true],
        [101, false],
      ]);
      expect(events[0]).toMatchObject({
        gameId: 1,
        gameTitle: 'Sonic the Hedgehog',
        date: ago(10),
        points: 5,
      });
    });

    it('getUserRecentAchievements gives [] for an unknown user (RA cannot tell it from "no unlocks")', async () => {
      expect(await h.client.getUserRecentAchievements('Nobody', 60)).toEqual([]);
    });

    it('getAchievementsEarnedBetween is inclusive at both ends, in seconds', async () => {
      h.ra.world.unlock('Alice', 101, { at: at(0) });
      h.ra.world.unlock('Alice', 102, { at: at(10) });
      h.ra.world.unlock('Alice', 103, { at: at(11) });
      const events = await h.client.getAchievementsEarnedBetween(
        'Alice',
        at(0),
        new Date(at(10).getTime() + 999),
      );
      expect(events.map((e) => e.achievementId)).toEqual([101, 102]);
    });
  });

  describe('getUserRecentlyPlayedGames and getRecentGameAwards', () => {
    it('lists played games most recent first, honouring offset and count', async () => {
      h.ra.world.play('Alice', 2, at(100));
      h.ra.world.unlock('Alice', 101, { hardcore: true, at: at(50) });
      const games = await h.client.getUserRecentlyPlayedGames('Alice', { count: 1 });
      expect(games).toEqual([
        expect.objectContaining({ gameId: 2, title: 'Empty Set', lastPlayed: at(100) }),
      ]);
      const next = await h.client.getUserRecentlyPlayedGames('Alice', { offset: 1, count: 5 });
      expect(next).toEqual([
        expect.objectContaining({
          gameId: 1,
          numAchieved: 1,
          numAchievedHardcore: 1,
          numPossibleAchievements: 6,
        }),
      ]);
    });

    it('reads the site-wide award feed newest first, filtered by kind and date', async () => {
      h.ra.world.grantAward('Bob', 1, 'beaten-softcore', new Date('2024-04-01T10:00:00Z'));
      h.ra.world.grantAward('Alice', 1, 'mastered', new Date('2024-04-02T10:00:00Z'));
      h.ra.world.grantAward('Bob', 2, 'completed', new Date('2024-04-03T10:00:00Z'));
      const all = await h.client.getRecentGameAwards();
      expect(all.map((a) => [a.user, a.awardKind])).toEqual([
        ['Bob', 'completed'],
        ['Alice', 'mastered'],
        ['Bob', 'beaten-softcore'],
      ]);
      expect(all[1]).toMatchObject({
        ulid: ALICE_ULID,
        gameId: 1,
        awardDate: new Date('2024-04-02T10:00:00Z'),
      });
      const filtered = await h.client.getRecentGameAwards({
        date: new Date('2024-04-02T00:00:00Z'),
        kinds: ['mastered', 'beaten-softcore'],
        count: 1,
      });
      expect(filtered.map((a) => a.awardKind)).toEqual(['mastered']);
      expect(h.ra.requests.of('GetRecentGameAwards')[1]?.params).toMatchObject({
        d: '2024-04-02',
        k: 'mastered,beaten-softcore',
        c: '1',
      });
    });
  });
});

describe('getAchievementsEarnedBetween past the 500-row cap', () => {
  it('pages by advancing f and returns every row once, even when rows share the boundary second', async () => {
    const world = new FakeWorld();
    world.addUser({ username: 'Grinder' });
    const ids = Array.from({ length: 1203 }, (_, i) => 10_000 + i);
    world.addGame({ id: 7, title: 'Big Set', achievements: ids.map((id) => ({ id })) });
    // Two unlocks per second, so page boundaries fall inside a second.
    for (const [i, id] of ids.entries()) {
      world.unlock('Grinder', id, { at: at(Math.floor(i / 2)), hardcore: i % 3 === 0 });
    }
    const h = await startHarness({ world });
    try {
      const events = await h.client.getAchievementsEarnedBetween('Grinder', at(0), at(10_000));
      expect(events).toHaveLength(1203);
      expect(new Set(events.map((e) => e.achievementId)).size).toBe(1203);
      expect(events.map((e) => e.date.getTime())).toEqual(
        [...events.map((e) => e.date.getTime())].sort((a, b) => a - b),
      );
      expect(h.ra.requests.count('GetAchievementsEarnedBetween')).toBe(3);
    } finally {
      await h.close();
    }
  });
});
