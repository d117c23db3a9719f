import { describe, expect, it } from 'vitest';
import { RaMalformedResponseError, RaNotFoundError } from '../../src/ra/errors.js';
import {
  normalizeGameProgress,
  normalizeRecentGameAwards,
  normalizeRecentlyPlayedGames,
  normalizeUnlockEvents,
  normalizeUserProfile,
  parseRaDate,
} from '../../src/ra/normalize.js';

const notFound = { what: 'user-or-game', query: 'Alice / game 1' } as const;

function achievement(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ID: id,
    Title: `Ach ${id}`,
    Description: 'Do it',
    Points: 5,
    TrueRatio: 7,
    BadgeName: String(id).padStart(6, '0'),
    DisplayOrder: id,
    NumAwarded: 10,
    NumAwardedHardcore: 4,
    Author: 'dev',
    Type: 'progression',
    ...extra,
  };
}

function gameBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ID: 1,
    Title: 'Sonic the Hedgehog',
    ConsoleID: 1,
    ConsoleName: 'Mega Drive',
    ImageIcon: '/Images/067895.png',
    ImageTitle: '/Images/054993.png',
    ImageIngame: '/Images/000010.png',
    ImageBoxArt: '/Images/051872.png',
    Publisher: 'Sega ',
    Developer: ' Sonic Team',
    Genre: 'Platforming',
    Released: '1991-06-23',
    ReleasedAtGranularity: 'day',
    ParentGameID: null,
    NumDistinctPlayers: 27080,
    NumAchievements: 3,
    NumAwardedToUser: 1,
    NumAwardedToUserHardcore: 0,
    UserCompletion: '33.33%',
    UserCompletionHardcore: '0.00%',
    HighestAwardKind: null,
    HighestAwardDate: null,
    Achievements: {
      '9': achievement(9, { DisplayOrder: 2 }),
      '10': achievement(10, { DisplayOrder: 1, DateEarned: '2016-03-12 17:47:29' }),
      '11': achievement(11, { DisplayOrder: 2 }),
    },
    ...extra,
  };
}

describe('parseRaDate', () => {
  it('reads RA dates without an offset as UTC', () => {
    expect(parseRaDate('2016-03-12 17:47:29')?.toISOString()).toBe('2016-03-12T17:47:29.000Z');
  });

  it('reads ISO 8601 dates with an offset', () => {
    expect(parseRaDate('2024-12-07T11:57:30+02:00')?.toISOString()).toBe('2024-12-07T09:57:30.000Z');
    expect(parseRaDate('2024-12-07T11:57:30Z')?.toISOString()).toBe('2024-12-07T11:57:30.000Z');
  });

  it('rejects free text and impossible dates instead of guessing', () => {
    expect(parseRaDate('June 23, 1991')).toBeUndefined();
    expect(parseRaDate('2024-02-31 10:00:00')).toBeUndefined();
    expect(parseRaDate('')).toBeUndefined();
  });
});

