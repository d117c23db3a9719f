import {
  type CacheFactory,
  Client,
  Collection,
  DiscordjsErrorCodes,
  Events,
  GatewayIntentBits,
  Options,
  type Role,
  Status,
} from 'discord.js';
import type { Logger } from '../log.js';
import { errorMessage } from '../util/error-message.js';
import { discordRestAgent } from './agent.js';
import { attachChannelAccess } from './channel-access.js';

export interface DiscordClientOptions {
  /** Discord REST base, e.g. `https://discord.com/api` (the gateway URL is fetched from it). */
  apiUrl: string;
  logger: Logger;
  /** Clock for what the client keeps briefly (milliseconds since the epoch); default real time. */
  now?: () => number;
}

/**
 * A cache that keeps only what `keep` accepts: everything else is dropped as discord.js stores it.
 * discord.js warns that limiting its channel and role caches breaks what reads them (a channel's
 * `permissionsFor`, a member's `roles.cache`, `interaction.channel`); the bot reads none of them:
 * channel checks go over REST (channel-access.ts) and the manager role is read from the
 * interaction's member data (permissions.ts). discord.js still prints its
 * UnsupportedCacheOverwriteWarning once per start for the role cache: expected (README, Memory).
 */
class KeptCollection<K, V> extends Collection<K, V> {
  constructor(private readonly keep: (value: V) => boolean) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.keep(value)) return super.set(key, value);
    this.delete(key);
    return this;
  }
}

/**
 * The bot's discord.js client: Guilds intent only (no privileged intents), caches trimmed to
 * what the bot reads, and no mentions unless a send opts in.
 */
export function createDiscordClient({ apiUrl, logger, now = Date.now }: DiscordClientOptions): Client {
  const isSelf = (entity: { id: string; client: Client }) => entity.id === entity.client.user?.id;
  const limited = Options.cacheWithLimits({
    ApplicationCommandManager: 0,
    ApplicationEmojiManager: 0,
    AutoModerationRuleManager: 0,
    BaseGuildEmojiManager: 0,
    DMMessageManager: 0,
    EntitlementManager: 0,
    GuildBanManager: 0,
    GuildEmojiManager: 0,
    GuildForumThreadManager: 0,
    GuildInviteManager: 0,
    GuildMessageManager: 0,
    GuildScheduledEventManager: 0,
    GuildStickerManager: 0,
    GuildTextThreadManager: 0,
    MessageManager: 0,
    PresenceManager: 0,
    ReactionManager: 0,
    ReactionUserManager: 0,
    StageInstanceManager: 0,
    ThreadManager: 0,
    ThreadMemberManager: 0,
    VoiceStateManager: 0,
    GuildMemberManager: 0,
    // The bot's own user: client.user is it, and discord.js reads it from here.
    UserManager: { maxSize: 0, keepOverLimit: isSelf },
  });
  const makeCache: CacheFactory = (managerType, holds, manager) => {
    // Per server only the server itself and its @everyone role (discord.js reads it as
    // `guild.roles.everyone`): no channels, no other roles, no members. With 20 channels and 30
    // roles a server cost ~45 KB of heap this way, ~4 KB now (`npm run bench -- --only guild-memory`).
    // (discord.js's typings leave these managers out of makeCache's: overriding them is on us.)
    const name: string = manager.name;
    if (name === 'ChannelManager' || name === 'GuildChannelManager')
      return new KeptCollection(() => false) as ReturnType<CacheFactory>;
    if (name === 'RoleManager')
      return new KeptCollection((role: Role) => role.id === role.guild.id) as ReturnType<CacheFactory>;
    return limited(managerType, holds, manager);
  };
  const client = new Client({
    // Guilds gives servers joining and leaving, and the channel/role changes that drop a cached
    // channel check (channel-access.ts); interactions need no intent.
    intents: [GatewayIntentBits.Guilds],
    // As many gateway connections (shards) as Discord recommends (GET /gateway/bot), all in this
    // one process: one shard holds at most 2,500 servers. The poller and dispatcher are not per
    // shard (they post over REST), so they still run exactly once.
    shards: 'auto',
    allowedMentions: { parse: [] },
    // Every channel post carries a nonce Discord enforces, so a retried POST (5xx after the
    // message was created) returns the first message instead of posting twice.
    enforceNonce: true,
    rest: { api: apiUrl, agent: discordRestAgent() },
    makeCache,
    // With the caches above nothing grows without bound but the servers themselves; keep
    // discord.js's default thread sweep.
    sweepers: Options.DefaultSweeperSettings,
  });

  attachChannelAccess(client, now);
  client.on(Events.Debug, (message) => logger.debug({ source: 'discord.js' }, message));
  client.on(Events.Warn, (message) => logger.warn({ source: 'discord.js' }, message));
  client.on(Events.Error, (error) => logger.error({ err: error, source: 'discord.js' }, 'discord.js error'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    logger.warn({ shardId, code: event.code }, 'gateway connection closed'),
  );
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'reconnecting to the gateway'));
  client.on(Events.ShardResume, (shardId, replayed) =>
    logger.info({ shardId, replayed }, 'gateway session resumed'),
  );
  client.on(Events.Invalidated, () => logger.error('gateway session invalidated; the client was destroyed'));
  client.rest.on('rateLimited', (info) =>
    logger.debug(
      { route: info.route, method: info.method, retryAfterMs: info.retryAfter, global: info.global },
      'Discord rate limit: waiting',
    ),
  );
  return client;
}

