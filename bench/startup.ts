/**
 * Start-up and idle: the compiled bot (`tsc -p tsconfig.build.json`, into a temp dir so the
 * shared dist/ is left alone) started as `node build/src/main.js` against the fake Discord and
 * fake RA running in this process, with 1,000 tracked users in 200 servers on disk. Measured
 * from spawn to the 'cheevobot ready' log line; idle RSS read from /proc/<pid>/status after
 * ~5 s idle (the poll cron is set not to fire).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase, Store } from '../src/store/index.js';
import { startFakeDiscord } from '../test/fakes/discord/index.js';
import { FakeWorld, startFakeRa } from '../test/fakes/ra/index.js';
import { type Figure, figure, median, numberOption, ROOT_DIR, report, round } from './lib.js';

const SECTION = 'startup';
const RUNS = numberOption('startup-runs', 3);
const IDLE_MS = numberOption('idle-ms', 5000);
const GUILDS = 200;
const USERS = 1000;
const TOKEN = 'fake-discord-token.bench';
const RA_KEY = 'BenchRaKey0123456789';
const NEVER = '0 0 1 1 *';
/**
 * Node flags for the bot process: by default the ones `npm start` and the Dockerfile use
 * (a 1 MB young generation keeps an idle bot's memory down); BENCH_NODE_FLAGS overrides them.
 */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=1').split(/\s+/).filter(Boolean);

const run = promisify(execFile);

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : Number.NaN;
}

function waitForLine(child: ChildProcess, pattern: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`no '${pattern}' within ${timeoutMs} ms:\n${buffer}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => l.includes(pattern));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited (${code}) before '${pattern}':\n${buffer}`));
    });
  });
}

/** RSS of a bare Node process, for scale. */
async function bareNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  const kb = statusKb(child.pid!, 'VmRSS');
  child.kill();
  return kb / 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cheevobot-bench-startup-'));
  try {
    // --- build --------------------------------------------------------------------------------
    const buildDir = join(dir, 'build');
    const buildStarted = performance.now();
    await run(process.execPath, [
      join(ROOT_DIR, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(ROOT_DIR, 'tsconfig.build.json'),
      '--outDir',
      buildDir,
    ]).catch((error: { stdout?: string }) => {
      // tsc still emits on type errors (another change in progress): run what was emitted.
      process.stderr.write(
        `  startup: tsc reported errors; using its output anyway\n${error.stdout ?? ''}\n`,
      );
    });
    const buildMs = performance.now() - buildStarted;
    writeFileSync(join(buildDir, 'package.json'), JSON.stringify({ type: 'module' }));
    symlinkSync(join(ROOT_DIR, 'node_modules'), join(buildDir, 'node_modules'), 'dir');

    // --- fakes and a database with 1,000 tracked users --------------------------------------------
    const ra = await startFakeRa({ apiKey: RA_KEY, world: new FakeWorld() });
    const discord = await startFakeDiscord({ token: TOKEN });
    const guildIds: string[] = [];
    for (let g = 0; g < GUILDS; g++) {
      const guild = discord.addGuild({ name: `Server ${g}` });
      for (let c = 0; c < 5; c++) discord.addChannel(guild.id, { name: `channel-${c}` });
      guildIds.push(guild.id);
    }
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const dbPath = join(dataDir, 'bot.sqlite');
    const store = new Store(openDatabase(dbPath));
    for (let u = 0; u < USERS; u++) {
      const ulid = `01HZZZZZZZ${String(u).padStart(16, '0')}`;
      for (let k = 0; k < 1 + (u % 3); k++) {
        store.trackUser({
          guildId: guildIds[(u * 7 + k * 31) % GUILDS]!,
          ulid,
          displayName: `Player${u}`,
          userPic: `/UserPic/Player${u}.png`,
          addedBy: '500000000000000000',
          now: Date.now(),
        });
      }
    }
    store.close();

    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      DISCORD_TOKEN: TOKEN,
      RA_API_KEY: RA_KEY,
      DATABASE_PATH: dbPath,
      DISCORD_API_URL: discord.apiUrl,
      RA_API_URL: ra.url,
      RA_MEDIA_URL: ra.mediaUrl,
      RA_SITE_URL: ra.siteUrl,
      POLL_CRON: NEVER,
      LOG_LEVEL: 'info',
    };

    // --- runs -----------------------------------------------------------------------------------
    const runs: {
      readyMs: number;
      selfReportedMs: number;
      idleRssMb: number;
      peakRssMb: number;
      anonymousMb: number;
      sharpLoaded: boolean;
    }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      // cwd = the temp dir: a developer's .env in the checkout must not leak into the run.
      const child = spawn(process.execPath, [...NODE_FLAGS, join(buildDir, 'src/main.js')], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = await waitForLine(child, 'cheevobot ready', 60_000);
      const readyMs = performance.now() - started;
      const selfReported = (JSON.parse(line) as { startupMs?: number }).startupMs ?? Number.NaN;
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const idleRssMb = statusKb(child.pid!, 'VmRSS') / 1024;
      const peakRssMb = statusKb(child.pid!, 'VmHWM') / 1024;
      const maps = readFileSync(`/proc/${child.pid}/maps`, 'utf8');
      const sharpLoaded = /libvips|sharp-/.test(maps);
      const rollup = readFileSync(`/proc/${child.pid}/smaps_rollup`, 'utf8');
      const anonMb = Number(/^Anonymous:\s+(\d+) kB/m.exec(rollup)?.[1] ?? Number.NaN) / 1024;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      runs.push({
        readyMs: round(readyMs, 1),
        selfReportedMs: selfReported,
        idleRssMb: round(idleRssMb, 1),
        peakRssMb: round(peakRssMb, 1),
        anonymousMb: round(anonMb, 1),
        sharpLoaded,
      });
      process.stderr.write(
        `  startup run ${i + 1}${i === 0 ? ' (registers commands)' : ''}: ready in ${runs.at(-1)!.readyMs} ms ` +
          `(bot says ${selfReported} ms), idle RSS ${runs.at(-1)!.idleRssMb} MB ` +
          `(anonymous ${runs.at(-1)!.anonymousMb} MB, sharp loaded: ${sharpLoaded})\n`,
      );
    }
    await discord.close();
    await ra.close();

    const ready = median(runs.map((r) => r.readyMs));
    const idle = median(runs.map((r) => r.idleRssMb));
    const bare = await bareNodeRssMb();
    const figures: Figure[] = [
      figure(
        SECTION,
        'process start to ready (median)',
        ready,
        'ms',
        undefined,
        `first run ${runs[0]!.readyMs} ms`,
      ),
      figure(SECTION, 'idle RSS after ready (median)', idle, 'MB', { text: '<= 120 MB', ok: idle <= 120 }),
    ];
    report({
      section: SECTION,
      figures,
      details: {
        command: `node ${NODE_FLAGS.join(' ')} build/src/main.js (tsc -p tsconfig.build.json)`.replace(
          '  ',
          ' ',
        ),
        trackedUsers: USERS,
        guilds: GUILDS,
        idleMs: IDLE_MS,
        buildMs: round(buildMs, 0),
        bareNodeRssMb: round(bare, 1),
        runs,
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
