/**
 * Servers come and go. Removed from a server (GUILD_DELETE without `unavailable`), the bot
 * forgets it: settings, tracked users, announcements, and polling of users nobody else tracks.
 * A server that is only unavailable (a Discord outage) keeps everything: discord.js reports that
 * as `guildUnavailable`, never as `guildDelete`. Servers left while the bot was offline are
 * reconciled at start against the server list READY carries (unavailable ones included).
 */
import { type Client, Events } from 'discord.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';

export function forgetGuild(store: Store, logger: Logger, guildId: string, why: string): void {
  const users = store.removeGuild(guildId);
  logger.info(
    { guildId, trackedUsers: users },
    `${why}: its settings, tracked users and announcements were removed`,
  );
}

/** Forgets servers the database knows but Discord no longer lists for the bot. Call once ready. */
export function reconcileGuilds(client: Client, store: Store, logger: Logger): number {
  const present = new Set(client.guilds.cache.keys());
  let removed = 0;
  for (const guildId of store.knownGuildIds()) {
    if (present.has(guildId)) continue;
    forgetGuild(store, logger, guildId, 'the bot was removed from this server while offline');
    removed++;
  }
  return removed;
}

/** From now on, forgets a server as soon as the bot is removed from it. */
export function watchGuildRemovals(client: Client, store: Store, logger: Logger): void {
  client.on(Events.GuildDelete, (guild) =>
    forgetGuild(store, logger, guild.id, 'the bot was removed from this server'),
  );
  client.on(Events.GuildUnavailable, (guild) =>
    logger.warn({ guildId: guild.id }, 'server unavailable (Discord outage); keeping its settings'),
  );
}
