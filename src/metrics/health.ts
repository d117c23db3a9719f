/**
 * Health: healthy while the gateway is connected, the database takes a write, and the last poll
 * cycle finished within a few cycles' time. The same verdict answers `/healthz` and goes into a
 * heartbeat file that `healthcheck.js` (Docker's HEALTHCHECK) reads, listener on or off.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import cron from 'node-cron';
import type { Logger } from '../log.js';
import { errorMessage } from '../util/error-message.js';

/** The last cycle may be this many cycles old before the bot counts as unhealthy. */
export const HEALTH_CYCLES = 3;
/** Never stricter than this, whatever the schedule (a 10-second cron must not flap). */
export const MIN_POLL_STALE_MS = 2 * 60_000;
/** The heartbeat file is rewritten this often; the probe wants it younger than HEARTBEAT_MAX_AGE_MS. */
export const HEARTBEAT_INTERVAL_MS = 15_000;
export const HEARTBEAT_MAX_AGE_MS = 2 * 60_000;

export interface HealthReport {
  ok: boolean;
  /** Why it is unhealthy; empty when ok. */
  reasons: string[];
  checkedAt: string;
  lastPollCycleAt: string | null;
  pollStaleAfterMs: number;
}

/** The longest gap between the schedule's next runs: how long one cycle may be expected to take. */
export function cronIntervalMs(expression: string): number {
  const task = cron.createTask(expression, () => undefined);
  try {
    const runs = task.getNextRuns(6).map((d) => d.getTime());
    let longest = 0;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
    return longest;
  } finally {
    void task.destroy();
  }
}

/** How old the last finished cycle may be: a few cycles, sized by the schedule or the cycles' real length. */
export function pollStaleAfterMs(cronMs: number, lastCycleMs: number): number {
  return Math.max(MIN_POLL_STALE_MS, HEALTH_CYCLES * Math.max(cronMs, lastCycleMs));
}

export interface HealthSources {
  gatewayConnected(): boolean;
  /** Throws when the database can't take a write. */
  writeProbe(): void;
  pollCron: string;
  now: () => Date;
  /** Where the heartbeat goes; omitted: no file. */
  heartbeatPath?: string;
  logger: Logger;
}

export interface HealthMonitor {
  check(): HealthReport;
  cycleFinished(report: { durationMs: number }): void;
  /** Writes the heartbeat now and then every HEARTBEAT_INTERVAL_MS until stop(). */
  start(): void;
  stop(): void;
}

export function createHealthMonitor(sources: HealthSources): HealthMonitor {
  const cronMs = cronIntervalMs(sources.pollCron);
  const startedAt = sources.now().getTime();
  let lastCycleAt: number | null = null;
  let lastCycleMs = 0;
  let timer: NodeJS.Timeout | undefined;

  function check(): HealthReport {
    const now = sources.now().getTime();
    const staleAfter = pollStaleAfterMs(cronMs, lastCycleMs);
    const reasons: string[] = [];
    if (!sources.gatewayConnected()) reasons.push('gateway: not connected to Discord');
    try {
      sources.writeProbe();
    } catch (error) {
      reasons.push(`database: not writable (${errorMessage(error)})`);
    }
    // Before the first cycle, the start counts as one: a fresh bot is healthy for as long.
    const age = now - (lastCycleAt ?? startedAt);
    if (age > staleAfter) {
      reasons.push(
        `poller: ${lastCycleAt === null ? 'no poll cycle has finished' : 'the last poll cycle finished'} ` +
          `${Math.round(age / 1000)} s ago (allowed ${Math.round(staleAfter / 1000)} s)`,
      );
    }
    return {
      ok: reasons.length === 0,
      reasons,
      checkedAt: new Date(now).toISOString(),
      lastPollCycleAt: lastCycleAt === null ? null : new Date(lastCycleAt).toISOString(),
      pollStaleAfterMs: staleAfter,
    };
  }

  function beat(): void {
    if (!sources.heartbeatPath) return;
    try {
      writeHeartbeat(sources.heartbeatPath, check());
    } catch (error) {
      sources.logger.warn({ err: errorMessage(error) }, 'could not write the heartbeat file');
    }
  }

  return {
    check,
    cycleFinished(report) {
      lastCycleAt = sources.now().getTime();
      lastCycleMs = report.durationMs;
      beat();
    },
    start() {
      beat();
      timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Heartbeat next to the database: `<DATABASE_PATH>.heartbeat`. */
export function heartbeatPath(databasePath: string): string {
  return `${databasePath}.heartbeat`;
}

export function writeHeartbeat(path: string, report: HealthReport): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report)}\n`);
  renameSync(temporary, path);
}

/** The heartbeat's verdict as the probe sees it: problems, or none. */
export function heartbeatProblems(path: string, nowMs: number): string[] {
  let report: HealthReport;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as HealthReport;
  } catch (error) {
    return [`heartbeat: cannot read ${path} (${errorMessage(error)}); is the bot running?`];
  }
  const age = nowMs - Date.parse(report.checkedAt);
  if (!(age <= HEARTBEAT_MAX_AGE_MS)) {
    return [`heartbeat: ${path} was last written ${Math.round(age / 1000)} s ago; is the bot running?`];
  }
  return report.ok ? [] : report.reasons;
}
