import { createCommands } from '../commands/index.js';
import { type Arcade, createArcade } from './arcade/feature.js';
import { type CatalogueRefresher, createCatalogueRefresher } from './catalogue/refresh.js';
import { createCatalogue } from './catalogue/search.js';
import { type Challenges, createChallenges } from './challenges/feature.js';
import { createAotwService } from './community/aotw.js';
import { createAnnouncementExtras } from './community/extras.js';
import { type CommunityJobs, createCommunityJobs } from './community/jobs.js';
import type { Config } from './config.js';
import { createDiscordClient, gatewayConnected, loginAndWaitReady } from './discord/client.js';
import type { CommandContext } from './discord/command.js';
import { reconcileGuilds, watchGuildRemovals } from './discord/guild-lifecycle.js';
import { COMMANDS_HASH_META_KEY, commandsHash, registerCommands } from './discord/register.js';
import { createInteractionRouter, describe } from './discord/router.js';
import type { Logger } from './log.js';
import { createHealthMonitor, heartbeatPath } from './metrics/health.js';
import { type MetricsServer, startMetricsServer } from './metrics/server.js';
import { createRaClient, type RaClientOptions } from './ra/client.js';
import { raClientOptions } from './ra/from-config.js';
import { fetchImage } from './ra/media.js';
import { createRaUrls } from './ra/urls.js';
import { type BadgeGridOptions, createBadgeGridRenderer } from './render/badges.js';
import { openDatabase } from './store/db.js';
import { databaseWriteProbe, outboxStateCounts } from './store/health.js';
import { Store } from './store/index.js';
import { createDispatcher } from './tracking/dispatch.js';
import {
  createFollowerWatcher,
  type FollowerWatcher,
  type FollowerWatchIntervals,
  followerWatchIntervals,
} from './tracking/followers.js';
import { createLinkProofs, type LinkProofs } from './tracking/link-proof.js';
import { createPoller, pollerUserConcurrency } from './tracking/poller.js';
import { scheduleJob } from './tracking/schedule.js';
import {
  createScheduleRunner,
  type ScheduleRunner,
  type ScheduleRunnerOptions,
  scheduleMaxInFlight,
} from './tracking/schedule-runner.js';
import { orAfter } from './util/deadline.js';

/** How often pending announcements (retries, posts left by a crash) are looked at between polls. */
const DISPATCH_INTERVAL_MS = 15_000;
const LOGIN_TIMEOUT_MS = 60_000;
/** How long shutdown waits for a running poll, then for running posts, before abandoning them. */
const STOP_BUDGET_MS = 5_000;

/** True when `work` settled within `ms` (its failure counts as settled: shutdown goes on). */
function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  return orAfter(
    work.then(
      () => true,
      () => true,
    ),
    ms,
    false,
  );
}

/**
 * Tuning that is not configuration: tests use it for a small RA retry budget or a faster badge
 * timeout. Production passes nothing and gets the defaults.
 */
export interface StartBotOverrides {
  ra?: Partial<
    Pick<RaClientOptions, 'maxRetries' | 'baseBackoffMs' | 'maxConcurrency' | 'random' | 'memberAllowance'>
  >;
  badges?: Partial<BadgeGridOptions>;
  /** Follower watcher read periods (tests use short ones). */
  followers?: Partial<FollowerWatchIntervals>;
  schedule?: Partial<Pick<ScheduleRunnerOptions, 'hotIntervalMs' | 'sessionMs' | 'maxInFlight'>>;
  /** Pause between catalogue requests (default 2 s; tests use 0). */
  cataloguePaceMs?: number;
  /** Community background tick (digests, AotW, RA totals); null: no timer (tests call `community.tick()`). */
  communityTickMs?: number | null;
  /** Competition ticks (challenge results, race podiums); null: no timer (tests call `challenges.tick()`, `arcade.tick()`). */
  challengeTickMs?: number | null;
}

/** How often the community background work runs (digests due, AotW hourly, a few RA totals). */
const COMMUNITY_TICK_MS = 60_000;

