/**
 * `npm run doctor` and `npm run deploy-commands` against the fake Discord and fake RA: what the
 * person running them reads, and that secrets never show up in it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { deployCommands } from '../../src/deploy-commands.js';
import { runDoctor } from '../../src/doctor.js';
import { silentLogger } from '../../src/log.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.js';
import { type FakeRa, FakeWorld, startFakeRa } from '../fakes/ra/index.js';
import { COMMAND_NAMES } from './command-names.js';
import { expectNoComplaints } from './complaints.js';

const TOKEN = 'tools-test-token.abcdef123456';
const RA_KEY = 'ToolsTestRaKey0123456789';

let discord: FakeDiscord;
let ra: FakeRa;
let dir: string;
/** A path that doesn't exist: the tests must not depend on a `.env` in the working directory. */
let noEnvFile: string;

beforeEach(async () => {
  const world = new FakeWorld();
  world.addUser({ username: 'KeyOwner' });
  [discord, ra] = await Promise.all([
    startFakeDiscord({ token: TOKEN }),
    startFakeRa({ apiKey: RA_KEY, world }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'cheevobot-tools-'));
  noEnvFile = join(dir, 'no-such.env');
});

afterEach(async () => {
  await Promise.all([discord.close(), ra.close()]);
  rmSync(dir, { recursive: true, force: true });
  expectNoComplaints(discord);
});

function env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    DISCORD_TOKEN: TOKEN,
    RA_API_KEY: RA_KEY,
    DISCORD_API_URL: discord.apiUrl,
    RA_API_URL: ra.url,
    RA_MEDIA_URL: ra.mediaUrl,
    RA_SITE_URL: ra.siteUrl,
    DATABASE_PATH: join(dir, 'data', 'bot.sqlite'),
    ...overrides,
  };
}

async function run(
  tool: typeof runDoctor | typeof deployCommands,
  environment: Record<string, string | undefined>,
  envFile = noEnvFile,
): Promise<{ code: number; lines: string[]; text: string }> {
  const lines: string[] = [];
  const code = await tool(environment, (line) => lines.push(line), { envFile });
  return { code, lines, text: lines.join('\n') };
}

function expectNoSecrets(text: string, ...secrets: string[]) {
  for (const secret of [TOKEN, RA_KEY, ...secrets]) expect(text).not.toContain(secret);
}

