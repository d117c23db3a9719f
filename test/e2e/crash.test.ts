/**
 * The crash test: the real bot process (`node --import tsx src/main.ts`) is killed with SIGKILL
 * between detection and posting, restarted on the same database, and every event still appears
 * in the channel exactly once. Two moments of death:
 * - the post never reached Discord (the fake hangs it);
 * - Discord stored the post but the bot died before marking it sent (the repeat carries the same
 *   nonce with enforce_nonce, so Discord answers with the first message instead of a second).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeChannel,
  type FakeDiscord,
  type FakeMember,
  Permission,
  startFakeDiscord,
} from '../fakes/discord/index.js';
import { type FakeRa, FakeWorld, startFakeRa } from '../fakes/ra/index.js';
import { expectNoComplaints } from './complaints.js';
import { addGame, announcedAchievementIds } from './tracking-helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/main.ts');
/** tsx's loader by absolute URL: the child runs in a temp folder (no stray .env is read). */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const TOKEN = 'crash.token';
const RA_KEY = 'CrashKey123';
/** Two bot processes start (tsx compiles each): on a loaded 2-core machine that alone takes 10-20 s. */
const CRASH_TEST_MS = 180_000;
/** Waits on a bot process: generous, the machine may be loaded; they return as soon as the event happens. */
const PROCESS_WAIT_MS = 60_000;

interface Bot {
  child: ChildProcess;
  output: string;
  exited: Promise<void>;
}

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string, bots: Bot[] = []) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      const logs = bots.map((b) => b.output.split('\n').slice(-15).join('\n')).join('\n---\n');
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface World {
  discord: FakeDiscord;
  ra: FakeRa;
  channel: FakeChannel;
  admin: FakeMember;
  guildId: string;
  dir: string;
  databasePath: string;
  start(): Bot;
}

