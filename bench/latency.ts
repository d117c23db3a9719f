/**
 * Latency: unlock -> announcement enqueued, with the real schedule runner, follower watcher,
 * poller, RA client (rate limiter included), store and outbox against the fake RA, in compressed
 * time: the bot's clock, its timers, the fake world's clock and the RA rate all run `--speed`
 * times faster than real time (RA_REQUESTS_PER_SECOND=1 becomes `speed` requests a real second).
 *
 * World: N tracked users in 200 servers (1-3 each); ~5% playing at any time, sessions of 1-2 h,
 * ~3 unlocks an hour while playing (points from RA's mix, ~3% worth 0), points totals trailing
 * each unlock by 5 s. Scenarios: all / half / none of them follow the bot's RA account, for 250,
 * 1,000 and 5,000 users, and a baseline: today's design (one full poll cycle per POLL_CRON tick).
 * Each scenario warms up for `--warmup-min` virtual minutes, then measures `--hours`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.js';
import { createRaClient } from '../src/ra/client.js';
import { openDatabase, Store } from '../src/store/index.js';
import {
  createFollowerWatcher,
  followersShare,
  followerWatchIntervals,
  type WatchedList,
} from '../src/tracking/followers.js';
import { createPoller } from '../src/tracking/poller.js';
import { createScheduleRunner, scheduleMaxInFlight } from '../src/tracking/schedule-runner.js';
import type { Timers } from '../src/util/timers.js';
import { FakeWorld, startFakeRa } from '../test/fakes/ra/index.js';
import { type Figure, figure, numberOption, percentile, prng, report, round } from './lib.js';

const SECTION = 'latency';
const SPEED = numberOption('speed', 60);
const HOURS = numberOption('hours', 1);
const WARMUP_MIN = numberOption('warmup-min', 20);
const RATE = 1; // RA_REQUESTS_PER_SECOND being modelled
const POLL_EVERY_MS = 5 * 60_000; // POLL_CRON */5
const GUILDS = 200;
const GAMES = 120;
const SEED = numberOption('seed', 20261202);
const POINTS_MIX = [1, 2, 3, 4, 5, 5, 5, 10, 10, 10, 10, 25, 25, 50, 100];
const API_KEY = 'BenchLatencyKey0123456789';
const HOUR = 3_600_000;

interface Scenario {
  name: string;
  users: number;
  following: number;
  /** Which list the watched users are in: they follow the bot's RA account, or it follows them. */
  watchedBy?: 'follow' | 'followed';
  design: 'adaptive' | 'baseline';
}

interface Outcome {
  scenario: Scenario;
  unlocks: number;
  announced: number;
  medianS: number;
  p95S: number;
  meanRps: number;
  peakRps10s: number;
  peak1s: number;
  wallS: number;
}

/** A virtual clock running SPEED x real time, and timers on it. */
function compressedTime(startMs: number) {
  const realStart = performance.now();
  const now = () => new Date(startMs + (performance.now() - realStart) * SPEED);
  const timers: Timers = {
    setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms) / SPEED),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
  const toVirtual = (realMs: number) => startMs + (realMs - realStart) * SPEED;
  return { now, timers, toVirtual };
}