export type DiscordLoginFailure = 'invalid-token' | 'disallowed-intents' | 'timeout' | 'failed';

/** Why the bot could not come online; the message says what to do about it. */
export class DiscordLoginError extends Error {
  constructor(
    readonly reason: DiscordLoginFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DiscordLoginError';
  }
}

/**
 * Logs in and resolves once the client is ready (`clientReady`: every guild received). On an
 * invalid token, a refused intent, a network failure or no readiness within `timeoutMs`, the
 * client is destroyed and a `DiscordLoginError` explains what went wrong.
 */
export async function loginAndWaitReady(
  client: Client,
  token: string,
  timeoutMs: number,
): Promise<Client<true>> {
  let onReady: ((ready: Client<true>) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<Client<true>>((resolve) => {
    onReady = resolve;
    client.once(Events.ClientReady, resolve);
  });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DiscordLoginError(
            'timeout',
            `Discord did not become ready within ${timeoutMs} ms: check the network and DISCORD_API_URL.`,
          ),
        ),
      timeoutMs,
    );
  });
  // login() rejects for a bad token; it may also settle after the timeout won: never unhandled.
  const login = client.login(token);
  login.catch(() => undefined);

  try {
    await Promise.race([login, timeout]);
    return await Promise.race([ready, timeout]);
  } catch (error) {
    await client.destroy().catch(() => undefined);
    throw toLoginError(error);
  } finally {
    clearTimeout(timer);
    if (onReady) client.off(Events.ClientReady, onReady);
  }
}

function toLoginError(error: unknown): DiscordLoginError {
  if (error instanceof DiscordLoginError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const message = errorMessage(error);
  if (code === DiscordjsErrorCodes.TokenInvalid || /authentication failed/i.test(message)) {
    return new DiscordLoginError(
      'invalid-token',
      'Discord rejected the bot token (401 Unauthorized): set DISCORD_TOKEN to the token from the Discord developer portal (Bot > Reset Token).',
      { cause: error },
    );
  }
  if (code === DiscordjsErrorCodes.DisallowedIntents || /disallowed intent/i.test(message)) {
    return new DiscordLoginError(
      'disallowed-intents',
      'Discord refused the requested gateway intents: enable them in the developer portal or remove them.',
      { cause: error },
    );
  }
  return new DiscordLoginError('failed', `Could not log in to Discord: ${message}`, { cause: error });
}

/** True while every gateway connection (shard) is up and ready. */
export function gatewayConnected(client: Client): boolean {
  const shards = [...client.ws.shards.values()];
  return shards.length > 0 && shards.every((shard) => shard.status === Status.Ready);
}
