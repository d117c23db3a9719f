import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runHealthcheck } from '../../src/healthcheck.js';
import { silentLogger } from '../../src/log.js';
import {
  createHealthMonitor,
  cronIntervalMs,
  HEARTBEAT_MAX_AGE_MS,
  heartbeatPath,
  pollStaleAfterMs,
} from '../../src/metrics/health.js';
import { openDatabase } from '../../src/store/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2026-03-01T12:00:00Z');

describe('health verdict', () => {
  it('sizes "a few cycles" from the schedule, or from cycles that run longer than it', () => {
    expect(cronIntervalMs('*/5 * * * *')).toBe(5 * 60_000);
    expect(cronIntervalMs('0 9,17 * * *')).toBe(16 * 3600_000);
    expect(pollStaleAfterMs(5 * 60_000, 1000)).toBe(15 * 60_000);
    expect(pollStaleAfterMs(5 * 60_000, 17 * 60_000)).toBe(51 * 60_000);
    expect(pollStaleAfterMs(10_000, 100)).toBe(2 * 60_000);
  });

  it('names every problem: gateway, database and poller at once', () => {
    let now = T0;
    let connected = true;
    let writable = true;
    const monitor = createHealthMonitor({
      gatewayConnected: () => connected,
      writeProbe: () => {
        if (!writable) throw new Error('attempt to write a readonly database');
      },
      pollCron: '*/5 * * * *',
      now: () => new Date(now),
      logger: silentLogger(),
    });
    expect(monitor.check()).toMatchObject({ ok: true, reasons: [], lastPollCycleAt: null });
    connected = false;
    writable = false;
    now += 20 * 60_000;
    expect(monitor.check()).toMatchObject({
      ok: false,
      reasons: [
        'gateway: not connected to Discord',
        'database: not writable (attempt to write a readonly database)',
        'poller: no poll cycle has finished 1200 s ago (allowed 900 s)',
      ],
    });
    connected = true;
    writable = true;
    monitor.cycleFinished({ durationMs: 1000 });
    expect(monitor.check()).toMatchObject({ ok: true, lastPollCycleAt: new Date(now).toISOString() });
  });
});

describe('the Docker HEALTHCHECK probe (healthcheck.js)', () => {
  function setup(): { path: string; heartbeat(ok: boolean, at: number): void } {
    const dir = mkdtempSync(join(tmpdir(), 'cheevobot-probe-'));
    dirs.push(dir);
    const path = join(dir, 'bot.sqlite');
    openDatabase(path).close();
    return {
      path,
      heartbeat(ok, at) {
        const monitor = createHealthMonitor({
          gatewayConnected: () => ok,
          writeProbe: () => undefined,
          pollCron: '*/5 * * * *',
          now: () => new Date(at),
          heartbeatPath: heartbeatPath(path),
          logger: silentLogger(),
        });
        monitor.start();
        monitor.stop();
      },
    };
  }
  const probe = (path: string | undefined, nowMs: number) => {
    const lines: string[] = [];
    const code = runHealthcheck({ DATABASE_PATH: path }, (l) => lines.push(l), nowMs);
    return { code, text: lines.join('\n') };
  };

  it('passes with a writable database and a fresh, healthy heartbeat', () => {
    const s = setup();
    s.heartbeat(true, T0);
    expect(probe(s.path, T0 + 30_000)).toEqual({ code: 0, text: 'healthy' });
  });

  it('fails on a stale heartbeat (the bot is hung or gone), or one that says why it is unhealthy', () => {
    const s = setup();
    s.heartbeat(true, T0);
    const stale = probe(s.path, T0 + HEARTBEAT_MAX_AGE_MS + 1000);
    expect(stale.code).toBe(1);
    expect(stale.text).toMatch(/heartbeat: .*bot\.sqlite\.heartbeat was last written 121 s ago/);

    s.heartbeat(false, T0);
    expect(probe(s.path, T0)).toEqual({ code: 1, text: 'unhealthy: gateway: not connected to Discord' });
  });

  it('fails without a database or a heartbeat, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cheevobot-probe-'));
    dirs.push(dir);
    const missing = join(dir, 'none.sqlite');
    const result = probe(missing, T0);
    expect(result.code).toBe(1);
    expect(result.text).toContain(`database: ${missing} is not writable`);
    expect(result.text).toMatch(/heartbeat: cannot read .*none\.sqlite\.heartbeat/);

    const s = setup();
    writeFileSync(heartbeatPath(s.path), 'garbage');
    expect(probe(s.path, T0).code).toBe(1);
  });
});
