/**
 * The tracking features: announcements (the outbox posted to Discord) and tracking (the poller,
 * the adaptive schedule that drives it, the follower watcher and the /link proofs that read it).
 */
import type { REST } from 'discord.js';
import type { AnnouncementExtras } from '../community/extras.js';
import type { Config } from '../config.js';
import { describe } from '../discord/router.js';
import type { Logger } from '../log.js';
import type { RaClient } from '../ra/client.js';
import type { RaUrls } from '../ra/urls.js';
import type { Store } from '../store/index.js';
import { STOP_BUDGET_MS, settlesWithin } from '../util/lifecycle.js';
import { createDispatcher, type DispatchObserver } from './dispatch.js';
import {
  createFollowerWatcher,
  type FollowerWatchIntervals,
  firstPageShare,
  followersShare,
  followerWatchIntervals,
  type WatchedList,
} from './followers.js';
import { createLinkProofs, noFollowerList } from './link-proof.js';
import { type CycleReport, createPoller, pollerUserConcurrency } from './poller.js';
import { type Schedule, scheduleJob } from './schedule.js';
import {
  createScheduleRunner,
  type ScheduleRunner,
  type ScheduleRunnerOptions,
  scheduleMaxInFlight,
  type TierCounts,
} from './schedule-runner.js';

/** How often pending announcements (retries, posts left by a crash) are looked at between polls. */
const DISPATCH_INTERVAL_MS = 15_000;

/**
 * Announcements: posts the outbox to Discord. `drain()` posts what is due now (never throws;
 * single-flight: a call while one runs joins it). Started before the features that queue
 * announcements, so it stops after them: its stop() is the last drain, when nothing queues more.
 */
