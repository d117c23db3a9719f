/**
 * The community features: weekly digests, the Achievement of the Week, RA totals (one background
 * tick a minute), and the extras they add to the poller's announcements (award milestones, AotW
 * marks).
 */
import { describe } from '../discord/router.js';
import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import type { Store } from '../store/index.js';
import { STOP_BUDGET_MS, settlesWithin } from '../util/lifecycle.js';
import { createAotwService } from './aotw.js';
import { createAnnouncementExtras } from './extras.js';
import { createCommunityJobs } from './jobs.js';

/** How often the community background work runs (digests due, AotW hourly, a few RA totals). */
const COMMUNITY_TICK_MS = 60_000;

export function createCommunity(options: {
  store: Store;
  ra: RaClient;
  logger: Logger;
  now: () => Date;
  /** Posts what a tick queued (digests, AotW posts). */
  announce: () => Promise<void>;
  /** Null: no timer (tests call `jobs.tick()`); default COMMUNITY_TICK_MS. */
  tickMs?: number | null;
}) {
  const { store, ra, logger, now } = options;
  const aotw = createAotwService({ store, ra, logger: logger.child({ component: 'aotw' }), now });
  const jobs = createCommunityJobs({
    store,
    ra,
    logger: logger.child({ component: 'community' }),
    now,
    aotw,
  });
  const extras = createAnnouncementExtras({
    ra,
    logger: logger.child({ component: 'poller' }),
    currentAotw: () => {
      const current = aotw.current();
      return (
        current && {
          achievementId: current.achievement.id,
          startAt: current.startAt ? Date.parse(current.startAt) : null,
        }
      );
    },
  });
  const tickMs = options.tickMs === undefined ? COMMUNITY_TICK_MS : options.tickMs;
  let timer: NodeJS.Timeout | null = null;

  return {
    name: 'community',
    jobs,
    /** For the poller's announcements. */
    extras,
    start() {
      if (tickMs === null) return;
      timer = setInterval(() => {
        jobs
          .tick()
          .then(() => options.announce())
          .catch((error: unknown) => logger.error({ err: describe(error) }, 'community tick failed'));
      }, tickMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await settlesWithin(jobs.idle(), STOP_BUDGET_MS);
    },
  };
}
