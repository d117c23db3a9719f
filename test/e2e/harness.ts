/**
 * End-to-end harness: the real bot (startBot: real discord.js Client, real RA client, real SQLite)
 * wired to the fake Discord and the fake RA on 127.0.0.1.
 *
 *   const h = await startHarness();               // one guild, #achievements, an admin and a member
 *   h.ra.world.addUser({ username: 'Scott' });    // script RA
 *   const reply = await h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Scott' } });
 *   await h.pollAndDrain();                       // one poll cycle, then post the outbox
 *   h.discord.channelMessages(h.channel.id)       // what the server saw
 *   await h.stop();
 *
 * The cron schedule is set far in the future: tests drive cycles with `pollAndDrain()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBot, type StartBotOverrides, startBot } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import {
  type FakeChannel,
  type FakeDiscord,
  type FakeDiscordOptions,
  type FakeGuild,
  type FakeMember,
  type FakeMessage,
  type OptionsInput,
  Permission,
  startFakeDiscord,
} from '../fakes/discord/index.js';
import { type FakeRa, FakeWorld, startFakeRa } from '../fakes/ra/index.js';
import { expectNoComplaints } from './complaints.js';

export const DISCORD_TOKEN = 'fake-discord-token.e2e';
/** Every slash command the bot defines, sorted: what registration must send. */
export const RA_KEY = 'FakeRaKeyE2e0123456789';

/** A cron that never fires during a test (1 January, 00:00). */
const NEVER = '0 0 1 1 *';

export interface Harness {
  ra: FakeRa;
  discord: FakeDiscord;
  bot: RunningBot;
  config: Config;
  logs: string[];
  guild: FakeGuild;
  channel: FakeChannel;
  /** Has Manage Server. */
  admin: FakeMember;
  /** A regular member. */
  member: FakeMember;
  dataDir: string;
  slash(
    who: FakeMember,
    name: string,
    input?: { subcommand?: string; options?: OptionsInput; guild?: FakeGuild; channel?: FakeChannel },
  ): Promise<FakeMessage>;
  pollAndDrain(): Promise<void>;
  /** Stops the bot and restarts it on the same database (a process restart); `offline` runs in between. */
  restart(offline?: () => void | Promise<void>): Promise<void>;
  /** Stops everything, then fails if the fake Discord has any complaint (see expectNoComplaints). */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  world?: FakeWorld;
  /** Set up extra guilds/channels before the bot logs in (`base`: the harness's own guild etc.). */
  beforeLogin?: (
    discord: FakeDiscord,
    base: { guild: FakeGuild; channel: FakeChannel; admin: FakeMember; member: FakeMember },
  ) => void;
  logger?: Logger;
  /** The bot's clock (default: real time). */
  now?: () => Date;
  /** Passed to startBot, e.g. `{ ra: { maxRetries: 1, baseBackoffMs: 10 } }`. */
  overrides?: StartBotOverrides;
  /** Fake Discord options (its clock defaults to the bot's `now`). */
  discord?: Partial<FakeDiscordOptions>;
}

/** The environment that points the bot at the fake Discord and the fake RA. */
export function fakeServiceUrls(discord: FakeDiscord, ra: FakeRa): Record<string, string> {
  return {
    DISCORD_API_URL: discord.apiUrl,
    RA_API_URL: ra.url,
    RA_MEDIA_URL: ra.mediaUrl,
    RA_SITE_URL: ra.siteUrl,
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ra = await startFakeRa({
    apiKey: RA_KEY,
    world: options.world ?? new FakeWorld({ masteryMinAchievements: 1 }),
  });
  const now = options.now;
  const discord = await startFakeDiscord({
    token: DISCORD_TOKEN,
    ...(now ? { now: () => now().getTime() } : {}),
    ...options.discord,
  });
  const guild = discord.addGuild({ name: 'Retro Club' });
  const channel = discord.addChannel(guild.id, { name: 'achievements' });
  const admin = discord.addMember(guild.id, { username: 'admin', permissions: Permission.ManageGuild });
  const member = discord.addMember(guild.id, { username: 'player' });
  options.beforeLogin?.(discord, { guild, channel, admin, member });

  const dataDir = mkdtempSync(join(tmpdir(), 'cheevobot-e2e-'));
  const config = loadConfig({
    DISCORD_TOKEN,
    RA_API_KEY: RA_KEY,
    DATABASE_PATH: join(dataDir, 'bot.sqlite'),
    ...fakeServiceUrls(discord, ra),
    POLL_CRON: NEVER,
    RA_REQUESTS_PER_SECOND: '100',
    LOG_LEVEL: 'debug',
    // Off unless a test turns it on: its RA requests would disturb tests that count requests.
    CATALOGUE_REFRESH_HOURS: '0',
    ...options.env,
  });
  const logs: string[] = [];
  const logger =
    options.logger ??
    createLogger({
      level: 'debug',
      secrets: [DISCORD_TOKEN, RA_KEY],
      destination: { write: (l) => logs.push(l) },
    });

  const launch = () => startBot(config, logger, options.now, { communityTickMs: null, ...options.overrides });
  let bot = await launch();
  const h: Harness = {
    ra,
    discord,
    get bot() {
      return bot;
    },
    config,
    logs,
    guild,
    channel,
    admin,
    member,
    dataDir,
    async slash(who, name, input = {}) {
      const handle = discord.sendSlashCommand({
        guildId: (input.guild ?? guild).id,
        channelId: (input.channel ?? channel).id,
        userId: who.user.id,
        name,
        ...(input.subcommand ? { subcommand: input.subcommand } : {}),
        ...(input.options ? { options: input.options } : {}),
      });
      return handle.waitForReply(10_000);
    },
    async pollAndDrain() {
      await bot.poller.runCycle();
      await bot.dispatcher.drain();
    },
    async restart(offline) {
      await bot.stop();
      await offline?.();
      bot = await launch();
    },
    async stop() {
      await bot.stop();
      await discord.close();
      await ra.close();
      rmSync(dataDir, { recursive: true, force: true });
      // Every test that used the harness ends with no complaint from the fake Discord.
      expectNoComplaints(discord);
    },
  };
  return h;
}
