/** The catalogue endpoints' raw JSON, as RA sends it (older servers: ids as strings). */
import { describe, expect, it } from 'vitest';
import { RaNotFoundError } from '../../src/ra/errors.js';
import { normalizeConsoles, normalizeGameDetails, normalizeGameList } from '../../src/ra/normalize.js';

describe('catalogue normalizers', () => {
  it('reads API_GetGameList rows with string ids, a list sent as an object, and skips a bad row', () => {
    const row = (id: unknown, title: unknown) => ({
      Title: title,
      ID: id,
      ConsoleID: '7',
      ConsoleName: 'NES/Famicom',
      ImageIcon: '/Images/000001.png',
      NumAchievements: '12',
      Points: 100,
    });
    const games = normalizeGameList({
      '0': row('1446', 'Super Mario Bros. 3'),
      '2': row(null, 'Broken'),
      '1': row(5, 1942),
    });
    expect(games).toEqual([
      {
        id: 1446,
        title: 'Super Mario Bros. 3',
        consoleId: 7,
        consoleName: 'NES/Famicom',
        imageIcon: '/Images/000001.png',
        numAchievements: 12,
        points: 100,
      },
      {
        id: 5,
        title: '1942',
        consoleId: 7,
        consoleName: 'NES/Famicom',
        imageIcon: '/Images/000001.png',
        numAchievements: 12,
        points: 100,
      },
    ]);
    expect(normalizeGameList([])).toEqual([]);
    expect(() => normalizeGameList('nope')).toThrow(/GetGameList/);
  });

  it('reads API_GetConsoleIDs, flags included', () => {
    expect(
      normalizeConsoles([
        { ID: '1', Name: 'Genesis/Mega Drive', IconURL: 'x.png', Active: true, IsGameSystem: true },
        { ID: 100, Name: 'Hubs', IconURL: '', Active: true, IsGameSystem: false },
      ]),
    ).toEqual([
      { id: 1, name: 'Genesis/Mega Drive', iconUrl: 'x.png', active: true, isGameSystem: true },
      { id: 100, name: 'Hubs', iconUrl: '', active: true, isGameSystem: false },
    ]);
  });

  it('reads API_GetGameExtended: points summed, authors by how many achievements they made', () => {
    const a = (id: number, author: string, points: number) => ({
      ID: id,
      Title: `A${id}`,
      Points: points,
      Author: author,
      type: null,
    });
    const game = normalizeGameDetails(
      {
        ID: '1',
        Title: 'Sonic the Hedgehog',
        ConsoleName: 'Mega Drive',
        NumDistinctPlayers: 27080,
        NumDistinctPlayersHardcore: '12000',
        Achievements: { '9': a(9, 'Scott', 3), '10': a(10, 'Jamiras', 5), '11': a(11, 'Scott', 10) },
      },
      '1',
    );
    expect(game).toMatchObject({ id: 1, numAchievements: 3, points: 18, numDistinctPlayersHardcore: 12000 });
    expect(game.authors).toEqual([
      { name: 'Scott', achievements: 2 },
      { name: 'Jamiras', achievements: 1 },
    ]);
    expect(() => normalizeGameDetails([], '77')).toThrow(RaNotFoundError);
  });
});
