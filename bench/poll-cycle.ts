/**
 * Poll cycle: the real poller, RA client (rate limiter included) and Store against the fake RA,
 * which runs in a child process so only the bot's CPU is measured here.
 *
 * 1,000 tracked users in 200 servers (1-3 servers each), each with a backdated earned history
 * already stored; per measured cycle 5% of them earn 1-10 achievements over 1-2 games.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { EarnedTimes } from '../src/domain/detection.js';
import { createLogger } from '../src/log.js';
import { createRaClient } from '../src/ra/client.js';
import type { AwardKind } from '../src/ra/types.js';
import { openDatabase, Store } from '../src/store/index.js';
import { createPoller, pollerUserConcurrency } from '../src/tracking/poller.js';
import {
  BENCH_DIR,
  type Figure,
  figure,
  forkTs,
  ipcClient,
  median,
  numberOption,
  peakRssMb,
  prng,
  report,
  round,
  rssSampler,
} from './lib.js';

const SECTION = 'poll';
const USERS = numberOption('users', 1000);
const GUILDS = numberOption('guilds', 200);
const GAMES = numberOption('games', 400);
const CYCLES = numberOption('cycles', 5);
const ACTIVE_FRACTION = numberOption('active-fraction', 0.05);
const RPS = numberOption('rps', 100);
const LATENCY_MS = numberOption('latency', 80);
/** 0 = what src/app.ts passes (nothing: the client's default). */
const RA_MAX_CONCURRENCY = numberOption('ra-max-concurrency', 0);
/** 0 = what src/app.ts passes (nothing: the poller's default). */
const USER_CONCURRENCY = numberOption('user-concurrency', 0);
const SEED = numberOption('seed', 20240601);
const COLLAPSE_THRESHOLD = 3; // config default (ANNOUNCE_COLLAPSE_THRESHOLD)
/** Set BENCH_PROFILE=file.cpuprofile to profile the measured cycles only (not the setup). */
const PROFILE_FILE = process.env.BENCH_PROFILE;

type StoreMethod =
  | 'listPollTargets'
  | 'gamesNeedingRecheck'
  | 'getGameState'
  | 'applyUserDetections'
  | 'failingGames'
  | 'recordPollSuccess'
  | 'recordPollSuccesses'
  | 'recordPollFailure';
const TIMED_METHODS: StoreMethod[] = [
  'listPollTargets',
  'gamesNeedingRecheck',
  'getGameState',
  'applyUserDetections',
  'failingGames',
  'recordPollSuccess',
  'recordPollSuccesses',
  'recordPollFailure',
];

/** Wraps the Store's poll-path methods with timers (the bench's instrumentation, not src's). */
function instrument(store: Store): { reset(): void; read(): Record<string, { calls: number; ms: number }> } {
  let totals: Record<string, { calls: number; ms: number }> = {};
  const target = store as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of TIMED_METHODS) {
    const original = target[name]!.bind(store);
    target[name] = (...args: unknown[]) => {
      const started = performance.now();
      try {
        return original(...args);
      } finally {
        const t = totals[name] ?? { calls: 0, ms: 0 };
        totals[name] = t;
        t.calls++;
        t.ms += performance.now() - started;
      }
    };
  }
  return {
    reset: () => {
      totals = {};
    },
    read: () => totals,
  };
}

interface CycleFigures {
  cycle: number;
  activeUsers: number;
  requests: number;
  byEndpoint: Record<string, number>;
  idleUsers: number;
  idleRequestsMax: number;
  idleRequestsMean: number;
  activeRequestsMean: number;
  activeExpectedMean: number;
  activeOverExpected: number;
  wallMs: number;
  floorMs: number;
  wallOverFloor: number;
  cpuMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  cpuPercentOfWall: number;
  /** Bot CPU per RA request, µs. */
  cpuPerRequestUs: number;
  /** A bare undici GET's CPU, µs, measured just before this cycle. */
  rawGetCpuUs: number;
  /** cpuPerRequestUs / rawGetCpuUs. */
  cpuRatio: number;
  fakeRaCpuMs: number;
  sqliteMs: number;
  sqliteByMethod: Record<string, { calls: number; ms: number }>;
  enqueued: number;
  failedUsers: number;
  gamesDiffed: number;
  peakRssMb: number;
}

/** What this machine charges for an idle event-loop wake-up (informational). */
async function idleWakeUs(): Promise<number> {
  let wakes = 0;
  const c0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (++wakes >= 200) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const c = process.cpuUsage(c0);
  return round((c.user + c.system) / wakes, 1);
}

/** Bare undici GETs per calibration batch: about as long as a cycle (10 s at 100 rps). */
const RAW_GETS = numberOption('raw-gets', 1000);

