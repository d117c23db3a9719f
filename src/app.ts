import { createCommands } from '../commands/index.js';
import { type Arcade, createArcade } from './arcade/feature.js';
import { type CatalogueFeature, createCatalogueFeature } from './catalogue/feature.js';
import type { CatalogueRefresher } from './catalogue/refresh.js';
import { type Challenges, createChallenges } from './challenges/feature.js';
import { createCommunity } from './community/feature.js';
import type { CommunityJobs } from './community/jobs.js';
import type { Config } from './config.js';
import type { CommandContext } from './discord/command.js';
import { createCommandsFeature, createDiscord } from './discord/feature.js';
import type { Logger } from './log.js';
import { createObservability } from './metrics/feature.js';
import { createRaClient, type RaClientOptions } from './ra/client.js';
import { raClientOptions } from './ra/from-config.js';
import { fetchImage } from './ra/media.js';
import { createRaUrls, type RaUrls } from './ra/urls.js';
import { type BadgeGridOptions, createBadgeGridRenderer } from './render/badges.js';
import { openDatabase } from './store/db.js';
import { Store } from './store/index.js';
import type { createDispatcher } from './tracking/dispatch.js';
import {
  createAnnouncements,
  createTracking,
  type Tracking,
  type TrackingOverrides,
} from './tracking/feature.js';
import type { FollowerWatcher } from './tracking/followers.js';
import type { LinkProofs } from './tracking/link-proof.js';
import type { createPoller } from './tracking/poller.js';
import type { ScheduleRunner } from './tracking/schedule-runner.js';
import {
  type Feature,
  STOP_BUDGET_MS,
  settlesWithin,
  startInOrder,
  stopInReverse,
} from './util/lifecycle.js';

/**
 * Tuning that is not configuration: tests use it for a small RA retry budget or a faster badge
 * timeout. Production passes nothing and gets the defaults.
 */
export interface StartBotOverrides extends TrackingOverrides {
  ra?: Partial<
    Pick<RaClientOptions, 'maxRetries' | 'baseBackoffMs' | 'maxConcurrency' | 'random' | 'memberAllowance'>
  >;
  badges?: Partial<BadgeGridOptions>;
  /** Pause between catalogue requests (default 2 s; tests use 0). */
  cataloguePaceMs?: number;
  /** Community background tick (digests, AotW, RA totals); null: no timer (tests call `community.tick()`). */
  communityTickMs?: number | null;
  /** Competition ticks (challenge results, race podiums); null: no timer (tests call `challenges.tick()`, `arcade.tick()`). */
  challengeTickMs?: number | null;
}

export interface RunningBot {
  stop(): Promise<void>;
  readonly poller: ReturnType<typeof createPoller>;
  readonly dispatcher: ReturnType<typeof createDispatcher>;
  readonly store: Store;
  readonly linkProofs: LinkProofs;
  /** Null without RA_USERNAME. */
  readonly followers: FollowerWatcher | null;
  /** The users the bot's RA account follows; null without RA_USERNAME. */
  readonly following: FollowerWatcher | null;
  /** The adaptive schedule POLL_CRON ticks and follower changes drive. */
  readonly schedule: ScheduleRunner;
  readonly catalogue: CatalogueRefresher;
  readonly community: CommunityJobs;
  readonly challenges: Challenges;
  readonly arcade: Arcade;
  /** Where /healthz and /metrics listen; null when METRICS_PORT is unset. */
  readonly metricsAddress: { host: string; port: number } | null;
}

/** A resource with nothing to start that must be closed at the right point of shutdown. */
function closedAtStop(name: string, close: () => void | Promise<void>): Feature {
  return { name, start() {}, stop: close };
}

/** What every command handler gets: the services, and what tracking and the catalogue know. */
function commandContext(
  config: Config,
  now: () => Date,
  overrides: StartBotOverrides,
  parts: {
    store: Store;
    ra: CommandContext['ra'];
    logger: Logger;
    urls: RaUrls;
    tracking: Tracking;
    catalogue: CatalogueFeature;
    challenges: Challenges;
    arcade: Arcade;
  },
): CommandContext {
  const { tracking } = parts;
  return {
    config,
    store: parts.store,
    ra: parts.ra,
    urls: parts.urls,
    badges: createBadgeGridRenderer({ fetchImage, ...overrides.badges }),
    logger: parts.logger.child({ component: 'commands' }),
    now,
    linkProofs: tracking.linkProofs,
    ...(tracking.followers ? { followers: tracking.followers } : {}),
    ...(tracking.following ? { following: tracking.following } : {}),
    catalogue: parts.catalogue.search,
    polling: tracking.runner,
    challenges: parts.challenges,
    arcade: parts.arcade,
  };
}

/**
 * Makes every feature, each from the ones made before it (nothing starts here: no timer, no
 * log-in, no request), and lists them in start order.
 */