describe('normalizeGameProgress', () => {
  it('maps a current-server body to camelCase domain fields', () => {
    const game = normalizeGameProgress(gameBody(), notFound);
    expect(game).toMatchObject({
      id: 1,
      title: 'Sonic the Hedgehog',
      consoleId: 1,
      consoleName: 'Mega Drive',
      imageIcon: '/Images/067895.png',
      released: '1991-06-23',
      parentGameId: null,
      numDistinctPlayers: 27080,
      numAchievements: 3,
      numAwardedToUser: 1,
      numAwardedToUserHardcore: 0,
      userCompletion: 33.33,
      userCompletionHardcore: 0,
      highestAwardKind: null,
      highestAwardDate: null,
    });
  });

  it('trims untrimmed strings such as the publisher', () => {
    const game = normalizeGameProgress(gameBody(), notFound);
    expect(game.publisher).toBe('Sega');
    expect(game.developer).toBe('Sonic Team');
  });

  it('sorts achievements by DisplayOrder then ID, not by object key order', () => {
    const game = normalizeGameProgress(gameBody(), notFound);
    expect(game.achievements.map((a) => a.id)).toEqual([10, 9, 11]);
  });

  it('reads the achievement type under Type (current server) or type (older server)', () => {
    const body = gameBody({
      Achievements: {
        '1': achievement(1, { Type: 'win_condition' }),
        '2': { ...achievement(2), Type: undefined, type: 'missable' },
        '3': achievement(3, { Type: null }),
      },
    });
    expect(normalizeGameProgress(body, notFound).achievements.map((a) => a.type)).toEqual([
      'win_condition',
      'missable',
      null,
    ]);
  });

  it('turns an unknown achievement type into null rather than failing', () => {
    const body = gameBody({ Achievements: { '1': achievement(1, { Type: 'speedrun' }) } });
    expect(normalizeGameProgress(body, notFound).achievements[0]?.type).toBeNull();
  });

  it('accepts an empty achievement set sent as {} or as []', () => {
    expect(normalizeGameProgress(gameBody({ Achievements: {} }), notFound).achievements).toEqual([]);
    expect(normalizeGameProgress(gameBody({ Achievements: [] }), notFound).achievements).toEqual([]);
  });

  it('coerces numbers sent as strings by older servers', () => {
    const body = gameBody({
      ID: '1',
      NumAchievements: '3',
      Achievements: { '5': achievement(5, { ID: '5', Points: '10', TrueRatio: '25', DisplayOrder: '3' }) },
    });
    const game = normalizeGameProgress(body, notFound);
    expect(game.id).toBe(1);
    expect(game.numAchievements).toBe(3);
    expect(game.achievements[0]).toMatchObject({ id: 5, points: 10, retroPoints: 25, displayOrder: 3 });
  });

  it('reads earned dates as UTC and leaves unearned ones null', () => {
    const body = gameBody({
      Achievements: {
        '1': achievement(1, { DateEarned: '2016-03-12 17:47:29', DateEarnedHardcore: '2016-03-13 00:00:01' }),
        '2': achievement(2),
      },
    });
    const [earned, locked] = normalizeGameProgress(body, notFound).achievements;
    expect(earned?.earnedAt?.toISOString()).toBe('2016-03-12T17:47:29.000Z');
    expect(earned?.earnedHardcoreAt?.toISOString()).toBe('2016-03-13T00:00:01.000Z');
    expect(locked?.earnedAt).toBeNull();
    expect(locked?.earnedHardcoreAt).toBeNull();
  });

  it('reads the highest award kind and its ISO date with offset', () => {
    const body = gameBody({
      HighestAwardKind: 'beaten-hardcore',
      HighestAwardDate: '2023-10-27T02:52:34+00:00',
    });
    const game = normalizeGameProgress(body, notFound);
    expect(game.highestAwardKind).toBe('beaten-hardcore');
    expect(game.highestAwardDate?.toISOString()).toBe('2023-10-27T02:52:34.000Z');
  });

  it('turns an unknown award kind into null (with no date) rather than failing', () => {
    const body = gameBody({ HighestAwardKind: 'platinum', HighestAwardDate: '2023-10-27T02:52:34+00:00' });
    const game = normalizeGameProgress(body, notFound);
    expect(game.highestAwardKind).toBeNull();
    expect(game.highestAwardDate).toBeNull();
  });

  it('ignores unknown fields and keeps free-text release dates as text', () => {
    const body = gameBody({
      players_total: 5,
      IsFinal: false,
      Flags: null,
      Released: 'June 23, 1991',
      Extra: {},
    });
    expect(normalizeGameProgress(body, notFound).released).toBe('June 23, 1991');
  });

  it('treats a null or empty release date as unknown', () => {
    expect(normalizeGameProgress(gameBody({ Released: null }), notFound).released).toBeNull();
    expect(normalizeGameProgress(gameBody({ Released: ' ' }), notFound).released).toBeNull();
  });

  it('turns the bare [] into RaNotFoundError for what the caller names', () => {
    const error = (() => {
      try {
        normalizeGameProgress([], { what: 'game', query: '42' });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(RaNotFoundError);
    expect(error).toMatchObject({ what: 'game', query: '42' });
  });

  it.each([
    ['a string', 'oops'],
    ['null', null],
    ['a non-empty array', [gameBody()]],
    ['an object without an ID', { Title: 'x' }],
  ])('rejects a body that is %s as malformed', (_label, body) => {
    expect(() => normalizeGameProgress(body, notFound)).toThrow(RaMalformedResponseError);
  });

  it.each([
    ['a non-numeric Points', { Achievements: { '1': achievement(1, { Points: 'lots' }) } }],
    ['an achievement that is not an object', { Achievements: { '1': 5 } }],
    ['Achievements that are a string', { Achievements: 'none' }],
    ['a garbled earned date', { Achievements: { '1': achievement(1, { DateEarned: 'yesterday' }) } }],
    ['a completion that is not a percentage', { UserCompletion: 'most' }],
    ['a completion above 100%', { UserCompletion: '150.00%' }],
    ['a negative game id', { ID: -3 }],
  ])('rejects %s as malformed instead of passing on a wrong value', (_label, extra) => {
    expect(() => normalizeGameProgress(gameBody(extra), notFound)).toThrow(RaMalformedResponseError);
  });

  it('names the bad field in the error, not its value', () => {
    const body = gameBody({ Achievements: { '1': achievement(1, { Points: 'secret-value' }) } });
    expect(() => normalizeGameProgress(body, notFound)).toThrow(/Achievements\[0\]\.Points/);
    expect(() => normalizeGameProgress(body, notFound)).not.toThrow(/secret-value/);
  });
});

describe('normalizeUserProfile', () => {
  const profile = {
    User: ' Alice ',
    ULID: '01HZZZZZZZ0000000000000001',
    UserPic: '/UserPic/Alice.png',
    MemberSince: '2016-01-02 00:43:04',
    RichPresenceMsg: 'Playing Sonic',
    LastGameID: 19504,
    TotalPoints: '399597',
    TotalSoftcorePoints: 0,
    TotalTruePoints: 1599212,
    Untracked: 0,
    Motto: 'hi',
    Permissions: 1,
  };

  it('maps the profile with coerced numbers, trimmed name and UTC member date', () => {
    expect(normalizeUserProfile(profile, 'Alice')).toEqual({
      user: 'Alice',
      ulid: '01HZZZZZZZ0000000000000001',
      userPic: '/UserPic/Alice.png',
      totalPoints: 399597,
      totalSoftcorePoints: 0,
      totalTruePoints: 1599212,
      memberSince: new Date('2016-01-02T00:43:04Z'),
      richPresenceMsg: 'Playing Sonic',
      lastGameId: 19504,
      motto: 'hi',
      untracked: false,
    });
  });

  it('reads LastGameID 0 as no game and Untracked "1" as true', () => {
    const user = normalizeUserProfile({ ...profile, LastGameID: 0, Untracked: '1' }, 'Alice');
    expect(user.lastGameId).toBeNull();
    expect(user.untracked).toBe(true);
  });

  it('reports an unknown user for the bare [] and for an older {"ID": null} body', () => {
    expect(() => normalizeUserProfile([], 'Ghost')).toThrow(RaNotFoundError);
    expect(() => normalizeUserProfile({ ID: null, User: 'Ghost' }, 'Ghost')).toThrow(RaNotFoundError);
  });

  it('refuses a profile without a ULID, since the bot keys users by it', () => {
    const { ULID: _ulid, ...withoutUlid } = profile;
    expect(() => normalizeUserProfile(withoutUlid, 'Alice')).toThrow(RaMalformedResponseError);
  });
});

describe('normalizeUnlockEvents', () => {
  const row = {
    Date: '2023-12-27 16:04:50',
    HardcoreMode: 1,
    AchievementID: 98012,
    Title: 'Beginner I',
    Description: 'Clear stages 01 - 05.',
    BadgeName: '108302',
    Points: 5,
    TrueRatio: 25,
    Type: null,
    Author: 'jos',
    GameTitle: 'Pokemon Pinball mini ',
    GameIcon: '/Images/028399.png',
    GameID: 14715,
    ConsoleName: 'Pokemon Mini',
    BadgeURL: '/Badge/108302.png',
    CumulScore: 5,
  };

  it('maps rows in the order RA sent them, with UTC dates and hardcore flags', () => {
    const events = normalizeUnlockEvents(
      [row, { ...row, Date: '2023-12-27 16:00:00', HardcoreMode: '0', type: 'missable', Type: undefined }],
      'GetUserRecentAchievements',
    );
    expect(events).toEqual([
      {
        date: new Date('2023-12-27T16:04:50Z'),
        hardcore: true,
        achievementId: 98012,
        title: 'Beginner I',
        description: 'Clear stages 01 - 05.',
        badgeName: '108302',
        points: 5,
        retroPoints: 25,
        type: null,
        gameId: 14715,
        gameTitle: 'Pokemon Pinball mini',
        gameIcon: '/Images/028399.png',
        consoleName: 'Pokemon Mini',
      },
      expect.objectContaining({ date: new Date('2023-12-27T16:00:00Z'), hardcore: false, type: 'missable' }),
    ]);
  });

  it('treats [] as no unlocks', () => {
    expect(normalizeUnlockEvents([], 'GetUserRecentAchievements')).toEqual([]);
  });

  it('rejects an object body that is not a list as malformed', () => {
    expect(() => normalizeUnlockEvents({ Results: [] }, 'X')).toThrow(RaMalformedResponseError);
  });

  it('skips an unreadable row, reports it, and keeps the rest of the list', () => {
    const skipped: string[] = [];
    const events = normalizeUnlockEvents([{ ...row, Date: null }, row], 'X', (where) => skipped.push(where));
    expect(events.map((e) => e.achievementId)).toEqual([98012]);
    expect(skipped).toEqual(['X[0]']);
  });

  it('reads a list sent as an object keyed by index, in index order', () => {
    const events = normalizeUnlockEvents(
      { '3': { ...row, AchievementID: 3 }, '1': { ...row, AchievementID: 1 } },
      'X',
    );
    expect(events.map((e) => e.achievementId)).toEqual([1, 3]);
  });
});

describe('normalizeRecentlyPlayedGames', () => {
  it('maps rows and coerces string counts', () => {
    const games = normalizeRecentlyPlayedGames([
      {
        GameID: 11332,
        Title: 'Final Fantasy Origins',
        ConsoleName: 'PlayStation',
        ImageIcon: '/Images/060249.png',
        LastPlayed: '2023-10-27 00:30:04',
        NumPossibleAchievements: '119',
        NumAchieved: 38,
        NumAchievedHardcore: 38,
      },
    ]);
    expect(games).toEqual([
      {
        gameId: 11332,
        title: 'Final Fantasy Origins',
        consoleName: 'PlayStation',
        imageIcon: '/Images/060249.png',
        lastPlayed: new Date('2023-10-27T00:30:04Z'),
        numPossibleAchievements: 119,
        numAchieved: 38,
        numAchievedHardcore: 38,
      },
    ]);
  });
});

describe('normalizeRecentGameAwards', () => {
  const award = {
    User: 'pedrick',
    ULID: '01HZZZZZZZ0000000000000009',
    AwardKind: 'beaten-softcore',
    AwardDate: '2024-12-07T11:57:30+00:00',
    GameID: 2566,
    GameTitle: 'Batman: Return of the Joker',
    ConsoleID: 4,
    ConsoleName: 'Game Boy',
  };

  it('maps the Results of the feed', () => {
    expect(normalizeRecentGameAwards({ Count: 1, Total: 9, Results: [award] }).events).toEqual([
      {
        user: 'pedrick',
        ulid: '01HZZZZZZZ0000000000000009',
        awardKind: 'beaten-softcore',
        awardDate: new Date('2024-12-07T11:57:30Z'),
        gameId: 2566,
        gameTitle: 'Batman: Return of the Joker',
        consoleId: 4,
        consoleName: 'Game Boy',
      },
    ]);
  });

  it('drops rows of an award kind it does not know instead of failing the feed', () => {
    const rows = normalizeRecentGameAwards({ Results: [{ ...award, AwardKind: 'speedrun' }, award] }).events;
    expect(rows.map((r) => r.awardKind)).toEqual(['beaten-softcore']);
  });

  it('skips an unreadable row (no ULID, no date) and keeps the rest of the feed', () => {
    const rows = normalizeRecentGameAwards({
      Results: [{ ...award, ULID: null }, 'junk', { ...award, AwardDate: 'yesterday' }, award],
    }).events;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.ulid).toBe(award.ULID);
  });

  it('reads Results sent as an object keyed by index (rows RA dropped), in index order, with Total', () => {
    const page = normalizeRecentGameAwards({
      Count: 2,
      Total: 3,
      Results: { '10': { ...award, GameID: 3 }, '2': { ...award, GameID: 2 } },
    });
    expect(page.events.map((r) => r.gameId)).toEqual([2, 3]);
    expect(page.total).toBe(3);
  });

  it('rejects a feed without Results as malformed', () => {
    expect(() => normalizeRecentGameAwards({ Count: 0 })).toThrow(RaMalformedResponseError);
    expect(() => normalizeRecentGameAwards([])).toThrow(RaMalformedResponseError);
  });
});
