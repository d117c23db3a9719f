import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.js';
import { type FakeRa, startFakeRa } from '../fakes/ra/index.js';
import { expectNoComplaints } from './complaints.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/main.ts');
/** tsx's loader by absolute URL: the child runs in a temp folder with no node_modules of its own. */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

/** `npm start` without the build step: the same entry point, run from a clean working directory. */
function startMain(env: Record<string, string>, cwd: string): Run {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((done) => child.on('exit', (code) => done(code))),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString();
  });
  return run;
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the bot process', () => {
  it('exits non-zero before connecting anywhere, naming DISCORD_TOKEN and RA_API_KEY, when unconfigured', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cheevobot-noconf-'));
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    // Fakes at the configured addresses, to see that nothing connects to them.
    const discord = await startFakeDiscord({ token: 'unused' });
    const ra = await startFakeRa({ apiKey: 'unused' });
    cleanups.push(
      () => discord.close(),
      () => ra.close(),
    );
    const urls = { DISCORD_API_URL: discord.apiUrl, RA_API_URL: ra.url, RA_MEDIA_URL: ra.mediaUrl };
    const run = startMain(urls, cwd);
    cleanups.push(() => void run.child.kill('SIGKILL'));
    const code = await run.exit;
    expect(discord.requests).toEqual([]);
    expect(discord.identifies).toEqual([]);
    expect(ra.requests.all()).toEqual([]);
    expect(code).not.toBe(0);
    expect(run.stderr).toContain('DISCORD_TOKEN');
    expect(run.stderr).toContain('RA_API_KEY');
    expect(run.stderr.match(/Configuration is invalid/g)).toHaveLength(1);
    // Nothing was created: the database is only opened after configuration is valid.
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('starts against Discord and RA, logs one ready line, and exits 0 on SIGTERM leaving a checkpointed database', async () => {
    const discord: FakeDiscord = await startFakeDiscord({ token: 'proc.token' });
    cleanups.push(async () => {
      await discord.close();
      expectNoComplaints(discord);
    });
    const ra: FakeRa = await startFakeRa({ apiKey: 'ProcKey123' });
    cleanups.push(() => ra.close());
    discord.addChannel(discord.addGuild({ name: 'G' }).id, { name: 'general' });
    const cwd = mkdtempSync(join(tmpdir(), 'cheevobot-proc-'));
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));

    const run = startMain(
      {
        DISCORD_TOKEN: 'proc.token',
        RA_API_KEY: 'ProcKey123',
        DISCORD_API_URL: discord.apiUrl,
        RA_API_URL: ra.url,
        RA_MEDIA_URL: ra.mediaUrl,
        RA_SITE_URL: ra.siteUrl,
      },
      cwd,
    );
    cleanups.push(() => void run.child.kill('SIGKILL'));
    // Generous: a tsx-compiled process takes 15+ s to start on a loaded 2-core machine.
    await waitFor(() => run.stdout.includes('cheevobot ready'), 60_000, 'the ready line');
    expect(run.stdout.match(/cheevobot ready/g)).toHaveLength(1);
    expect(existsSync(join(cwd, 'data/cheevobot.sqlite'))).toBe(true);

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout).toContain('stopped cleanly');
    // A deliberate shutdown is not a lost connection.
    expect(run.stdout).not.toContain('reconnecting');
    // A clean close checkpoints the WAL into the main file.
    expect(existsSync(join(cwd, 'data/cheevobot.sqlite-wal'))).toBe(false);
    expect(`${run.stdout}${run.stderr}`).not.toContain('ProcKey123');
    expect(`${run.stdout}${run.stderr}`).not.toContain('proc.token');
  }, 90_000);

  it('refuses to start on a corrupt database: exits non-zero, names the file, and leaves it as it was', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cheevobot-corrupt-'));
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    mkdirSync(join(cwd, 'data'));
    const path = join(cwd, 'data/cheevobot.sqlite');
    const garbage = Buffer.alloc(16_384, 'not sqlite ');
    writeFileSync(path, garbage);
    // Nothing listens here: the database is checked before the bot connects anywhere.
    const run = startMain(
      {
        DISCORD_TOKEN: 'proc.token',
        RA_API_KEY: 'ProcKey123',
        DISCORD_API_URL: 'http://127.0.0.1:9/api',
        RA_API_URL: 'http://127.0.0.1:9/API',
      },
      cwd,
    );
    cleanups.push(() => void run.child.kill('SIGKILL'));
    expect(await run.exit).toBe(1);
    expect(run.stderr).toContain('data/cheevobot.sqlite is damaged');
    expect(run.stderr).toMatch(/left unchanged/);
    expect(readFileSync(path).equals(garbage)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
