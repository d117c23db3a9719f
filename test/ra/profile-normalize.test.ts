/** API_GetUserSummary and API_GetUserAwards as RA sends them (shapes from RA's server code). */
import { describe, expect, it } from 'vitest';
import { RaNotFoundError } from '../../src/ra/errors.js';
import { normalizeUserAwards, normalizeUserSummary } from '../../src/ra/normalize.js';

const summary = {
  User: 'xelnia',
  ULID: '01HZZZZZZZ0000000000000001',
  MemberSince: '2021-12-20 03:13:20',
  RichPresenceMsg: 'L=08-1 | 1 lives',
  LastGameID: 15758,
  TotalPoints: 8317,
  TotalSoftcorePoints: '0',
  TotalTruePoints: 26760,
  Motto: '',
  Rank: 4616,
  TotalRanked: 45654,
  LastGame: { ID: 15758, Title: 'Crazy Kong', ConsoleName: 'Arcade', ImageIcon: '/Images/068578.png' },
  UserPic: '/UserPic/xelnia.png',
  RecentAchievements: {
    '15758': {
      '293505': {
        ID: 293505,
        GameID: 15758,
        GameTitle: 'Crazy Kong',
        Title: 'Prodigy',
        Points: 25,
        BadgeName: '325551',
        DateAwarded: '2023-03-09 08:19:37',
        HardcoreAchieved: 1,
      },
      '293526': {
        ID: 293526,
        GameID: 15758,
        GameTitle: 'Crazy Kong',
        Title: 'Smasher',
        Points: 10,
        BadgeName: '325572',
        DateAwarded: '2023-03-09 08:20:34',
        HardcoreAchieved: 0,
      },
    },
  },
  Status: 'Offline',
};

describe('normalizeUserSummary', () => {
  it('reads the card fields and flattens recent unlocks (keyed by game, then id) newest first', () => {
    const s = normalizeUserSummary(summary, 'xelnia');
    expect(s).toMatchObject({
      user: 'xelnia',
      totalPoints: 8317,
      totalSoftcorePoints: 0,
      rank: 4616,
      totalRanked: 45654,
    });
    expect(s.lastGame).toEqual({
      id: 15758,
      title: 'Crazy Kong',
      consoleName: 'Arcade',
      imageIcon: '/Images/068578.png',
    });
    expect(s.recentUnlocks.map((u) => [u.achievementId, u.hardcore])).toEqual([
      [293526, false],
      [293505, true],
    ]);
  });

  it('takes an empty list as [], no rank as unranked, and {"ID": null} as an unknown user', () => {
    const s = normalizeUserSummary({ ...summary, RecentAchievements: [], Rank: null, LastGame: null }, 'x');
    expect(s.recentUnlocks).toEqual([]);
    expect(s.rank).toBeNull();
    expect(s.lastGame).toBeNull();
    expect(() => normalizeUserSummary({ ID: null, User: null }, 'Nobody')).toThrow(RaNotFoundError);
  });
});

describe('normalizeUserAwards', () => {
  it('keeps the counts and the game awards, leaving site and event awards out', () => {
    const a = normalizeUserAwards(
      {
        MasteryAwardsCount: 805,
        CompletionAwardsCount: 0,
        BeatenHardcoreAwardsCount: 807,
        BeatenSoftcoreAwardsCount: 1,
        VisibleUserAwards: {
          '0': {
            AwardedAt: '2016-01-02T05:53:52+00:00',
            AwardType: 'Game Beaten',
            AwardData: 1448,
            AwardDataExtra: 1,
            Title: 'Mega Man',
            ConsoleName: 'NES',
          },
          '2': {
            AwardedAt: '2017-01-02T05:53:52+00:00',
            AwardType: 'Patreon Supporter',
            AwardData: 0,
            AwardDataExtra: 0,
          },
          '3': {
            AwardedAt: '2018-01-02T05:53:52+00:00',
            AwardType: 'Mastery/Completion',
            AwardData: 1,
            AwardDataExtra: 0,
            Title: 'Sonic',
          },
        },
      },
      'u',
    );
    expect(a).toMatchObject({ masteries: 805, completions: 0, beatenHardcore: 807, beatenSoftcore: 1 });
    expect(a.visible.map((v) => [v.kind, v.gameId, v.title])).toEqual([
      ['beaten-hardcore', 1448, 'Mega Man'],
      ['completed', 1, 'Sonic'],
    ]);
    expect(() => normalizeUserAwards([], 'Nobody')).toThrow(RaNotFoundError);
  });
});
