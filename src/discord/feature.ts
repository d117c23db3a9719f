/**
 * The Discord features: the gateway client (log in, log out) and the slash commands on it
 * (routing, registration, servers joined and left).
 */
import type { Client } from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { Feature } from '../util/lifecycle.js';
import { createDiscordClient, gatewayConnected, loginAndWaitReady } from './client.js';
import type { Command, CommandContext } from './command.js';
import { reconcileGuilds, watchGuildRemovals } from './guild-lifecycle.js';
import { COMMANDS_HASH_META_KEY, commandsHash, registerCommands } from './register.js';
import { createInteractionRouter, describe } from './router.js';

const LOGIN_TIMEOUT_MS = 60_000;

/** What health and metrics see of the gateway. */
export interface GatewayView {
  connected(): boolean;
  /** Calls `listener` with the close code whenever a gateway connection closes (from start on). */
  onClose(listener: (code: number) => void): void;
}

export interface DiscordFeature extends Feature {
  readonly client: Client;
  readonly gateway: GatewayView;
}

/** The client; start() logs in and resolves once every server has arrived. */
export function createDiscord(options: {
  config: Pick<Config, 'DISCORD_API_URL' | 'DISCORD_TOKEN'>;
  logger: Logger;
  /** The bot's clock: how long a channel-permission answer is kept (discord/channel-access.ts). */
  now: () => Date;
}): DiscordFeature {
  const { config, now } = options;
  const client = createDiscordClient({
    apiUrl: config.DISCORD_API_URL,
    logger: options.logger.child({ component: 'discord' }),
    now: () => now().getTime(),
  });
  return {
    name: 'discord',
    client,
    gateway: {
      connected: () => gatewayConnected(client),
      onClose(listener) {
        for (const shard of client.ws.shards.values()) {
          shard.on('close', (event: { code: number }) => listener(event.code));
        }
      },
    },
    async start() {
      await loginAndWaitReady(client, config.DISCORD_TOKEN, LOGIN_TIMEOUT_MS);
    },
    async stop() {
      // All of them: a deliberate destroy() must not log "reconnecting" or route late interactions.
      client.removeAllListeners();
      await client.destroy();
    },
  };
}

/**
 * Slash commands: routed from the moment this is made (before log-in, so no interaction after
 * READY is missed); start() registers them when their definitions changed, forgets the servers
 * the bot left while offline and watches for removals from then on.
 */
export function createCommandsFeature(options: {
  client: Client;
  commands: readonly Command[];
  ctx: CommandContext;
  store: Store;
  config: Pick<Config, 'REGISTER_COMMANDS' | 'DEV_GUILD_ID'>;
  logger: Logger;
}): Feature {
  const { client, commands, store, config, logger } = options;
  const route = createInteractionRouter(commands, options.ctx);
  client.on('interactionCreate', (interaction) => {
    route(interaction).catch((error: unknown) =>
      logger.error({ err: describe(error) }, 'interaction routing failed'),
    );
  });

  async function register(): Promise<void> {
    const applicationId = client.application!.id;
    const definitions = commands.map((c) => c.data);
    const hash = commandsHash(applicationId, definitions, config.DEV_GUILD_ID);
    if (store.getMeta(COMMANDS_HASH_META_KEY) === hash) {
      logger.debug('slash commands unchanged; not re-registering');
      return;
    }
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

  return {
    name: 'commands',
    async start() {
      if (config.REGISTER_COMMANDS) await register();
      // Servers the bot was removed from while offline, then any removal from now on.
      reconcileGuilds(client, store, logger);
      watchGuildRemovals(client, store, logger);
    },
    // Its listeners go with the client's (the Discord feature stops after this one).
    stop() {},
  };
}
