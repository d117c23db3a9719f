/**
 * The catalogue through the real RA client and the fake RA: refresh (idle lane, generation
 * swap, a half-failed refresh keeps the old catalogue) and search (each kind of query finds the
 * intended game first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogueRefresher } from '../../src/catalogue/refresh.js';
import {
  type Catalogue,
  type CatalogueGame,
  createCatalogue,
  rankGames,
} from '../../src/catalogue/search.js';
import { indexTitle, setKind } from '../../src/catalogue/title.js';
import { createLogger } from '../../src/log.js';
import { createRaClient } from '../../src/ra/client.js';
import { openDatabase, Store } from '../../src/store/index.js';
import { type KnownGame, seedCatalogue } from '../fakes/ra/catalogue.js';
import { FakeWorld, startFakeRa } from '../fakes/ra/index.js';

const KEY = 'CatalogueKey123';

async function setup(size = 3000) {
  const world = new FakeWorld();
  const known = seedCatalogue(world, { size });
  const ra = await startFakeRa({ apiKey: KEY, world });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (l) => logs.push(l) } });
  const client = createRaClient({
    apiUrl: ra.url,
    apiKey: KEY,
    requestsPerSecond: 1000,
    maxRetries: 1,
    baseBackoffMs: 5,
    logger,
  });
  const store = new Store(openDatabase(':memory:'));
  const refresher = createCatalogueRefresher({
    ra: client,
    tables: store.catalogue,
    logger,
    now: () => new Date(Date.UTC(2026, 0, 1)),
    everyMs: 86_400_000,
    paceMs: 0,
    chunkSize: 400,
  });
  return {
    world,
    known,
    ra,
    client,
    store,
    refresher,
    logs,
    catalogue: createCatalogue(store.catalogue),
    async close() {
      await refresher.stop();
      await client.close();
      await ra.close();
      store.close();
    },
  };
}

describe('catalogue search', () => {
  let t: Awaited<ReturnType<typeof setup>>;
  let catalogue: Catalogue;
  beforeAll(async () => {
    t = await setup();
    const result = await t.refresher.refresh();
    expect(result.consoles).toBe(15); // the hub and the inactive system are skipped
    expect(result.requests).toBe(16);
    catalogue = t.catalogue;
  });
  afterAll(async () => t.close());

  const first = (query: string) => catalogue.search(query)[0]?.id;
  const cases: Array<[string, string, KnownGame]> = [
    ['exact title', 'Final Fantasy VII', 'ff7'],
    ['arabic numeral for a roman one', 'final fantasy 7', 'ff7'],
    ['roman numeral for an arabic one', 'super mario bros iii', 'smb3'],
    ['case, accents and punctuation', 'POKEMON emerald', 'emerald'],
    ['a prefix while typing', 'pokemon emer', 'emerald'],
    ['the article RA moves to the end', 'the legend of zelda ocarina of time', 'oot'],
    ['RA’s own "Title, The" form', 'Legend of Zelda, The: Ocarina', 'oot'],
    ['initials', 'ff7', 'ff7'],
    ['initials with a number', 'smb3', 'smb3'],
    ['initials of a subtitle', 'oot', 'oot'],
    ['initials with the article', 'alttp', 'alttp'],
    ['a word and initials', 'zelda oot', 'oot'],
    ['a console at the end', 'sonic game gear', 'sonic1Gg'],
    ['a console alias', 'sonic 2 sms', 'sonic2Sms'],
    ['a console at the start', 'genesis sonic', 'sonic1'],
    ['apostrophes', 'majoras mask', 'majora'],
    ['a region tag does not get in the way', 'mother 3', 'mother3'],
    ['"x" as a numeral', 'mega man 10', 'megaManX'],
  ];
  for (const [what, query, wanted] of cases) {
    it(`finds the intended game first: ${what} (“${query}”)`, () => {
      expect(first(query)).toBe(t.known[wanted]);
    });
  }

  it('ranks subsets and hacks below the main set, but still lists them', () => {
    const ids = catalogue.search('final fantasy vii').map((g) => g.id);
    expect(ids[0]).toBe(t.known.ff7);
    expect(ids).toContain(t.known.ff7Subset);
    expect(ids).toContain(t.known.ff7Hack);
    const hack = catalogue.search('final fantasy vii remako');
    expect(hack[0]).toMatchObject({ id: t.known.ff7Hack, kind: 'hack' });
    expect(catalogue.game(t.known.ff7Subset)?.kind).toBe('subset');
    expect(catalogue.game(t.known.microMages)?.kind).toBe('homebrew');
  });

  it('narrowing by console keeps only that console’s games', () => {
    const found = catalogue.search('sonic genesis');
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((g) => g.consoleName))).toEqual(new Set(['Genesis/Mega Drive']));
    expect(found[0]!.id).toBe(t.known.sonic1);
  });

  it('holds every listed game once, and nothing for an empty query', () => {
    expect(catalogue.size()).toBe(3000 + 39);
    expect(catalogue.search('   ')).toEqual([]);
    expect(catalogue.search('the')).toEqual([]);
  });
});

describe('ranking', () => {
  const game = (id: number, title: string): CatalogueGame => ({
    id,
    title,
    consoleId: 7,
    consoleName: 'NES/Famicom',
    imageIcon: '',
    numAchievements: 10,
    points: 100,
    kind: setKind(title),
    ...indexTitle(title),
  });

  it('puts a main set above a hack or subset that matches as well and is older', () => {
    const hack = game(5, '~Hack~ Mario Quest');
    const subset = game(6, 'Mario Quest [Subset - Bonus]');
    const main = game(900, 'Mario Quest');
    expect(rankGames([hack, subset, main], ['mario', 'quest']).map((g) => g.id)).toEqual([900, 6, 5]);
  });

  it('prefers the whole title, then all words, then a word still being typed, older sets first', () => {
    const prefix = game(1, 'Questing Mario');
    const words = game(2, 'Mario Quest Deluxe');
    const whole = game(3, 'Mario Quest');
    expect(rankGames([prefix, words, whole], ['mario', 'quest']).map((g) => g.id)).toEqual([3, 2, 1]);
    // All still being typed: fewest extra words, then the older set.
    expect(rankGames([words, whole, prefix], ['mario', 'ques']).map((g) => g.id)).toEqual([1, 3, 2]);
  });
});

describe('catalogue refresh', () => {
  it('reads ids sent as strings, and uses the idle lane', async () => {
    const t = await setup(200);
    try {
      t.ra.compat.stringNumbers = true;
      await t.refresher.refresh();
      expect(t.catalogue.game(t.known.ff7)).toMatchObject({ title: 'Final Fantasy VII', consoleId: 12 });
      expect(t.ra.requests.of('GetConsoleIDs')[0]?.params).toMatchObject({ a: '1', g: '1' });
      expect(t.ra.requests.of('GetGameList').every((r) => r.params.f === '1')).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('a refresh that fails half-way keeps the old catalogue; the next one replaces it whole', async () => {
    const t = await setup(500);
    try {
      await t.refresher.refresh();
      const before = t.catalogue.size();
      expect(t.catalogue.search('final fantasy 7')[0]?.id).toBe(t.known.ff7);

      // RA renames a game and gains one; then fails on the 8th console (retries exhausted).
      t.world.addListedGames([
        { id: 99_999, title: 'Brand New Quest', consoleId: 12, numAchievements: 9, points: 90 },
      ]);
      t.ra.faults.add('GetGameList', { type: 'status', status: 503 }, 2, { i: '11' });
      await expect(t.refresher.refresh()).rejects.toThrow(/503/);
      expect(t.catalogue.size()).toBe(before);
      expect(t.catalogue.search('brand new quest')).toEqual([]);
      expect(t.catalogue.search('final fantasy 7')[0]?.id).toBe(t.known.ff7);

      await t.refresher.refresh();
      expect(t.catalogue.size()).toBe(before + 1);
      expect(t.catalogue.search('brand new quest')[0]?.id).toBe(99_999);
      // Nothing of the failed or the replaced generation is left behind.
      const rows = t.store.db.prepare('SELECT count(*) AS n FROM catalogue_games').get() as { n: number };
      expect(rows.n).toBe(before + 1);
    } finally {
      await t.close();
    }
  });
});