export interface RunningBot {
  stop(): Promise<void>;
  readonly poller: ReturnType<typeof createPoller>;
  readonly dispatcher: ReturnType<typeof createDispatcher>;
  readonly store: Store;
  readonly linkProofs: LinkProofs;
  /** Null without RA_USERNAME. */
  readonly followers: FollowerWatcher | null;
  /** The adaptive schedule POLL_CRON ticks and follower changes drive. */
  readonly schedule: ScheduleRunner;
  readonly catalogue: CatalogueRefresher;
  readonly community: CommunityJobs;
  readonly challenges: Challenges;
  readonly arcade: Arcade;
  /** Where /healthz and /metrics listen; null when METRICS_PORT is unset. */
  readonly metricsAddress: { host: string; port: number } | null;
}

/**
 * The composition root: database -> RA client -> Discord client -> commands -> poller and
 * dispatcher. Everything is created here and handed down; nothing opens sockets on import.
 */
export async function startBot(
  config: Config,
  logger: Logger,
  now: () => Date = () => new Date(),
  overrides: StartBotOverrides = {},
): Promise<RunningBot> {
  const startedAt = performance.now();
  const store = new Store(openDatabase(config.DATABASE_PATH));
  // This process is the only dispatcher: posts claimed by a previous run that died mid-post are
  // due now (their nonce makes a repeat harmless), not after the lease runs out.
  const released = store.releaseOutboxClaims();
  if (released > 0) logger.info({ released }, 'announcements interrupted by a restart are due again');
  // Metrics only when someone can read them; health (and its heartbeat file) always.
  // prom-client is only loaded when metrics are on: it costs start-up time otherwise.
  const metrics =
    config.METRICS_PORT === undefined
      ? undefined
      : (await import('./metrics/metrics.js')).createMetrics({ now });
  metrics?.setOutboxSource(() => outboxStateCounts(store.db, now().getTime()));
  const ra = createRaClient({
    ...raClientOptions(config, logger.child({ component: 'ra' })),
    now: () => now().getTime(),
    ...overrides.ra,
    ...(metrics ? { observer: metrics.ra } : {}),
  });
  const urls = createRaUrls({ mediaUrl: config.RA_MEDIA_URL, siteUrl: config.RA_SITE_URL });
  const badges = createBadgeGridRenderer({ fetchImage, ...overrides.badges });
  const client = createDiscordClient({
    apiUrl: config.DISCORD_API_URL,
    logger: logger.child({ component: 'discord' }),
  });
  const health = createHealthMonitor({
    gatewayConnected: () => gatewayConnected(client),
    writeProbe: () => databaseWriteProbe(store.db, now().getTime()),
    pollCron: config.POLL_CRON,
    now,
    ...(config.DATABASE_PATH === ':memory:' ? {} : { heartbeatPath: heartbeatPath(config.DATABASE_PATH) }),
    logger,
  });

  // The follower watcher needs to know whom RA_USERNAME names (the admin tells members to follow
  // it); without it everything still works, by polling alone.
  const followers = config.RA_USERNAME
    ? createFollowerWatcher({
        ra,
        followers: store.followers,
        logger: logger.child({ component: 'followers' }),
        now,
        intervals: { ...followerWatchIntervals(config.RA_REQUESTS_PER_SECOND), ...overrides.followers },
        onPointsChanged: (ulids) => runner.pointsChanged(ulids),
      })
    : null;
  // The /link proof reads the watcher's list: no RA request of its own. Without RA_USERNAME
  // /link refuses before a proof starts, so "never known" only matters for a watcher that fails.
  const linkProofs = createLinkProofs({
    store,
    followers: {
      isFollower: (ulid) => followers?.isFollower(ulid) ?? null,
      lastListedAt: (ulid) => store.followerListedAt(ulid),
    },
    now,
    logger: logger.child({ component: 'links' }),
  });
  const ctx: CommandContext = {
    config,
    store,
    ra,
    urls,
    badges,
    logger: logger.child({ component: 'commands' }),
    now,
    linkProofs,
    ...(followers ? { followers } : {}),
    catalogue: createCatalogue(store.catalogue),
  };
  const catalogue = createCatalogueRefresher({
    ra,
    tables: store.catalogue,
    logger: logger.child({ component: 'catalogue' }),
    now,
    everyMs: config.CATALOGUE_REFRESH_HOURS * 3_600_000,
    ...(overrides.cataloguePaceMs === undefined ? {} : { paceMs: overrides.cataloguePaceMs }),
  });
  const commands = createCommands();
  const definitions = commands.map((c) => c.data);
  const route = createInteractionRouter(commands, ctx);
  client.on('interactionCreate', (interaction) => {
    route(interaction).catch((error: unknown) =>
      logger.error({ err: describe(error) }, 'interaction routing failed'),
    );
  });

  const challenges = createChallenges({
    store,
    logger: logger.child({ component: 'challenges' }),
    now,
    ...(overrides.challengeTickMs === undefined ? {} : { tickMs: overrides.challengeTickMs }),
    onQueued: () => void drain(),
  });
  ctx.challenges = challenges;
  const arcade = createArcade({
    store,
    ra,
    logger: logger.child({ component: 'arcade' }),
    now,
    onQueued: () => void drain(),
  });
  ctx.arcade = arcade;
  const aotw = createAotwService({ store, ra, logger: logger.child({ component: 'aotw' }), now });
  const community = createCommunityJobs({
    store,
    ra,
    logger: logger.child({ component: 'community' }),
    now,
    aotw,
  });
  const poller = createPoller({
    store,
    ra,
    logger: logger.child({ component: 'poller' }),
    now,
    collapseThreshold: config.ANNOUNCE_COLLAPSE_THRESHOLD,
    userConcurrency: pollerUserConcurrency(config.RA_REQUESTS_PER_SECOND),
    onActivity: (ulid, gameIds) => arcade.gamesPlayed(ulid, gameIds),
    extras: challenges.withNotes(
      createAnnouncementExtras({
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
      }),
    ),
    // runCycle (tests, tools) reports like a round of the schedule.
    observer: {
      cycleFinished(report) {
        metrics?.poll.cycleFinished?.(report);
        health.cycleFinished(report);
      },
    },
  });
  const runner: ScheduleRunner = createScheduleRunner({
    poller,
    ra,
    store,
    logger: logger.child({ component: 'schedule' }),
    now,
    maxInFlight: scheduleMaxInFlight(config.RA_REQUESTS_PER_SECOND),
    // Post what a poll found at once, not at the next dispatch timer (drain is set up below,
    // before the runner starts).
    onEnqueued: () => void drain(),
    observer: {
      // Healthy while polls keep finishing (a round of 1,000 users at 1 request/s outlasts any
      // sensible POLL_CRON, so "the last round finished" alone would flag a working bot).
      progressed() {
        health.cycleFinished({ durationMs: 0 });
        metrics?.setUsersPerTier({ ...runner.tiers() });
      },
      roundFinished(report) {
        metrics?.poll.roundFinished(report.durationMs);
      },
    },
    ...overrides.schedule,
  });
  ctx.polling = runner;
  const dispatcher = createDispatcher({
    store,
    rest: client.rest,
    guildLocale: (guildId) => client.guilds.cache.get(guildId)?.preferredLocale,
    urls,
    logger: logger.child({ component: 'dispatch' }),
    now,
    ...(metrics ? { observer: metrics.dispatch } : {}),
  });

  let stopped = false;
  let metricsServer: MetricsServer | undefined;
  const cleanup = async () => {
    await catalogue.stop();
    health.stop();
    await metricsServer?.close();
    // All of them: a deliberate destroy() must not log "reconnecting" or route late interactions.
    client.removeAllListeners();
    linkProofs.stop();
    await client.destroy();
    await ra.close();
    store.close();
  };
  try {
    await loginAndWaitReady(client, config.DISCORD_TOKEN, LOGIN_TIMEOUT_MS);
    if (metrics) {
      for (const shard of client.ws.shards.values()) {
        shard.on('close', (event: { code: number }) => metrics.gatewayClosed(event.code));
      }
      metricsServer = await startMetricsServer({
        host: config.METRICS_HOST,
        port: config.METRICS_PORT!,
        registry: metrics.registry,
        health: () => health.check(),
        logger: logger.child({ component: 'metrics' }),
      });
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  health.start();

  if (config.REGISTER_COMMANDS) {
    const applicationId = client.application!.id;
    const hash = commandsHash(applicationId, definitions, config.DEV_GUILD_ID);
    if (store.getMeta(COMMANDS_HASH_META_KEY) === hash) {
      logger.debug('slash commands unchanged; not re-registering');
    } else {
      const count = await registerCommands({
        rest: client.rest,
        applicationId,
        definitions,
        guildId: config.DEV_GUILD_ID,
      });
      store.setMeta(COMMANDS_HASH_META_KEY, hash);
      logger.info(
        { count, scope: config.DEV_GUILD_ID ? `guild ${config.DEV_GUILD_ID}` : 'global' },
        'slash commands registered',
      );
    }
  }

  // Servers the bot was removed from while offline, then any removal from now on.
  reconcileGuilds(client, store, logger);
  watchGuildRemovals(client, store, logger);

  const drain = () =>
    dispatcher
      .drain()
      .catch((error: unknown) => logger.error({ err: describe(error) }, 'outbox drain failed'));
  // Each POLL_CRON tick starts a round over every tracked user and reads the award feed; the
  // runner polls the users playing (and followers whose points moved) in between. Drains are
  // not awaited: a slow or hung Discord must not hold up polling (the outbox is durable, and
  // drains are single-flight: a later call joins a running one).
  runner.start();
  const schedule = scheduleJob(config.POLL_CRON, () => runner.tick(), logger);
  followers?.start();
  challenges.start();
  arcade.start();
  const dispatchTimer = setInterval(drain, DISPATCH_INTERVAL_MS);
  dispatchTimer.unref();
  const communityTickMs =
    overrides.communityTickMs === undefined ? COMMUNITY_TICK_MS : overrides.communityTickMs;
  const communityTimer =
    communityTickMs === null
      ? null
      : setInterval(() => {
          community
            .tick()
            .then(() => drain())
            .catch((error: unknown) => logger.error({ err: describe(error) }, 'community tick failed'));
        }, communityTickMs);
  communityTimer?.unref();
  // Anything left pending by a crash or restart goes out now, not at the next poll.
  void drain();
  // Built (or brought up to date) in the background at the lowest RA priority: ready now.
  if (config.CATALOGUE_REFRESH_HOURS > 0) catalogue.start();

  logger.info(
    {
      user: client.user?.tag,
      guilds: client.guilds.cache.size,
      shards: client.ws.shards.size,
      trackedUsers: store.listPollTargets().length,
      pollCron: config.POLL_CRON,
      startupMs: Math.round(performance.now() - startedAt),
    },
    'cheevobot ready',
  );

  return {
    poller,
    dispatcher,
    store,
    linkProofs,
    followers,
    schedule: runner,
    catalogue,
    community,
    challenges,
    arcade,
    metricsAddress: metricsServer ? { host: metricsServer.host, port: metricsServer.port } : null,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(dispatchTimer);
      await within(followers?.stop() ?? Promise.resolve(), STOP_BUDGET_MS);
      if (communityTimer) clearInterval(communityTimer);
      challenges.stop();
      arcade.stop();
      await within(arcade.idle(), STOP_BUDGET_MS);
      await within(community.idle(), STOP_BUDGET_MS);
      // A poll or a post stuck on a slow RA or Discord is abandoned after a short wait: that is
      // safe (a failed poll keeps its window; an unmarked post is released at the next start and
      // its nonce makes the repeat harmless), and shutdown stays well within a supervisor's limit.
      const polling = Promise.all([schedule.stop(), runner.stop()]);
      if (!(await within(polling, STOP_BUDGET_MS))) {
        logger.warn('poll cycle still running at shutdown; abandoning it');
        await ra.close();
        await within(polling, STOP_BUDGET_MS);
      }
      if (!(await within(dispatcher.drain(), STOP_BUDGET_MS))) {
        logger.warn('announcement posts still in flight at shutdown; they will be retried at the next start');
      }
      await cleanup();
    },
  };
}
