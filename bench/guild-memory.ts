/**
 * Memory per server: the bot's discord.js client (createDiscordClient, its lean caches) and a
 * plain discord.js client with default caches, each in its own child process
 * (`guild-memory-client.ts`), log in to the fake Discord (in this process) holding 10, then 2,500
 * servers of 20 channels, 30 roles and 2 permission overwrites per channel. RSS after READY and
 * a few garbage collections; growth per server = (RSS at 2,500 - RSS at 10) / 2,490. Runs
 * alternate bot/plain; figures are medians of `--memory-runs` (default 3) runs each.
 */

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { startFakeDiscord } from '../test/fakes/discord/index.js';
import { BENCH_DIR, type Figure, figure, median, numberOption, report, round } from './lib.js';

const SECTION = 'guild-memory';
const RUNS = numberOption('memory-runs', 3);
const SMALL = numberOption('memory-small', 10);
const LARGE = numberOption('memory-large', 2500);
const CHANNELS = 20;
const ROLES = 30;
const OVERWRITES_PER_CHANNEL = 2;
const TOKEN = 'fake-discord-token.bench-memory';
/** The flags `npm start` runs the bot with, for both clients alike. */
const NODE_FLAGS = ['--max-semi-space-size=1'];

type Kind = 'bot' | 'plain';

interface ClientResult {
  kind: Kind;
  guilds: number;
  available: number;
  channelsCached: number;
  rolesCached: number;
  readyMs: number;
  rssBytes: number;
  heapUsedBytes: number;
}

function measure(kind: Kind, apiUrl: string): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH_DIR, 'guild-memory-client.ts'), [kind, apiUrl, TOKEN], {
      execArgv: ['--import', 'tsx', '--expose-gc', ...NODE_FLAGS],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ClientResult | undefined;
    child.on('message', (msg: { type?: string; result?: ClientResult }) => {
      if (msg.type === 'result') result = msg.result;
    });
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${kind} client exited (${code}) without a result`)),
    );
  });
}

async function measureSize(guilds: number): Promise<Record<Kind, ClientResult[]>> {
  // One gateway connection per 2,500 servers, as Discord recommends (both clients use 'auto'), and
  // Discord's heartbeat interval: the fake's default (1 s) is shorter than parsing 2,500 servers
  // takes, and a missed heartbeat ACK makes discord.js drop the connection.
  const discord = await startFakeDiscord({
    token: TOKEN,
    shards: Math.ceil(guilds / 2500),
    heartbeatIntervalMs: 41_250,
  });
  try {
    for (let g = 0; g < guilds; g++) {
      const guild = discord.addGuild({ name: `Server ${g}` });
      const roles = [guild.everyoneRoleId, guild.botRoleId];
      for (let r = roles.length; r < ROLES; r++)
        roles.push(discord.addRole(guild.id, { name: `role-${r}`, permissions: 1n << BigInt(r % 40) }).id);
      for (let c = 0; c < CHANNELS; c++) {
        discord.addChannel(guild.id, {
          name: `channel-${c}`,
          permissionOverwrites: Array.from({ length: OVERWRITES_PER_CHANNEL }, (_, o) => ({
            id: roles[(c + o * 7) % roles.length]!,
            type: 'role' as const,
            allow: 1n << 10n,
            deny: o === 0 ? 1n << 11n : 0n,
          })),
        });
      }
    }
    const runs: Record<Kind, ClientResult[]> = { bot: [], plain: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const kind of ['bot', 'plain'] as const) {
        const result = await measure(kind, discord.apiUrl);
        if (result.available !== guilds)
          throw new Error(`${kind} was ready with ${result.available} of ${guilds} servers available`);
        runs[kind].push(result);
        process.stderr.write(
          `  ${guilds} servers, ${kind}: RSS ${(result.rssBytes / 2 ** 20).toFixed(1)} MB, heap ` +
            `${(result.heapUsedBytes / 2 ** 20).toFixed(1)} MB, ready in ${result.readyMs.toFixed(0)} ms ` +
            `(cached: ${result.channelsCached} channels, ${result.rolesCached} roles)\n`,
        );
      }
    }
    return runs;
  } finally {
    await discord.close();
  }
}

async function main(): Promise<void> {
  const small = await measureSize(SMALL);
  const large = await measureSize(LARGE);
  const mb = (bytes: number) => bytes / 2 ** 20;
  const kb = (bytes: number) => bytes / 1024;
  const rss = (runs: ClientResult[]) => median(runs.map((r) => r.rssBytes));
  const heap = (runs: ClientResult[]) => median(runs.map((r) => r.heapUsedBytes));
  const growth = (kind: Kind) => (rss(large[kind]) - rss(small[kind])) / (LARGE - SMALL);
  const heapGrowth = (kind: Kind) => (heap(large[kind]) - heap(small[kind])) / (LARGE - SMALL);
  const bot = growth('bot');
  const plain = growth('plain');
  const ratio = bot / plain;
  // What 10,000 servers would take at the measured growth (one process, four shards).
  const at10k = rss(small.bot) + bot * (10_000 - SMALL);
  const figures: Figure[] = [
    figure(SECTION, `bot client RSS after READY, ${SMALL} servers`, mb(rss(small.bot)), 'MB'),
    figure(SECTION, `bot client RSS after READY, ${LARGE} servers`, mb(rss(large.bot)), 'MB'),
    figure(SECTION, `plain client RSS after READY, ${SMALL} servers`, mb(rss(small.plain)), 'MB'),
    figure(SECTION, `plain client RSS after READY, ${LARGE} servers`, mb(rss(large.plain)), 'MB'),
    figure(SECTION, 'plain client growth per server', kb(plain), 'KB'),
    figure(SECTION, 'bot client growth per server', kb(bot), 'KB'),
    figure(
      SECTION,
      'bot / plain growth per server',
      ratio,
      'x',
      { text: '<= 0.25', ok: ratio <= 0.25 },
      `heap only: bot ${kb(heapGrowth('bot')).toFixed(1)} KB, plain ${kb(heapGrowth('plain')).toFixed(1)} KB per server`,
    ),
    figure(SECTION, 'bot client RSS at 10,000 servers (extrapolated)', mb(at10k), 'MB', {
      text: '~200 MB',
      ok: mb(at10k) <= 220,
    }),
  ];
  const summary = (runs: ClientResult[]) =>
    runs.map((r) => ({
      rssMb: round(mb(r.rssBytes), 1),
      heapUsedMb: round(mb(r.heapUsedBytes), 1),
      readyMs: round(r.readyMs, 0),
      channelsCached: r.channelsCached,
      rolesCached: r.rolesCached,
    }));
  report({
    section: SECTION,
    figures,
    details: {
      world: {
        servers: [SMALL, LARGE],
        channelsPerServer: CHANNELS,
        rolesPerServer: ROLES,
        overwritesPerChannel: OVERWRITES_PER_CHANNEL,
      },
      nodeFlags: NODE_FLAGS,
      runsPerClient: RUNS,
      growthPerServerKb: { bot: round(kb(bot), 2), plain: round(kb(plain), 2) },
      heapGrowthPerServerKb: {
        bot: round(kb(heapGrowth('bot')), 2),
        plain: round(kb(heapGrowth('plain')), 2),
      },
      runs: {
        [SMALL]: { bot: summary(small.bot), plain: summary(small.plain) },
        [LARGE]: { bot: summary(large.bot), plain: summary(large.plain) },
      },
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
