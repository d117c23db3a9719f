/**
 * The bot's process in the simulation: the real `startBot` (everything but the gateway is the
 * production wiring; the gateway is the fake Discord's), on a scaled clock, restarted on the same
 * database when the simulation says so. It measures only itself: the longest event-loop stall,
 * peak RSS, when the game catalogue finished.
 *
 * Parent -> child (IPC): { op: 'start', clock } | { op: 'restart' } | { op: 'stop' }
 * Child -> parent: { type: 'loaded' | 'ready' | 'restarted' | 'catalogue' | 'stats' | 'failed', ... }
 *
 * The clock starts once the modules are loaded ('loaded' -> 'start'): loading them is not part of
 * the bot's day (at 200x, 4 real seconds of module loading would be 13 virtual minutes).
 */
import { subscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { type ClockSpec, installScaledTime } from './clock.js';

export interface BotProcessInput {
  /** Virtual start of the day and the speed; the epochs come with 'start'. */
  virtualStartMs: number;
  speed: number;
  env: Record<string, string>;
}

export interface BotProcessStats {
  /** Longest event-loop stall seen while the bot ran (real ms). */
  maxStallMs: number;
  /** Stalls over 100 real ms. */
  stallsOver100Ms: number;
  /**
   * The ten longest of them (50 ms sampling), with the virtual time they ended and the CPU the
   * process used meanwhile (all its threads): a stall with little CPU is the machine's (the
   * process was not running), one with CPU near its length is the bot's own synchronous work.
   */
  longestStalls: { atVirtualMs: number; ms: number; cpuMs: number; gcMs: number; lastLog: string }[];
  /** Stalls over 100 ms during which the process used at least 80% of a core: its own work. */
  stallsOver100MsOnCpu: number;
  /** The longest of those (real ms). */
  maxStallOnCpuMs: number;
  /**
   * Garbage-collector pauses (PerformanceObserver 'gc', real ms): how many took 50 ms or more, the
   * longest, and the longest major (mark-compact) one. Each stall above also says how much of it
   * was GC (`gcMs`) and the last log line before it (`lastLog`, component and message).
   */
  gcPausesOver50Ms: number;
  maxGcPauseMs: number;
  maxMajorGcPauseMs: number;
  peakRssMb: number;
  restarts: number;
  /** Starts that failed and were tried again (see `launch`). */
  failedStarts: number;
  /** Virtual ms of each "game catalogue refreshed" log line. */
  catalogueRefreshedAt: number[];
  /** Log lines at warn or above (counted by level), to show what the faults did. */
  warnings: number;
  errors: number;
  /** The first few error lines, for the report. */
  errorSamples: string[];
  /**
   * RA API requests as the bot sent them (undici's request:create, virtual ms, every attempt and
   * retry): the same count as where the fake received them, without the trip through a loaded
   * machine in between.
   */
  raSends: number;
  /** The most RA API request starts in any 10 virtual seconds at the bot (n starts = n - 1 gaps). */
  raSendPeakPer10s: number;
}

const input = JSON.parse(process.env.CHEEVOBOT_SIM_INPUT ?? '{}') as BotProcessInput;
// Until 'start': a day earlier, so the clock only ever moves forward.
const clock: ClockSpec = {
  realEpochMs: Date.now(),
  virtualEpochMs: input.virtualStartMs - 86_400_000,
  speed: input.speed,
};
const time = installScaledTime(clock);

const send = (msg: unknown) => process.send?.(msg);

async function main(): Promise<void> {
  // Loaded after the clock is installed, so every module sees the scaled clock and timers.
  const { startBot } = await import('../../src/app.js');
  const { loadConfig } = await import('../../src/config.js');
  const { createLogger } = await import('../../src/log.js');
  const config = loadConfig(input.env);
  const stats: BotProcessStats = {
    maxStallMs: 0,
    stallsOver100Ms: 0,
    longestStalls: [],
    stallsOver100MsOnCpu: 0,
    maxStallOnCpuMs: 0,
    gcPausesOver50Ms: 0,
    maxGcPauseMs: 0,
    maxMajorGcPauseMs: 0,
    peakRssMb: 0,
    restarts: 0,
    failedStarts: 0,
    catalogueRefreshedAt: [],
    warnings: 0,
    errors: 0,
    errorSamples: [],
    raSends: 0,
    raSendPeakPer10s: 0,
  };
  // Every RA API request the bot sends (not media), when it leaves the RA client's rate gate.
  const raOrigin = new URL(config.RA_API_URL).origin;
  const sends: number[] = [];
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { origin?: string | URL; path: string } };
    if (String(request.origin ?? '') !== raOrigin || !request.path.includes('/API_')) return;
    sends.push(time.now().getTime());
  });
  const sendPeak = () => {
    let peak = 0;
    for (let i = 0, j = 0; i < sends.length; i++) {
      while (sends[i]! - sends[j]! >= 10_000) j++;
      peak = Math.max(peak, i - j);
    }
    return peak;
  };
  // The last log line's component and message, to name what ran before a stall.
  let lastLog = '';
  const logger = createLogger({
    level: 'info',
    secrets: [config.DISCORD_TOKEN, config.RA_API_KEY],
    destination: {
      write(line: string) {
        const component = /"component":"([^"]*)"/.exec(line)?.[1] ?? '';
        lastLog = `${component}: ${/"msg":"([^"]*)"/.exec(line)?.[1] ?? ''}`;
        if (line.includes('game catalogue refreshed')) {
          stats.catalogueRefreshedAt.push(time.now().getTime());
          send({ type: 'catalogue', at: time.now().getTime() });
        }
        const level = /"level":(\d+)/.exec(line)?.[1];
        if (level === '40') stats.warnings++;
        else if (level === '50' || level === '60') {
          stats.errors++;
          if (stats.errorSamples.length < 10) stats.errorSamples.push(line.slice(0, 400));
        }
      },
    },
  });
  /**
   * Like a supervisor (Docker's restart policy): a start that fails (Discord not ready within
   * the login timeout) is tried again 5 virtual seconds later, and counted.
   */
  const launch = async () => {
    for (;;) {
      try {
        return await startBot(config, logger, () => time.now());
      } catch (error) {
        stats.failedStarts++;
        if (stats.errorSamples.length < 10) stats.errorSamples.push(`start failed: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    }
  };
  const started = new Promise<void>((resolve) => {
    process.on('message', function onStart(raw) {
      const msg = raw as { op: string; clock?: ClockSpec };
      if (msg.op !== 'start' || !msg.clock) return;
      process.off('message', onStart);
      Object.assign(clock, msg.clock);
      resolve();
    });
  });
  send({ type: 'loaded' });
  await started;
  let bot = await launch();

  // Stalls: the native histogram is unaffected by the scaled timers (it reads the real clock).
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // GC pauses of 5 ms or more (real ms on the native clock, as realPerformanceNow), kept a while
  // so a stall can say how much of it was GC (entries arrive after the pause, not during it).
  const gcPauses: { start: number; end: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      stats.maxGcPauseMs = Math.max(stats.maxGcPauseMs, Math.round(entry.duration));
      // NODE_PERFORMANCE_GC_MAJOR = 4 (mark-compact).
      if (kind === 4) stats.maxMajorGcPauseMs = Math.max(stats.maxMajorGcPauseMs, Math.round(entry.duration));
      if (entry.duration >= 50) stats.gcPausesOver50Ms++;
      if (entry.duration >= 5)
        gcPauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
    }
    while (gcPauses.length > 200) gcPauses.shift();
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  /** Stalls waiting for their GC figure: the observer reports a pause after it ended. */
  const pendingStalls: { from: number; to: number; stall: BotProcessStats['longestStalls'][number] }[] = [];
  const settleStalls = () => {
    for (const { from, to, stall } of pendingStalls.splice(0)) {
      let gc = 0;
      for (const pause of gcPauses) gc += Math.max(0, Math.min(to, pause.end) - Math.max(from, pause.start));
      stall.gcMs = Math.round(gc);
    }
  };
  let lastCheck = time.realPerformanceNow();
  let lastCpu = process.cpuUsage();
  const stallWatch = setInterval(() => {
    const at = time.realPerformanceNow();
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    // setInterval is scaled: this runs every ~50 real ms whatever the speed.
    const late = at - lastCheck - 50;
    if (pendingStalls.length > 0) settleStalls();
    if (late > 100) {
      stats.stallsOver100Ms++;
      if (cpuMs >= 0.8 * (at - lastCheck)) {
        stats.stallsOver100MsOnCpu++;
        stats.maxStallOnCpuMs = Math.max(stats.maxStallOnCpuMs, Math.round(late));
      }
      // The longest ones and when (virtual), to find what stalled next to the bot's log.
      const stall = {
        atVirtualMs: time.now().getTime(),
        ms: Math.round(late),
        cpuMs: Math.round(cpuMs),
        gcMs: 0,
        lastLog,
      };
      pendingStalls.push({ from: lastCheck, to: at, stall });
      stats.longestStalls.push(stall);
      stats.longestStalls.sort((a, b) => b.ms - a.ms);
      stats.longestStalls.length = Math.min(stats.longestStalls.length, 10);
    }
    lastCheck = at;
    stats.peakRssMb = Math.max(stats.peakRssMb, process.memoryUsage.rss() / 2 ** 20);
  }, 50 * input.speed);
  send({ type: 'ready' });

  let busy: Promise<void> = Promise.resolve();
  process.on('message', (raw) => {
    const msg = raw as { op: string };
    if (msg.op === 'start') return;
    busy = busy.then(async () => {
      if (msg.op === 'restart') {
        await bot.stop();
        bot = await launch();
        stats.restarts++;
        send({ type: 'restarted' });
      } else if (msg.op === 'stop') {
        await bot.stop();
        clearInterval(stallWatch);
        delay.disable();
        gcObserver.disconnect();
        settleStalls();
        stats.maxStallMs = Math.max(stats.maxStallMs, delay.max / 1e6);
        stats.raSends = sends.length;
        stats.raSendPeakPer10s = sendPeak();
        stats.peakRssMb = Math.max(stats.peakRssMb, process.resourceUsage().maxRSS / 1024);
        send({ type: 'stats', stats });
        setImmediate(() => process.exit(0));
      }
    });
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setImmediate(() => process.exit(1));
});
