/**
 * The catalogue refresh has a deadline: a refresh stuck on RA is abandoned, logged, and retried
 * later, and never blocks the next one. Virtual time, RA stubbed (the stuck request never
 * answers: what a starved lane looked like).
 */
import { describe, expect, it } from 'vitest';
import { createCatalogueRefresher } from '../../src/catalogue/refresh.js';
import { createLogger, silentLogger } from '../../src/log.js';
import type { RaCatalogueApi } from '../../src/ra/client.js';
import type { GameListEntry, RaConsole } from '../../src/ra/types.js';
import { openDatabase, Store } from '../../src/store/index.js';
import { virtualTime } from '../virtual-time.js';

const consoles: RaConsole[] = [1, 2].map((id) => ({
  id,
  name: `Console ${id}`,
  iconUrl: '',
  active: true,
  isGameSystem: true,
}));

function game(id: number, consoleId: number): GameListEntry {
  return {
    id,
    title: `Game ${id}`,
    consoleId,
    consoleName: `Console ${consoleId}`,
    imageIcon: '',
    numAchievements: 10,
    points: 100,
  };
}

describe('catalogue refresh deadline', () => {
  it('abandons a refresh stuck on RA at its deadline, says so, and a retry builds the catalogue', async () => {
    const v = virtualTime(Date.UTC(2026, 0, 1));
    const logs: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l) => logs.push(l) } });
    let listCalls = 0;
    const ra: Pick<RaCatalogueApi, 'getConsoleIds' | 'getGameList' | 'runWhenIdle'> = {
      runWhenIdle: (work) => work(),
      getConsoleIds: async () => consoles,
      // The first refresh's second request never answers.
      getGameList: (id) => (++listCalls === 2 ? new Promise(() => {}) : Promise.resolve([game(id * 10, id)])),
    };
    const store = new Store(openDatabase(':memory:'));
    const refresher = createCatalogueRefresher({
      ra,
      tables: store.catalogue,
      logger,
      now: () => new Date(v.now()),
      timers: v.timers,
      everyMs: 86_400_000,
      paceMs: 0,
      deadlineMs: 60_000,
      retryMs: 600_000,
    });
    try {
      refresher.start();
      await v.advance(59_000);
      expect(store.catalogue.refreshedAt()).toBeNull();
      expect(logs.join('')).not.toMatch(/deadline/);
      await v.advance(1_000);
      expect(logs.find((l) => l.includes('game catalogue refresh failed'))).toMatch(
        /abandoned at its deadline/,
      );
      // Tried again retryMs later; that one completes.
      await v.advance(599_000);
      expect(store.catalogue.refreshedAt()).toBeNull();
      await v.advance(1_000);
      expect(store.catalogue.refreshedAt()).not.toBeNull();
      expect(store.catalogue.consoles().map((c) => c.id)).toEqual([1, 2]);
      expect(listCalls).toBe(4);
    } finally {
      await refresher.stop();
      store.close();
    }
  });

  it('lets a new refresh start while an abandoned one is still stuck', async () => {
    const v = virtualTime(Date.UTC(2026, 0, 1));
    let stuck = true;
    const ra: Pick<RaCatalogueApi, 'getConsoleIds' | 'getGameList' | 'runWhenIdle'> = {
      runWhenIdle: (work) => work(),
      getConsoleIds: async () => consoles,
      getGameList: (id) => (stuck ? new Promise(() => {}) : Promise.resolve([game(id * 10, id)])),
    };
    const store = new Store(openDatabase(':memory:'));
    const refresher = createCatalogueRefresher({
      ra,
      tables: store.catalogue,
      logger: silentLogger(),
      now: () => new Date(v.now()),
      timers: v.timers,
      everyMs: 86_400_000,
      paceMs: 0,
      deadlineMs: 60_000,
    });
    try {
      const first = refresher.refresh();
      first.catch(() => undefined);
      await v.advance(60_000);
      await expect(first).rejects.toThrow(/deadline/);
      stuck = false;
      const second = refresher.refresh();
      expect(second).not.toBe(first);
      await v.advance(0);
      await expect(second).resolves.toMatchObject({ consoles: 2, games: 2 });
    } finally {
      await refresher.stop();
      store.close();
    }
  });
});