async function runScenario(scenario: Scenario): Promise<Outcome> {
  const rand = prng(SEED + scenario.users);
  const t0 = Date.UTC(2026, 0, 5, 12, 0, 0);
  const clock = compressedTime(t0);
  const world = new FakeWorld({ now: clock.now, pointsLagMs: 5_000 });
  const achievementsOf: number[][] = [];
  for (let g = 1; g <= GAMES; g++) {
    const size = rand.int(20, 60);
    const achievements = Array.from({ length: size }, (_, i) => ({
      id: g * 1000 + i,
      points: rand.next() < 0.03 ? 0 : rand.pick(POINTS_MIX),
    }));
    world.addGame({ id: g, title: `Game ${g}`, achievements });
    achievementsOf[g] = achievements.map((a) => a.id);
  }
  const ra = await startFakeRa({ apiKey: API_KEY, world, strictBadges: false });
  const dir = mkdtempSync(join(tmpdir(), 'cheevobot-latency-'));
  const store = new Store(openDatabase(join(dir, 'bot.sqlite')));
  const logger = createLogger({ level: 'silent' });
  const owner = world.addUser({ username: 'CheevoBot' });
  for (let g = 0; g < GUILDS; g++)
    store.updateGuildSettings(
      `9${String(g).padStart(17, '0')}`,
      { defaultChannelId: `8${String(g).padStart(17, '0')}` },
      t0,
    );
  const ulids: string[] = [];
  for (let i = 0; i < scenario.users; i++) {
    const user = world.addUser({ username: `P${i}` });
    ulids.push(user.ulid);
    if (i < scenario.following) {
      if (scenario.watchedBy === 'followed') world.botFollow(user.ulid);
      else world.follow(user.ulid);
    }
    const servers = rand.int(1, 3);
    for (let s = 0; s < servers; s++) {
      store.trackUser({
        guildId: `9${String(rand.int(0, GUILDS - 1)).padStart(17, '0')}`,
        ulid: user.ulid,
        displayName: user.displayName,
        userPic: user.userPic,
        addedBy: 'bench',
        now: t0 - HOUR,
      });
    }
  }
  void owner;

  // Activity: stationary start (5% mid-session), sessions 1-2 h, ~28.5 h apart on average.
  const end = t0 + (WARMUP_MIN * 60_000 + HOURS * HOUR);
  const events: { at: number; ulid: string; achievement: number; game: number; start: boolean }[] = [];
  for (const ulid of ulids) {
    let at = t0;
    let playing = rand.next() < 0.05;
    let left = playing ? rand.next() * (1 + rand.next()) * HOUR : -Math.log(1 - rand.next()) * 28.5 * HOUR;
    let used = new Set<number>();
    while (at < end) {
      if (playing) {
        const game = rand.int(1, GAMES);
        events.push({ at, ulid, achievement: 0, game, start: true });
        const sessionEnd = at + left;
        let t = at;
        for (;;) {
          t += -Math.log(1 - rand.next()) * (HOUR / 3);
          if (t >= sessionEnd) break;
          const pool = achievementsOf[game]!.filter((id) => !used.has(id));
          if (pool.length === 0) break;
          const id = rand.pick(pool);
          used.add(id);
          events.push({ at: t, ulid, achievement: id, game, start: false });
        }
        at = sessionEnd;
        left = -Math.log(1 - rand.next()) * 28.5 * HOUR;
      } else {
        at += left;
        left = (1 + rand.next()) * HOUR;
        used = new Set();
      }
      playing = !playing;
    }
  }
  events.sort((a, b) => a.at - b.at);

  const raClient = createRaClient({
    apiUrl: ra.url,
    apiKey: API_KEY,
    username: 'CheevoBot',
    requestsPerSecond: RATE * SPEED,
    logger,
  });
  const poller = createPoller({ store, ra: raClient, logger, now: clock.now, collapseThreshold: 3 });
  const runner = createScheduleRunner({
    poller,
    ra: raClient,
    store,
    logger,
    now: clock.now,
    timers: clock.timers,
    maxInFlight: scheduleMaxInFlight(RATE),
  });
  // Both lists, sharing one read budget, as the bot wires them (src/app.ts).
  const followersShareNow = () =>
    followersShare(store.followers.countTrackedFollowers(), store.following.countTrackedFollowers());
  const watchList = (list: WatchedList) =>
    createFollowerWatcher({
      ra: raClient,
      list,
      followers: list === 'followers' ? store.followers : store.following,
      logger,
      now: clock.now,
      timers: clock.timers,
      intervals: followerWatchIntervals(RATE),
      share: list === 'followers' ? followersShareNow : () => 1 - followersShareNow(),
      onPointsChanged: (changed) => runner.pointsChanged(changed),
    });
  const watchers =
    scenario.design === 'adaptive' && scenario.following > 0
      ? [watchList('followers'), watchList('following')]
      : [];

  const wallStart = performance.now();
  // Cron ticks every 5 virtual minutes (first one at t0).
  let baselineBusy = false;
  const tick = () => {
    if (scenario.design === 'adaptive') void runner.tick();
    else if (!baselineBusy) {
      baselineBusy = true;
      void poller.runCycle().finally(() => {
        baselineBusy = false;
      });
    }
  };
  tick();
  const cron = setInterval(tick, POLL_EVERY_MS / SPEED);
  if (scenario.design === 'adaptive') runner.start();
  for (const watcher of watchers) watcher.start();

  // Apply activity as virtual time passes.
  const unlockedAt = new Map<string, number>();
  let next = 0;
  const measureFrom = t0 + WARMUP_MIN * 60_000;
  await new Promise<void>((resolve) => {
    const step = setInterval(() => {
      const at = clock.now().getTime();
      while (next < events.length && events[next]!.at <= at) {
        const e = events[next++]!;
        if (e.start) world.play(e.ulid, e.game, new Date(e.at));
        else {
          world.unlock(e.ulid, e.achievement, { hardcore: true, at: new Date(e.at) });
          if (e.at >= measureFrom) unlockedAt.set(`${e.ulid}:${e.achievement}`, e.at);
        }
      }
      if (at >= end) {
        clearInterval(step);
        resolve();
      }
    }, 10);
  });
  clearInterval(cron);
  await Promise.all(watchers.map((watcher) => watcher.stop()));
  await runner.stop();
  const wallS = (performance.now() - wallStart) / 1000;

  // Unlock -> enqueue, from the outbox rows (virtual created_at).
  const enqueued = new Map<string, number>();
  const rows = store.db
    .prepare<[], { ulid: string; payload: string; created_at: number }>(
      'SELECT ulid, payload, created_at FROM outbox',
    )
    .all();
  for (const row of rows) {
    const payload = JSON.parse(row.payload) as {
      achievement?: { id: number };
      achievements?: { id: number }[];
    };
    for (const a of payload.achievements ?? (payload.achievement ? [payload.achievement] : [])) {
      const key = `${row.ulid}:${a.id}`;
      enqueued.set(key, Math.min(enqueued.get(key) ?? Number.POSITIVE_INFINITY, row.created_at));
    }
  }
  const latencies: number[] = [];
  let missing = 0;
  for (const [key, at] of unlockedAt) {
    const posted = enqueued.get(key);
    if (posted === undefined) missing++;
    else latencies.push((posted - at) / 1000);
  }
  // Unannounced by the end count as "at least the time left": they weigh on the p95, not vanish.
  for (const [key, at] of unlockedAt) if (!enqueued.has(key)) latencies.push((end - at) / 1000);

  const times = ra.requests
    .all()
    .filter((r) => r.endpoint !== 'media')
    .map((r) => clock.toVirtual(r.atMs))
    .filter((t) => t >= measureFrom)
    .sort((a, b) => a - b);
  let peak1 = 0;
  let peak10 = 0;
  for (let i = 0, j = 0, k = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    while (times[i]! - times[k]! >= 10_000) k++;
    // n starts inside a window are n - 1 gaps: the rate they prove is (n - 1) / window.
    peak1 = Math.max(peak1, i - j);
    peak10 = Math.max(peak10, i - k);
  }
  await raClient.close();
  await ra.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    scenario,
    unlocks: unlockedAt.size,
    announced: unlockedAt.size - missing,
    medianS: round(percentile(latencies, 50), 1),
    p95S: round(percentile(latencies, 95), 1),
    meanRps: round(times.length / ((end - measureFrom) / 1000), 3),
    peakRps10s: round(peak10 / 10, 2),
    peak1s: peak1,
    wallS: round(wallS, 1),
  };
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_LATENCY_SIZES ?? '1000,250,5000').split(',').map(Number);
  const scenarios: Scenario[] =
    process.env.BENCH_LATENCY_BASELINE === '0'
      ? []
      : [
          {
            name: 'baseline (today: full cycle per tick), 1,000 users',
            users: 1000,
            following: 0,
            design: 'baseline',
          },
        ];
  for (const users of sizes) {
    for (const [label, share] of [
      ['all', 1],
      ['half', 0.5],
      ['none', 0],
    ] as const) {
      scenarios.push({
        name: `${users} users, ${label} following`,
        users,
        following: Math.round(users * share),
        design: 'adaptive',
      });
    }
    scenarios.push({
      name: `${users} users, all followed by the bot (none following)`,
      users,
      following: users,
      watchedBy: 'followed',
      design: 'adaptive',
    });
  }
  const outcomes: Outcome[] = [];
  for (const scenario of scenarios) {
    const outcome = await runScenario(scenario);
    outcomes.push(outcome);
    console.error(
      `  ${scenario.name}: median ${outcome.medianS} s, p95 ${outcome.p95S} s, ${outcome.announced}/${outcome.unlocks} announced, RA ${outcome.meanRps} req/s mean, ${outcome.peakRps10s} peak (10 s), ${outcome.peak1s} in 1 s (${outcome.wallS} s wall)`,
    );
  }
  const figures: Figure[] = [];
  for (const o of outcomes) {
    const s = o.scenario;
    const follow = s.following === s.users ? 'all' : s.following === 0 ? 'none' : 'half';
    const medianTarget =
      s.design === 'baseline' || s.users !== 1000
        ? undefined
        : follow === 'all'
          ? { text: '<= 20 s', ok: o.medianS <= 20 }
          : follow === 'none'
            ? { text: '<= 180 s', ok: o.medianS <= 180 }
            : undefined;
    const p95Target =
      s.design === 'adaptive' && s.users === 1000 && follow === 'all'
        ? { text: '<= 60 s', ok: o.p95S <= 60 }
        : undefined;
    figures.push(figure(SECTION, `${s.name}: unlock -> enqueue median`, o.medianS, 's', medianTarget));
    figures.push(figure(SECTION, `${s.name}: unlock -> enqueue p95`, o.p95S, 's', p95Target));
    figures.push(
      figure(
        SECTION,
        `${s.name}: RA requests/s mean / peak over 10 s`,
        o.meanRps,
        'req/s',
        { text: '<= 1 peak', ok: o.peakRps10s <= RATE },
        `peak ${o.peakRps10s} req/s over 10 s (gaps), ${o.peak1s} gaps within one second (timer jitter at this speed); ${o.announced}/${o.unlocks} unlocks announced by the end`,
      ),
    );
  }
  const all = (users: number) =>
    outcomes.find(
      (o) =>
        o.scenario.users === users &&
        o.scenario.following === users &&
        o.scenario.watchedBy === undefined &&
        o.scenario.design === 'adaptive',
    );
  const small = all(250);
  const big = all(5000);
  if (small && big) {
    const growth = big.medianS / small.medianS;
    figures.push(
      figure(SECTION, 'followers median, 5,000 / 250 users', growth, 'x', { text: '< 2 x', ok: growth < 2 }),
    );
  }
  report({
    section: SECTION,
    figures,
    details: { speed: SPEED, hours: HOURS, warmupMin: WARMUP_MIN, outcomes },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
