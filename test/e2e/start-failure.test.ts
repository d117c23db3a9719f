/**
 * A start that fails part-way throws its reason and leaves nothing of the bot running: what had
 * started is stopped again (last started first), down to the database, which is closed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.js';
import { type FakeRa, startFakeRa } from '../fakes/ra/index.js';
import { fakeServiceUrls } from './harness.js';

const TOKEN = 'start-failure-token.abcdef123456';
const RA_KEY = 'StartFailureRaKey0123456789';

let discord: FakeDiscord;
let ra: FakeRa;
let dir: string;

beforeEach(async () => {
  [discord, ra] = await Promise.all([startFakeDiscord({ token: TOKEN }), startFakeRa({ apiKey: RA_KEY })]);
  discord.addChannel(discord.addGuild({ name: 'Retro Club' }).id, { name: 'achievements' });
  dir = mkdtempSync(join(tmpdir(), 'cheevobot-start-failure-'));
});

afterEach(async () => {
  await Promise.all([discord.close(), ra.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function config(env: Record<string, string> = {}) {
  return loadConfig({
    DISCORD_TOKEN: TOKEN,
    RA_API_KEY: RA_KEY,
    ...fakeServiceUrls(discord, ra),
    DATABASE_PATH: join(dir, 'bot.sqlite'),
    POLL_CRON: '0 0 1 1 *',
    CATALOGUE_REFRESH_HOURS: '0',
    ...env,
  });
}

/** A clean close checkpoints the WAL into the main file and removes it; an open database keeps it. */
const databaseClosed = () => existsSync(join(dir, 'bot.sqlite')) && !existsSync(join(dir, 'bot.sqlite-wal'));

describe('a start that fails', () => {
  it('at log-in (token refused): throws the reason and closes the database', async () => {
    const start = startBot(config({ DISCORD_TOKEN: 'wrong-token.abcdef123456' }), silentLogger());
    await expect(start).rejects.toThrow(/Discord rejected the bot token/);
    expect(databaseClosed()).toBe(true);
  });

  it('after log-in (Discord refuses the command registration): throws the reason and closes the database', async () => {
    discord.faults.add({ method: 'PUT', route: /^\/applications\/\d+\/commands$/, status: 400 });
    const start = startBot(config(), silentLogger());
    await expect(start).rejects.toThrow('Invalid Form Body');
    expect(discord.requests.filter((r) => r.method === 'PUT' && r.path.includes('/commands'))).toHaveLength(
      1,
    );
    expect(databaseClosed()).toBe(true);
  });
});