async function assemble(config: Config, logger: Logger, now: () => Date, overrides: StartBotOverrides) {
  const store = new Store(openDatabase(config.DATABASE_PATH));
  const discord = createDiscord({ config, logger, now });
  const observability = await createObservability({ config, store, gateway: discord.gateway, now, logger });
  const ra = createRaClient({
    ...raClientOptions(config, logger.child({ component: 'ra' })),
    now: () => now().getTime(),
    ...overrides.ra,
    observer: observability.raObserver,
  });
  const urls = createRaUrls({ mediaUrl: config.RA_MEDIA_URL, siteUrl: config.RA_SITE_URL });
  const shared = { store, ra, logger, now };
  const announcements = createAnnouncements({
    store,
    logger,
    now,
    rest: discord.client.rest,
    guildLocale: (guildId) => discord.client.guilds.cache.get(guildId)?.preferredLocale,
    urls,
    observer: observability.dispatchObserver,
  });
  const community = createCommunity({
    ...shared,
    announce: announcements.drain,
    tickMs: overrides.communityTickMs,
  });
  // Competitions: challenge results and votes, arcade boards and races; their posts go through
  // the outbox like announcements.
  const challenges = createChallenges({
    store,
    logger: logger.child({ component: 'challenges' }),
    now,
    ...(overrides.challengeTickMs === undefined ? {} : { tickMs: overrides.challengeTickMs }),
    onQueued: () => void announcements.drain(),
  });
  const arcade = createArcade({
    store,
    ra,
    logger: logger.child({ component: 'arcade' }),
    now,
    onQueued: () => void announcements.drain(),
  });
  const tracking = createTracking({
    ...shared,
    config,
    extras: challenges.withNotes(community.extras),
    onActivity: (ulid, gameIds) => arcade.gamesPlayed(ulid, gameIds),
    announce: announcements.drain,
    observer: observability.polling,
    overrides,
  });
  const catalogue = createCatalogueFeature({ ...shared, config, paceMs: overrides.cataloguePaceMs });
  const commands = createCommandsFeature({
    client: discord.client,
    commands: createCommands(),
    ctx: commandContext(config, now, overrides, { ...shared, urls, tracking, catalogue, challenges, arcade }),
    store,
    config,
    logger,
  });

  // Start order. Shutdown runs it backwards, and that order is what keeps its guarantees:
  // - catalogue: its refresh is aborted, never waited for;
  // - community, then tracking: everything that queues announcements stops (a running community
  //   tick gets STOP_BUDGET_MS; the follower watcher and the polls too, then the RA client is
  //   closed under a stuck poll and it gets STOP_BUDGET_MS more);
  // - announcements: only then the last drain (STOP_BUDGET_MS; what it can't finish is released
  //   and re-posted with the same nonce at the next start);
  // - health and metrics answer until the work has stopped; the Discord client goes after the
  //   last post; the RA client after everything that reads RA; the database last of all.
  const features: Feature[] = [
    closedAtStop('database', () => store.close()),
    closedAtStop('RA client', () => ra.close()),
    discord, // log-in: a failure stops the start here, with the database and RA client closed
    observability,
    commands,
    announcements,
    tracking,
    community,
    { name: 'challenges', start: () => challenges.start(), stop: () => challenges.stop() },
    {
      name: 'arcade',
      start: () => arcade.start(),
      // Entry reads in flight get STOP_BUDGET_MS, as a community tick does.
      async stop() {
        arcade.stop();
        await settlesWithin(arcade.idle(), STOP_BUDGET_MS);
      },
    },
    catalogue,
  ];
  return {
    features,
    store,
    client: discord.client,
    observability,
    announcements,
    tracking,
    community,
    catalogue,
    challenges,
    arcade,
  };
}

type Assembled = Awaited<ReturnType<typeof assemble>>;

function logReady(logger: Logger, config: Config, bot: Assembled, startedAt: number): void {
  logger.info(
    {
      user: bot.client.user?.tag,
      guilds: bot.client.guilds.cache.size,
      shards: bot.client.ws.shards.size,
      trackedUsers: bot.store.listPollTargets().length,
      pollCron: config.POLL_CRON,
      startupMs: Math.round(performance.now() - startedAt),
    },
    'cheevobot ready',
  );
}

/**
 * The composition root: makes the features, starts them in order (a start that fails stops those
 * already started, in reverse, and throws), and stops them in reverse on `stop()`. Everything is
 * created here and handed down; nothing opens sockets on import.
 */
export async function startBot(
  config: Config,
  logger: Logger,
  now: () => Date = () => new Date(),
  overrides: StartBotOverrides = {},
): Promise<RunningBot> {
  const startedAt = performance.now();
  const bot = await assemble(config, logger, now, overrides);
  await startInOrder(bot.features);
  logReady(logger, config, bot, startedAt);

  let stopped = false;
  return {
    poller: bot.tracking.poller,
    dispatcher: bot.announcements.dispatcher,
    store: bot.store,
    linkProofs: bot.tracking.linkProofs,
    followers: bot.tracking.followers,
    following: bot.tracking.following,
    schedule: bot.tracking.runner,
    catalogue: bot.catalogue.refresher,
    community: bot.community.jobs,
    challenges: bot.challenges,
    arcade: bot.arcade,
    metricsAddress: bot.observability.address(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopInReverse(bot.features);
    },
  };
}