/**
 * The floor the bot's CPU per RA request is judged against: one plain undici GET (own keep-alive
 * pool, JSON.parse of the body, no client, no poller) to the same fake at the same rate and
 * latency, in this process. A batch runs right before each measured cycle, so both see the same
 * machine load; the ratio is taken per cycle, then the median.
 */
function rawGetMeter(endpoints: { url: string; apiKey: string }, ulids: string[]) {
  const url = new URL(endpoints.url);
  const pool = new Pool(url.origin, { connections: 16 });
  const get = async (i: number) => {
    const res = await pool.request({
      path: `${url.pathname}/API_GetUserRecentAchievements.php?u=${ulids[i % ulids.length]}&m=11&y=${endpoints.apiKey}`,
      method: 'GET',
    });
    return JSON.parse(await res.body.text()) as unknown;
  };
  return {
    /** CPU µs per bare GET over one batch. */
    async measure(): Promise<number> {
      await get(0);
      const c0 = process.cpuUsage();
      const inFlight: Promise<unknown>[] = [];
      for (let i = 0; i < RAW_GETS; i++) {
        inFlight.push(get(i));
        await new Promise((r) => setTimeout(r, 1000 / RPS));
      }
      await Promise.all(inFlight);
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / RAW_GETS;
    },
    close: () => pool.close(),
  };
}

