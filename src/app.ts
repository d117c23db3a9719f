import { createCommands } from '../commands/index.js';
import type { Config } from './config.js';
import { createDiscordClient, loginAndWaitReady } from './discord/client.js';
import type { CommandContext } from './discord/command.js';
import { commandsHash, registerCommands } from './discord/register.js';
import { createInteractionRouter, describe } from './discord/router.js';
import type { Logger } from './log.js';
import { createRaClient } from './ra/client.js';
import { createRaUrls } from './ra/urls.js';
import { createBadgeGridRenderer, fetchImage } from './render/badges.js';
import { openDatabase } from './store/db.js';
import { Store } from './store/index.js';
import { createDispatcher } from './tracking/dispatch.js';
import { createPoller } from './tracking/poller.js';
import { scheduleJob } from './tracking/schedule.js';

/** How often pending announcements (retries, posts left by a crash) are looked at between polls. */
const DISPATCH_INTERVAL_MS = 15_000;
const LOGIN_TIMEOUT_MS = 60_000;

export interface RunningBot {
  stop(): Promise<void>;
  readonly poller: ReturnType<typeof createPoller>;
  readonly dispatcher: ReturnType<typeof createDispatcher>;
  readonly store: Store;
}

/**
 * The composition root: database -> RA client -> Discord client -> commands -> poller and
 * dispatcher. Everything is created here and handed down; nothing opens sockets on import.
 */
export async function startBot(
  config: Config,
  logger: Logger,
  now: () => Date = () => new Date(),
): Promise<RunningBot> {
  const startedAt = performance.now();
  const store = new Store(openDatabase(config.DATABASE_PATH));
  const ra = createRaClient({
    apiUrl: config.RA_API_URL,
    apiKey: config.RA_API_KEY,
    username: config.RA_USERNAME,
    requestsPerSecond: config.RA_REQUESTS_PER_SECOND,
    timeoutMs: config.RA_TIMEOUT_MS,
    logger: logger.child({ component: 'ra' }),
  });
  const urls = createRaUrls({ mediaUrl: config.RA_MEDIA_URL, siteUrl: config.RA_SITE_URL });
  const badges = createBadgeGridRenderer({ fetchImage });
  const client = createDiscordClient({
    apiUrl: config.DISCORD_API_URL,
    logger: logger.child({ component: 'discord' }),
  });

  const ctx: CommandContext = {
    config,
    store,
    ra,
    urls,
    badges,
    logger: logger.child({ component: 'commands' }),
    now,
  };
  const commands = createCommands();
  const definitions = commands.map((c) => c.data);
  const route = createInteractionRouter(commands, ctx);
  client.on('interactionCreate', (interaction) => {
    route(interaction).catch((error: unknown) =>
      logger.error({ err: describe(error) }, 'interaction routing failed'),
    );
  });

  const poller = createPoller({
    store,
    ra,
    logger: logger.child({ component: 'poller' }),
    now,
    collapseThreshold: config.ANNOUNCE_COLLAPSE_THRESHOLD,
  });
  const dispatcher = createDispatcher({
    store,
    rest: client.rest,
    urls,
    logger: logger.child({ component: 'dispatch' }),
    now,
  });

  let stopped = false;
  const cleanup = async () => {
    client.removeAllListeners('interactionCreate');
    await client.destroy();
    await ra.close();
    store.close();
  };
  try {
    await loginAndWaitReady(client, config.DISCORD_TOKEN, LOGIN_TIMEOUT_MS);
  } catch (error) {
    await cleanup();
    throw error;
  }

  if (config.REGISTER_COMMANDS) {
    const hash = commandsHash(definitions, config.DEV_GUILD_ID);
    if (store.getMeta('commands_hash') === hash) {
      logger.debug('slash commands unchanged; not re-registering');
    } else {
      const count = await registerCommands({
        rest: client.rest,
        applicationId: client.application!.id,
        definitions,
        guildId: config.DEV_GUILD_ID,
      });
      store.setMeta('commands_hash', hash);
      logger.info(
        { count, scope: config.DEV_GUILD_ID ? `guild ${config.DEV_GUILD_ID}` : 'global' },
        'slash commands registered',
      );
    }
  }

  const drain = () =>
    dispatcher
      .drain()
      .catch((error: unknown) => logger.error({ err: describe(error) }, 'outbox drain failed'));
  const schedule = scheduleJob(
    config.POLL_CRON,
    async () => {
      await poller.runCycle();
      await drain();
    },
    logger,
  );
  const dispatchTimer = setInterval(drain, DISPATCH_INTERVAL_MS);
  dispatchTimer.unref();
  // Anything left pending by a crash or restart goes out now, not at the next poll.
  void drain();

  logger.info(
    {
      user: client.user?.tag,
      guilds: client.guilds.cache.size,
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
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(dispatchTimer);
      await schedule.stop();
      await dispatcher.drain().catch(() => undefined);
      await cleanup();
    },
  };
}