export function createAnnouncements(options: {
  store: Store;
  rest: REST;
  /** Discord's preferred locale of a server: its posts' language until a manager picks one. */
  guildLocale: (guildId: string) => string | undefined;
  urls: RaUrls;
  logger: Logger;
  now: () => Date;
  observer: DispatchObserver | undefined;
}) {
  const { store, logger } = options;
  // This process is the only dispatcher: posts claimed by a previous run that died mid-post are
  // due now (their nonce makes a repeat harmless), not after the lease runs out.
  const released = store.releaseOutboxClaims();
  if (released > 0) logger.info({ released }, 'announcements interrupted by a restart are due again');
  const dispatcher = createDispatcher({
    store,
    rest: options.rest,
    guildLocale: options.guildLocale,
    urls: options.urls,
    logger: logger.child({ component: 'dispatch' }),
    now: options.now,
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const drain = (): Promise<void> =>
    dispatcher
      .drain()
      .then(() => undefined)
      .catch((error: unknown) => logger.error({ err: describe(error) }, 'outbox drain failed'));
  let timer: NodeJS.Timeout | undefined;

  return {
    name: 'announcements',
    dispatcher,
    drain,
    start() {
      timer = setInterval(drain, DISPATCH_INTERVAL_MS);
      timer.unref();
      // Anything left pending by a crash or restart goes out now, not at the next poll.
      void drain();
    },
    async stop() {
      clearInterval(timer);
      // A post stuck on a slow Discord is abandoned after a short wait: that is safe (an unmarked
      // post is released at the next start and its nonce makes the repeat harmless).
      if (!(await settlesWithin(dispatcher.drain(), STOP_BUDGET_MS))) {
        logger.warn('announcement posts still in flight at shutdown; they will be retried at the next start');
      }
    },
  };
}

/** How tracking reports progress (health and metrics: metrics/feature.ts). */
export interface TrackingObserver {
  /** A whole cycle finished (runCycle: tests and tools report like a round of the schedule). */
  cycleFinished(report: CycleReport): void;
  /** One poll of the schedule finished, or a tick found nobody to poll; `tiers` is read only if needed. */
  progressed(tiers: () => TierCounts): void;
  /** A POLL_CRON round reached every user. */
  roundFinished(report: { users: number; durationMs: number }): void;
}

export interface TrackingOverrides {
  /** Follower watcher read periods (tests use short ones). */
  followers?: Partial<FollowerWatchIntervals>;
  schedule?: Partial<Pick<ScheduleRunnerOptions, 'hotIntervalMs' | 'sessionMs' | 'maxInFlight'>>;
}

/**
 * Tracking: each POLL_CRON tick starts a round over every tracked user and reads the award feed;
 * the runner polls the users playing (and followers whose points moved) in between. What a poll
 * finds is queued in the outbox and handed to `announce` at once.
 */
export function createTracking(options: {
  config: Pick<
    Config,
    'RA_USERNAME' | 'RA_REQUESTS_PER_SECOND' | 'POLL_CRON' | 'ANNOUNCE_COLLAPSE_THRESHOLD'
  >;
  store: Store;
  ra: RaClient;
  logger: Logger;
  now: () => Date;
  extras: AnnouncementExtras;
  /** The poller saw new unlocks of a user in these games (arcade boards read their entries). */
  onActivity?: (ulid: string, gameIds: readonly number[]) => void;
  /** Posts queued announcements; not awaited (a slow Discord must not hold up polling). */
  announce: () => Promise<void>;
  observer: TrackingObserver;
  overrides?: TrackingOverrides;
}) {
  const { config, store, ra, logger, now, observer } = options;
  const poller = createPoller({
    store,
    ra,
    logger: logger.child({ component: 'poller' }),
    now,
    collapseThreshold: config.ANNOUNCE_COLLAPSE_THRESHOLD,
    userConcurrency: pollerUserConcurrency(config.RA_REQUESTS_PER_SECOND),
    extras: options.extras,
    // A watched user's current name comes with each list read: no profile read to check it.
    ...(config.RA_USERNAME
      ? {
          listedName: (ulid: string) => {
            const seen = [store.followers.listedName(ulid), store.following.listedName(ulid)];
            return seen.reduce((a, b) => (b !== null && (a === null || b.seenAt > a.seenAt) ? b : a), null);
          },
        }
      : {}),
    ...(options.onActivity ? { onActivity: options.onActivity } : {}),
    // runCycle (tests, tools) reports like a round of the schedule.
    observer: { cycleFinished: (report) => observer.cycleFinished(report) },
  });
  const runner: ScheduleRunner = createScheduleRunner({
    poller,
    ra,
    store,
    logger: logger.child({ component: 'schedule' }),
    now,
    maxInFlight: scheduleMaxInFlight(config.RA_REQUESTS_PER_SECOND),
    // Post what a poll found at once, not at the next dispatch timer. Not awaited: the outbox is
    // durable, and a hung Discord must not hold up polling.
    onEnqueued: () => void options.announce(),
    // Users on a follow list read lately: the list reports their points moving (no hot polling)
    // and their activity (no round poll while quiet). A list that can't be read watches nobody.
    watched: config.RA_USERNAME
      ? () =>
          new Set([
            ...(followers?.watching() ? store.followers.trackedUlids() : []),
            ...(following?.watching() ? store.following.trackedUlids() : []),
          ])
      : undefined,
    observer: {
      progressed: () => observer.progressed(() => runner.tiers()),
      roundFinished: (report) => observer.roundFinished(report),
    },
    ...options.overrides?.schedule,
  });
  // Two lists, one read budget: who follows the bot's RA account (RA_USERNAME; the admin tells
  // members to follow it), and whom it follows (an admin can follow tracked users from it);
  // followersShare says how they split it. Without RA_USERNAME everything still works, by
  // polling alone.
  // The counts are kept by the store until tracking or a list changes: cheap to ask per read.
  const trackedCounts = () => ({
    followers: store.followers.countTrackedFollowers(),
    following: store.following.countTrackedFollowers(),
  });
  const followersShareNow = () => {
    const counts = trackedCounts();
    return followersShare(counts.followers, counts.following);
  };
  const firstShareOf = (list: WatchedList) => () => {
    const counts = trackedCounts();
    return list === 'followers'
      ? firstPageShare(counts.followers, counts.following, list)
      : firstPageShare(counts.following, counts.followers, list);
  };
  // Both lists are read in the follower watcher's own lane: a share of the rate beside the
  // poller (ra/lanes.ts). Each read's points are stored for the all-time leaderboard (free: no
  // request of their own).
  const savePoints = (
    users: readonly { ulid: string | null; hardcorePoints: number; softcorePoints: number }[],
  ) =>
    store.leaderboard.savePoints(
      users.flatMap((f) =>
        f.ulid
          ? [
              {
                ulid: f.ulid.toUpperCase(),
                hardcorePoints: f.hardcorePoints,
                softcorePoints: f.softcorePoints,
              },
            ]
          : [],
      ),
    );
  const listReads = {
    async getUsersFollowingMe(o: Parameters<RaClient['getUsersFollowingMe']>[0]) {
      const page = await ra.runInBackground(() => ra.getUsersFollowingMe(o), 'followers');
      savePoints(page.followers);
      return page;
    },
    async getUsersIFollow(o: Parameters<RaClient['getUsersIFollow']>[0]) {
      const page = await ra.runInBackground(() => ra.getUsersIFollow(o), 'followers');
      savePoints(page.followed);
      return page;
    },
  };
  const watchList = (list: WatchedList) =>
    createFollowerWatcher({
      ra: listReads,
      list,
      followers: list === 'followers' ? store.followers : store.following,
      logger: logger.child({ component: list }),
      now,
      intervals: {
        ...followerWatchIntervals(config.RA_REQUESTS_PER_SECOND),
        ...options.overrides?.followers,
      },
      share: list === 'followers' ? followersShareNow : () => 1 - followersShareNow(),
      firstShare: firstShareOf(list),
      onPointsChanged: (ulids) => runner.pointsChanged(ulids),
      onActive: (ulids) => runner.seenActive(ulids),
    });
  const followers = config.RA_USERNAME ? watchList('followers') : null;
  const following = config.RA_USERNAME ? watchList('following') : null;
  // The /link proof reads the watcher's list: no RA request of its own. Without RA_USERNAME
  // /link refuses before a proof starts, so "never known" only matters for a watcher that fails.
  const linkProofs = createLinkProofs({
    store,
    followers: followers ?? noFollowerList,
    now,
    logger: logger.child({ component: 'links' }),
  });
  let cron: Schedule | undefined;

  return {
    name: 'tracking',
    poller,
    /** The adaptive schedule POLL_CRON ticks and follower changes drive. */
    runner,
    /** Null without RA_USERNAME. */
    followers,
    /** The users the bot's RA account follows; null without RA_USERNAME. */
    following,
    linkProofs,
    start() {
      runner.start();
      cron = scheduleJob(config.POLL_CRON, () => runner.tick(), logger);
      followers?.start();
      following?.start();
    },
    async stop() {
      // The watchers first: what they read starts polls.
      await settlesWithin(Promise.all([followers?.stop(), following?.stop()]), STOP_BUDGET_MS);
      // A poll stuck on a slow RA is abandoned after a short wait: that is safe (a failed poll
      // keeps its window for the next start). Closing the RA client is what ends it (and any
      // other RA request still waiting, e.g. a catalogue refresh).
      const polling = Promise.all([cron?.stop(), runner.stop()]);
      if (!(await settlesWithin(polling, STOP_BUDGET_MS))) {
        logger.warn('poll cycle still running at shutdown; abandoning it');
        await ra.close();
        await settlesWithin(polling, STOP_BUDGET_MS);
      }
      linkProofs.stop();
    },
  };
}

export type Tracking = ReturnType<typeof createTracking>;