async function main(): Promise<void> {
  const rssAtStart = process.memoryUsage.rss() / 2 ** 20;
  const child = forkTs(join(BENCH_DIR, 'fake-ra-process.ts'), ['--latency', String(LATENCY_MS)]);
  const fake = ipcClient(child);
  const endpoints = await fake.waitFor<{ url: string; mediaUrl: string; apiKey: string }>('ready');

  // --- world and store -----------------------------------------------------------------------
  const setupStarted = performance.now();
  const world = await fake.call<{
    users: { ulid: string; username: string; userPic: string }[];
    history: {
      ulid: string;
      gameId: number;
      earned: [number, number, number | null][];
      highestAward: string | null;
    }[];
  }>('setup', { users: USERS, games: GAMES, seed: SEED });

  const dir = mkdtempSync(join(tmpdir(), 'cheevobot-bench-poll-'));
  const store = new Store(openDatabase(join(dir, 'bot.sqlite')));
  const rand = prng(SEED + 1);
  const setupNow = Date.now() - 60_000;
  const guildIds = Array.from({ length: GUILDS }, (_, i) => String(300_000_000_000_000_000n + BigInt(i)));
  for (const [i, guildId] of guildIds.entries()) {
    store.updateGuildSettings(
      guildId,
      { defaultChannelId: String(400_000_000_000_000_000n + BigInt(i)) },
      setupNow,
    );
  }
  let subscriptions = 0;
  for (const user of world.users) {
    const guilds = new Set<string>();
    const want = rand.int(1, 3);
    while (guilds.size < want) guilds.add(rand.pick(guildIds));
    for (const guildId of guilds) {
      store.trackUser({
        guildId,
        ulid: user.ulid,
        displayName: user.username,
        userPic: user.userPic,
        addedBy: '500000000000000000',
        now: setupNow,
      });
      subscriptions++;
    }
  }
  // The earned history the bot would have stored on earlier polls (steady state, not first sight).
  let historyRows = 0;
  for (const h of world.history) {
    const earned = new Map<number, EarnedTimes>(
      h.earned.map(([id, soft, hard]) => [id, { softcoreAt: soft, hardcoreAt: hard }]),
    );
    historyRows += earned.size;
    store.applyGameDetection({
      ulid: h.ulid,
      gameId: h.gameId,
      detection: {
        unlocks: [],
        award: null,
        nextState: { earned, highestAward: h.highestAward as AwardKind | null },
        awardLikelyPending: false,
      },
      rows: [],
      now: setupNow,
    });
  }
  const setupMs = performance.now() - setupStarted;

  // --- the bot's side, wired as src/app.ts wires it -------------------------------------------
  const logger = createLogger({ level: 'info', destination: { write: () => true } });
  const ra = createRaClient({
    apiUrl: endpoints.url,
    apiKey: endpoints.apiKey,
    requestsPerSecond: RPS,
    timeoutMs: 15_000,
    logger: logger.child({ component: 'ra' }),
    ...(RA_MAX_CONCURRENCY > 0 ? { maxConcurrency: RA_MAX_CONCURRENCY } : {}),
  });
  const poller = createPoller({
    store,
    ra,
    logger: logger.child({ component: 'poller' }),
    now: () => new Date(),
    collapseThreshold: COLLAPSE_THRESHOLD,
    userConcurrency: USER_CONCURRENCY > 0 ? USER_CONCURRENCY : pollerUserConcurrency(RPS),
  });
  const timers = instrument(store);
  // Setup garbage (the world's history over IPC) must not count as the cycles' peak.
  (globalThis as { gc?: () => void }).gc?.();
  const sampler = rssSampler(50);
  let profiler: Session | null = null;

  const rawGets = rawGetMeter(
    endpoints,
    world.users.map((u) => u.ulid),
  );
  const cycles: CycleFigures[] = [];
  // Cycle 0 is a warm-up with nobody active (first poll after tracking: opens the connections).
  for (let cycle = 0; cycle <= CYCLES; cycle++) {
    const { active } =
      cycle === 0
        ? { active: [] as { ulid: string; games: number[]; unlocks: number }[] }
        : await fake.call<{ active: { ulid: string; games: number[]; unlocks: number }[] }>('activity', {
            fraction: ACTIVE_FRACTION,
            seed: SEED + 100 + cycle,
          });
    const rawGetCpuUs = cycle === 0 ? Number.NaN : await rawGets.measure();
    await fake.call('requests'); // clear the log
    if (cycle === 1 && PROFILE_FILE) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const fakeCpuBefore = await fake.call<NodeJS.CpuUsage>('cpu');
    timers.reset();
    sampler.reset();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await poller.runCycle();
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cyclePeak = sampler.peak();
    const fakeCpuAfter = await fake.call<NodeJS.CpuUsage>('cpu');
    const log = await fake.call<{
      byUser: Record<string, number>;
      byEndpoint: Record<string, number>;
      total: number;
    }>('requests');

    const activeSet = new Map(active.map((a) => [a.ulid, a]));
    const idleCounts: number[] = [];
    let activeRequests = 0;
    let activeExpected = 0;
    let activeOver = 0;
    for (const user of world.users) {
      const n = log.byUser[user.ulid] ?? 0;
      const a = activeSet.get(user.ulid);
      if (a) {
        const expected = 1 + a.games.length;
        activeRequests += n;
        activeExpected += expected;
        if (n > expected) activeOver++;
      } else idleCounts.push(n);
    }
    const sqlite = timers.read();
    const sqliteMs = Object.values(sqlite).reduce((s, t) => s + t.ms, 0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const floorMs = (log.total / RPS) * 1000;
    const fig: CycleFigures = {
      cycle,
      activeUsers: active.length,
      requests: log.total,
      byEndpoint: log.byEndpoint,
      idleUsers: idleCounts.length,
      idleRequestsMax: Math.max(...idleCounts),
      idleRequestsMean: round(idleCounts.reduce((s, n) => s + n, 0) / idleCounts.length, 3),
      activeRequestsMean: active.length ? round(activeRequests / active.length, 3) : 0,
      activeExpectedMean: active.length ? round(activeExpected / active.length, 3) : 0,
      activeOverExpected: activeOver,
      wallMs: round(wallMs, 1),
      floorMs: round(floorMs, 1),
      wallOverFloor: round(wallMs / floorMs, 3),
      cpuMs: round(cpuMs, 1),
      cpuUserMs: round(cpu.user / 1000, 1),
      cpuSystemMs: round(cpu.system / 1000, 1),
      cpuPercentOfWall: round((cpuMs / wallMs) * 100, 2),
      cpuPerRequestUs: round((cpuMs * 1000) / log.total, 1),
      rawGetCpuUs: round(rawGetCpuUs, 1),
      cpuRatio: round((cpuMs * 1000) / log.total / rawGetCpuUs, 3),
      fakeRaCpuMs: round(
        (fakeCpuAfter.user + fakeCpuAfter.system - fakeCpuBefore.user - fakeCpuBefore.system) / 1000,
        1,
      ),
      sqliteMs: round(sqliteMs, 1),
      sqliteByMethod: Object.fromEntries(
        Object.entries(sqlite).map(([k, v]) => [k, { calls: v.calls, ms: round(v.ms, 1) }]),
      ),
      enqueued: result.enqueued,
      failedUsers: result.failedUsers,
      gamesDiffed: result.gamesDiffed,
      peakRssMb: round(cyclePeak, 1),
    };
    cycles.push(fig);
    process.stderr.write(
      `  poll cycle ${cycle}${cycle === 0 ? ' (warm-up, idle)' : ''}: ${fig.requests} requests, ` +
        `wall ${fig.wallMs} ms vs floor ${fig.floorMs} ms (x${fig.wallOverFloor}), cpu ${fig.cpuMs} ms ` +
        `(${fig.cpuPerRequestUs} us/req = ${fig.cpuRatio} x bare GET ${fig.rawGetCpuUs} us), sqlite ${fig.sqliteMs} ms, enqueued ${fig.enqueued}, rss ${fig.peakRssMb} MB\n`,
    );
  }
  const peakDuringCycles = sampler.stop();
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(PROFILE_FILE!, JSON.stringify(profile));
    profiler.disconnect();
  }
  const stats = ra.stats();
  await ra.close();
  await rawGets.close();
  const calibration = { idleWakeUs: await idleWakeUs(), rawGetsPerBatch: RAW_GETS };
  store.close();
  await fake.call('close').catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });

  const measured = cycles.slice(1);
  const med = (pick: (c: CycleFigures) => number) => median(measured.map(pick));
  const idleMax = Math.max(...measured.map((c) => c.idleRequestsMax));
  const activeOver = Math.max(...measured.map((c) => c.activeOverExpected));
  const ratio = med((c) => c.wallOverFloor);
  const cpuRatio = med((c) => c.cpuRatio);
  const raConcurrency = RA_MAX_CONCURRENCY > 0 ? String(RA_MAX_CONCURRENCY) : 'client default';
  const userConcurrency = String(USER_CONCURRENCY > 0 ? USER_CONCURRENCY : pollerUserConcurrency(RPS));
  const label = `${RPS} rps, ${LATENCY_MS} ms, RA maxConcurrency ${raConcurrency}, poller users ${userConcurrency}`;
  const figures: Figure[] = [
    figure(SECTION, 'RA requests per idle user per cycle (max)', idleMax, 'req', {
      text: '<= 1',
      ok: idleMax <= 1,
    }),
    figure(
      SECTION,
      'RA requests per active user (mean; expected 1 + games)',
      med((c) => c.activeRequestsMean),
      'req',
      { text: `= ${med((c) => c.activeExpectedMean)} (1 + games)`, ok: activeOver === 0 },
      `${activeOver} active users above 1 + games in the worst cycle`,
    ),
    figure(
      SECTION,
      'RA requests per cycle (median)',
      med((c) => c.requests),
      'req',
    ),
    figure(
      SECTION,
      'cycle wall time (median)',
      med((c) => c.wallMs),
      'ms',
      undefined,
      label,
    ),
    figure(
      SECTION,
      'cycle floor = requests / rps (median)',
      med((c) => c.floorMs),
      'ms',
    ),
    figure(SECTION, 'cycle wall / floor (median)', ratio, 'x', { text: '<= 1.1', ok: ratio <= 1.1 }),
    figure(
      SECTION,
      'bot CPU per cycle (median)',
      med((c) => c.cpuMs),
      'ms',
    ),
    figure(
      SECTION,
      'bot CPU per RA request / bare undici GET (median)',
      cpuRatio,
      'x',
      { text: '<= 1.3', ok: cpuRatio <= 1.3 },
      `per cycle: ${measured.map((c) => c.cpuRatio).join(', ')}; bot ${med((c) => c.cpuPerRequestUs)} us vs bare GET ${med((c) => c.rawGetCpuUs)} us per request at ${RPS} rps (bare GETs measured before each cycle, same process)`,
    ),
    figure(
      SECTION,
      'bot CPU per RA request (median)',
      med((c) => c.cpuPerRequestUs),
      'us',
      undefined,
      `idle event-loop wake ${calibration.idleWakeUs} us; CPU % of wall ${med((c) => c.cpuPercentOfWall)} (scales with rps)`,
    ),
    figure(
      SECTION,
      'SQLite time per cycle (median)',
      med((c) => c.sqliteMs),
      'ms',
    ),
    figure(
      SECTION,
      'announcements enqueued per cycle (median)',
      med((c) => c.enqueued),
      'rows',
    ),
    figure(SECTION, 'peak RSS during cycles', peakDuringCycles, 'MB', {
      text: '<= 200 MB',
      ok: peakDuringCycles <= 200,
    }),
  ];
  report({
    section: SECTION,
    figures,
    details: {
      config: {
        users: USERS,
        guilds: GUILDS,
        subscriptions,
        games: GAMES,
        historyGames: world.history.length,
        historyEarnedRows: historyRows,
        activeFraction: ACTIVE_FRACTION,
        cycles: CYCLES,
        requestsPerSecond: RPS,
        latencyMs: LATENCY_MS,
        raMaxConcurrency: raConcurrency,
        pollerUserConcurrency: userConcurrency,
        seed: SEED,
      },
      setupMs: round(setupMs, 0),
      rssAtStartMb: round(rssAtStart, 1),
      peakRssDuringCyclesMb: round(peakDuringCycles, 1),
      maxRssLifetimeMb: round(peakRssMb(), 1),
      raClientStats: stats,
      calibration,
      cycles,
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