describe('npm run doctor', () => {
  it('checks everything, prints the invite link with the right scopes and permissions, and exits 0', async () => {
    const { code, lines, text } = await run(runDoctor, env());
    expect(code).toBe(0);
    expect(lines[0]).toBe('✔ configuration is valid');
    expect(text).toContain(
      `✔ Discord token works: the bot is ${discord.botUser.username} (id ${discord.botUser.id})`,
    );
    expect(text).toContain('✔ RetroAchievements key works');
    expect(lines.at(-1)).toBe('All checks passed.');

    const invite = new URL(
      /https:\/\/discord\.com\/oauth2\/authorize\S+/.exec(text)?.[0] ?? 'http://missing',
    );
    expect(invite.searchParams.get('client_id')).toBe(discord.applicationId);
    expect(invite.searchParams.get('scope')).toBe('bot applications.commands');
    expect(BigInt(invite.searchParams.get('permissions') ?? '0')).toBe(
      PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.SendMessages |
        PermissionFlagsBits.EmbedLinks |
        PermissionFlagsBits.AttachFiles,
    );
    expect(text).toContain('View Channel, Send Messages, Embed Links, Attach Files');
    expectNoSecrets(text);
  });

  it('names the key owner when RA_USERNAME is set, and says when it is not an RA user', async () => {
    const good = await run(runDoctor, env({ RA_USERNAME: 'KeyOwner' }));
    expect(good.code).toBe(0);
    expect(good.text).toContain('✔ RetroAchievements key works (key owner KeyOwner)');
    const bad = await run(runDoctor, env({ RA_USERNAME: 'NoSuchOwner' }));
    expect(bad.code).toBe(1);
    expect(bad.text).toContain('✘ RA_USERNAME is not a RetroAchievements user');
  });

  it('tells to reset the token when Discord rejects it, and still checks RA', async () => {
    const wrong = 'wrong-token.zyxwvu987654';
    const { code, text } = await run(runDoctor, env({ DISCORD_TOKEN: wrong }));
    expect(code).toBe(1);
    expect(text).toContain(
      '✘ Discord rejected DISCORD_TOKEN. In the developer portal open your application > Bot > Reset Token',
    );
    expect(text).toContain('✔ RetroAchievements key works');
    expect(text).not.toContain('Invite it with');
    expect(text).toContain('Some checks failed');
    expectNoSecrets(text, wrong);
  });

  it('says where to find the RA key when RA rejects it', async () => {
    const wrong = 'WrongRaKey999888777';
    const { code, text } = await run(runDoctor, env({ RA_API_KEY: wrong }));
    expect(code).toBe(1);
    expect(text).toContain('✔ Discord token works');
    expect(text).toContain(
      '✘ RetroAchievements rejected RA_API_KEY. Copy the web API key from retroachievements.org > Settings > Keys.',
    );
    expectNoSecrets(text, wrong);
  });

  it('says RA is not answering when it is down', async () => {
    ra.faults.add('*', { type: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    const { code, text } = await run(runDoctor, env());
    expect(code).toBe(1);
    expect(text).toContain('✘ RetroAchievements did not answer properly');
    expect(text).toContain('isn’t answering right now');
    expectNoSecrets(text);
  });

  it('with no configuration, names DISCORD_TOKEN and RA_API_KEY and contacts nobody', async () => {
    const { code, text } = await run(runDoctor, {});
    expect(code).toBe(1);
    expect(text).toContain('DISCORD_TOKEN');
    expect(text).toContain('RA_API_KEY');
    expect(text).toMatch(/^✘ Configuration is invalid \(2 problems\)/);
    expect(discord.requests).toEqual([]);
    expect(ra.requests.count()).toBe(0);
  });

  it('reads a .env file, with the environment winning over it', async () => {
    const envFile = join(dir, 'test.env');
    writeFileSync(
      envFile,
      Object.entries(env({ DISCORD_TOKEN: 'overridden-by-env.abc123' }))
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    const { code, text } = await run(runDoctor, { DISCORD_TOKEN: TOKEN }, envFile);
    expect(code).toBe(0);
    expect(text).toContain('All checks passed.');
  });
});

describe('npm run deploy-commands', () => {
  it('registers the commands globally, and the bot’s next start does not register them again', async () => {
    const { code, text } = await run(deployCommands, env());
    expect(code).toBe(0);
    expect(text).toBe(
      `Registered ${COMMAND_NAMES.length} commands globally (Discord may take up to an hour to show changes).`,
    );
    expect(discord.commands.global.map((c) => c.name).sort()).toEqual(COMMAND_NAMES);
    expectNoSecrets(text);

    const puts = () => discord.requests.filter((r) => r.method === 'PUT' && r.path.includes('/commands'));
    expect(puts()).toHaveLength(1);
    const bot = await startBot(loadConfig(env({ POLL_CRON: '0 0 1 1 *' })), silentLogger());
    try {
      expect(puts()).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  });

  it('registers to DEV_GUILD_ID when set', async () => {
    const guild = discord.addGuild({ name: 'Dev' });
    const { code, text } = await run(deployCommands, env({ DEV_GUILD_ID: guild.id }));
    expect(code).toBe(0);
    expect(text).toBe(`Registered ${COMMAND_NAMES.length} commands to server ${guild.id} (available now).`);
    expect(
      discord.commands.guilds
        .get(guild.id)
        ?.map((c) => c.name)
        .sort(),
    ).toEqual(COMMAND_NAMES);
    expect(discord.commands.global).toEqual([]);
  });

  it('says when the bot is not in DEV_GUILD_ID', async () => {
    const { code, text } = await run(deployCommands, env({ DEV_GUILD_ID: '123456789012345678' }));
    expect(code).toBe(1);
    expect(text).toContain('the bot is not in the server DEV_GUILD_ID=123456789012345678');
  });

  it('tells to reset the token when Discord rejects it', async () => {
    const wrong = 'wrong-token.zyxwvu987654';
    const { code, text } = await run(deployCommands, env({ DISCORD_TOKEN: wrong }));
    expect(code).toBe(1);
    expect(text).toContain('Discord rejected DISCORD_TOKEN');
    expect(text).toContain('Reset Token');
    expect(discord.commands.global).toEqual([]);
    expectNoSecrets(text, wrong);
  });

  it('with no configuration, names DISCORD_TOKEN and RA_API_KEY', async () => {
    const { code, text } = await run(deployCommands, {});
    expect(code).toBe(78);
    expect(text).toContain('DISCORD_TOKEN');
    expect(text).toContain('RA_API_KEY');
    expect(discord.requests).toEqual([]);
  });
});