async function setUp(): Promise<World> {
  const discord = await startFakeDiscord({ token: TOKEN });
  cleanups.push(async () => {
    await discord.close();
    expectNoComplaints(discord);
  });
  const ra = await startFakeRa({ apiKey: RA_KEY, world: new FakeWorld({ masteryMinAchievements: 1 }) });
  cleanups.push(() => ra.close());
  const guild = discord.addGuild({ name: 'Crash Club' });
  const channel = discord.addChannel(guild.id, { name: 'achievements' });
  const admin = discord.addMember(guild.id, { username: 'admin', permissions: Permission.ManageGuild });
  const dir = mkdtempSync(join(tmpdir(), 'cheevobot-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const databasePath = join(dir, 'data', 'bot.sqlite');
  const env = {
    PATH: process.env.PATH ?? '',
    DISCORD_TOKEN: TOKEN,
    RA_API_KEY: RA_KEY,
    DATABASE_PATH: databasePath,
    DISCORD_API_URL: discord.apiUrl,
    RA_API_URL: ra.url,
    RA_MEDIA_URL: ra.mediaUrl,
    RA_SITE_URL: ra.siteUrl,
    POLL_CRON: '*/1 * * * * *',
    RA_REQUESTS_PER_SECOND: '50',
    LOG_LEVEL: 'info',
  };
  return {
    discord,
    ra,
    channel,
    admin,
    guildId: guild.id,
    dir,
    databasePath,
    start() {
      const child = spawn(process.execPath, ['--import', TSX, MAIN], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const bot: Bot = {
        child,
        output: '',
        exited: new Promise((done) => child.on('exit', () => done())),
      };
      const collect = (chunk: Buffer) => {
        bot.output += chunk.toString();
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      return bot;
    },
  };
}

/** Waits (on events, not a sleep) until the bot has polled RA `n` more times: each cycle asks once. */
async function moreCycles(w: World, n: number, bot: Bot): Promise<void> {
  const count = () => w.ra.requests.count('GetUserRecentAchievements');
  const target = count() + n;
  await waitFor(() => count() >= target, PROCESS_WAIT_MS, `${n} more poll cycles`, [bot]);
}

function postsTo(w: World) {
  return w.discord.requests.filter(
    (r) => r.method === 'POST' && r.path === `/channels/${w.channel.id}/messages`,
  );
}

/** The outbox as the dead process left it (read-only: the test never writes the bot's file). */
function outboxStatuses(w: World): string[] {
  const db = new BetterSqlite3(w.databasePath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT status FROM outbox ORDER BY id').all() as { status: string }[]).map(
      (r) => r.status,
    );
  } finally {
    db.close();
  }
}

async function kill(bot: Bot): Promise<void> {
  bot.child.kill('SIGKILL');
  await bot.exited;
  expect(bot.child.signalCode).toBe('SIGKILL');
}

/** First process: configure, track Scott, unlock two achievements; returns once the first post is in flight. */
async function startAndDetect(w: World, hold: { hang?: boolean; delayMs?: number }) {
  w.ra.world.addUser({ username: 'Scott' });
  const ids = addGame(w.ra.world, 1, 'Sonic', 3);
  const first = w.start();
  await waitFor(
    () => w.discord.commands.global.length > 0,
    PROCESS_WAIT_MS,
    'the bot to register its commands',
    [first],
  );
  const inChannel = { guildId: w.guildId, channelId: w.channel.id, userId: w.admin.user.id };
  const set = await w.discord
    .sendSlashCommand({
      ...inChannel,
      name: 'settings',
      subcommand: 'channel',
      options: { channel: w.channel.id },
    })
    .waitForReply(PROCESS_WAIT_MS);
  expect(set.content).toContain(`<#${w.channel.id}>`);
  const tracked = await w.discord
    .sendSlashCommand({ ...inChannel, name: 'track', subcommand: 'add', options: { user: 'Scott' } })
    .waitForReply(PROCESS_WAIT_MS);
  expect(tracked.content).toContain('Now tracking');

  w.discord.faults.add({
    method: 'POST',
    route: `/channels/${w.channel.id}/messages`,
    times: Number.POSITIVE_INFINITY,
    ...hold,
  });
  w.ra.world.unlock('Scott', ids[0]!, { hardcore: true });
  w.ra.world.unlock('Scott', ids[1]!, { hardcore: true });
  // The post arriving at Discord means detection has committed the state and both outbox rows.
  await waitFor(() => postsTo(w).length > 0, PROCESS_WAIT_MS, 'the first announcement post', [first]);
  return { first, ids };
}

describe('a bot killed between detection and posting', () => {
  it(
    'posts every event exactly once after a restart when the post never reached Discord',
    async () => {
      const w = await setUp();
      const { first, ids } = await startAndDetect(w, { hang: true });
      await kill(first);
      expect(w.discord.channelMessages(w.channel.id)).toEqual([]);
      expect(outboxStatuses(w)).toEqual(['pending', 'pending']);
      const nonce = (postsTo(w)[0]!.body as { nonce?: string }).nonce;

      w.discord.faults.clear();
      const second = w.start();
      await w.discord.waitForMessages(w.channel.id, 2, PROCESS_WAIT_MS).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${second.output.slice(-3000)}`);
      });
      // Two more poll cycles (and their drains) of the second process: nothing more appears.
      await moreCycles(w, 2, second);
      const messages = w.discord.channelMessages(w.channel.id);
      expect(messages.map(announcedAchievementIds)).toEqual([[ids[0]], [ids[1]]]);
      expect(messages[0]!.nonce).toBe(nonce);
      expect(w.discord.violations).toEqual([]);
      await kill(second);
      expect(outboxStatuses(w)).toEqual(['sent', 'sent']);
    },
    CRASH_TEST_MS,
  );

  it(
    'does not post twice when Discord stored the post but the bot died before marking it sent',
    async () => {
      const w = await setUp();
      // Discord "processes" the post, but only after the bot is gone: the answer never arrives.
      const { first, ids } = await startAndDetect(w, { delayMs: 1_500 });
      await kill(first);
      w.discord.faults.clear();
      await w.discord.waitForMessages(w.channel.id, 1, PROCESS_WAIT_MS);
      expect(outboxStatuses(w)).toEqual(['pending', 'pending']);

      const second = w.start();
      await waitFor(() => outboxStatuses(w).every((s) => s === 'sent'), PROCESS_WAIT_MS, 'both rows sent', [
        second,
      ]);
      await moreCycles(w, 2, second);
      const messages = w.discord.channelMessages(w.channel.id);
      expect(messages.map(announcedAchievementIds)).toEqual([[ids[0]], [ids[1]]]);
      // The first row really was posted twice, with the same nonce: Discord deduplicated it.
      const firstNonce = messages[0]!.nonce;
      expect(postsTo(w).filter((r) => (r.body as { nonce?: string }).nonce === firstNonce)).toHaveLength(2);
      expect(w.discord.violations).toEqual([]);
    },
    CRASH_TEST_MS,
  );

  it(
    'posts a challenge’s results once when Discord stored them but the bot died before marking them sent',
    async () => {
      const w = await setUp();
      addGame(w.ra.world, 1, 'Sonic', 3);
      // A tracked user, so the second process's poll cycles can be counted.
      w.ra.world.addUser({ username: 'Scott' });
      const first = w.start();
      await waitFor(() => w.discord.commands.global.length > 0, PROCESS_WAIT_MS, 'commands registered', [
        first,
      ]);
      const inChannel = { guildId: w.guildId, channelId: w.channel.id, userId: w.admin.user.id };
      const slash = (name: string, subcommand: string, options: Record<string, string> = {}) =>
        w.discord.sendSlashCommand({ ...inChannel, name, subcommand, options }).waitForReply(PROCESS_WAIT_MS);
      await slash('settings', 'channel', { channel: w.channel.id });
      expect((await slash('track', 'add', { user: 'Scott' })).content).toContain('Now tracking');
      expect((await slash('challenge', 'start', { game: '1' })).content).toContain('has started');
      await w.discord.waitForMessages(w.channel.id, 1, PROCESS_WAIT_MS);

      // The results reach Discord only after the bot is gone: it never learns they were posted.
      w.discord.faults.add({
        method: 'POST',
        route: `/channels/${w.channel.id}/messages`,
        times: Number.POSITIVE_INFINITY,
        delayMs: 1_500,
      });
      const posted = postsTo(w).length;
      expect((await slash('challenge', 'end')).content).toContain('has ended');
      await waitFor(() => postsTo(w).length > posted, PROCESS_WAIT_MS, 'the results post', [first]);
      await kill(first);
      w.discord.faults.clear();
      await w.discord.waitForMessages(w.channel.id, 2, PROCESS_WAIT_MS);
      expect(outboxStatuses(w)).toEqual(['sent', 'pending']);

      const second = w.start();
      await waitFor(() => outboxStatuses(w).every((x) => x === 'sent'), PROCESS_WAIT_MS, 'the results sent', [
        second,
      ]);
      await moreCycles(w, 2, second);
      const results = w.discord.channelMessages(w.channel.id).filter((m) => m.content?.includes('is over'));
      expect(results).toHaveLength(1);
      const nonce = results[0]!.nonce;
      expect(postsTo(w).filter((r) => (r.body as { nonce?: string }).nonce === nonce)).toHaveLength(2);
      expect(outboxStatuses(w)).toEqual(['sent', 'sent']);
      expect(w.discord.violations).toEqual([]);
    },
    CRASH_TEST_MS,
  );
});
