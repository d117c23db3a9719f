/**
 * One measured client for `bench/guild-memory.ts`: logs in to the fake Discord given on the
 * command line, waits for `clientReady` (every GUILD_CREATE received), collects garbage, and
 * reports its memory over IPC. `bot` is the bot's own client (createDiscordClient); `plain` is a
 * discord.js client with default caches and the same intent.
 *
 *   node --import tsx --expose-gc bench/guild-memory-client.ts bot|plain <apiUrl> <token>
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { createDiscordClient } from '../src/discord/client.js';
import { silentLogger } from '../src/log.js';

const [kind, apiUrl, token] = process.argv.slice(2);
if ((kind !== 'bot' && kind !== 'plain') || !apiUrl || !token) {
  console.error('usage: guild-memory-client.ts bot|plain <apiUrl> <token>');
  process.exit(2);
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  const client =
    kind === 'bot'
      ? createDiscordClient({ apiUrl: apiUrl!, logger: silentLogger() })
      : new Client({ intents: [GatewayIntentBits.Guilds], shards: 'auto', rest: { api: apiUrl! } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  const started = performance.now();
  await client.login(token!);
  await ready;
  const readyMs = performance.now() - started;
  // What stays, not what parsing GUILD_CREATE left for the collector.
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await settle(200);
  }
  const memory = process.memoryUsage();
  const result = {
    kind,
    guilds: client.guilds.cache.size,
    /** Servers whose GUILD_CREATE arrived before ready (the rest would be cached as unavailable). */
    available: client.guilds.cache.filter((g) => g.available).size,
    channelsCached: client.channels.cache.size,
    rolesCached: client.guilds.cache.reduce((sum, g) => sum + g.roles.cache.size, 0),
    readyMs,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
  await client.destroy();
  process.send?.({ type: 'result', result });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
