/**
 * The game catalogue: a local copy of RA's game lists (refreshed every CATALOGUE_REFRESH_HOURS in
 * the RA client's idle lane; 0 turns the refresh off) and the search the commands use over it.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { type CatalogueRefresherOptions, createCatalogueRefresher } from './refresh.js';
import { createCatalogue } from './search.js';

export function createCatalogueFeature(options: {
  config: Pick<Config, 'CATALOGUE_REFRESH_HOURS'>;
  store: Store;
  ra: CatalogueRefresherOptions['ra'];
  logger: Logger;
  now: () => Date;
  /** Pause between catalogue requests (default 2 s; tests use 0). */
  paceMs?: number;
}) {
  const { config, store } = options;
  const refresher = createCatalogueRefresher({
    ra: options.ra,
    tables: store.catalogue,
    logger: options.logger.child({ component: 'catalogue' }),
    now: options.now,
    everyMs: config.CATALOGUE_REFRESH_HOURS * 3_600_000,
    ...(options.paceMs === undefined ? {} : { paceMs: options.paceMs }),
  });
  return {
    name: 'catalogue',
    refresher,
    search: createCatalogue(store.catalogue),
    // Built (or brought up to date) in the background at the lowest RA priority: ready at once.
    start() {
      if (config.CATALOGUE_REFRESH_HOURS > 0) refresher.start();
    },
    // Never waits: a refresh waiting on RA ends when the RA client closes, unshown.
    stop: () => refresher.stop(),
  };
}

export type CatalogueFeature = ReturnType<typeof createCatalogueFeature>;
