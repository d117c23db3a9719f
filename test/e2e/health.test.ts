/**
 * The optional /healthz and /metrics listener against the real bot (fake Discord, fake RA), and
 * the heartbeat file the Docker HEALTHCHECK probe reads.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { heartbeatPath } from '../../src/metrics/health.js';
import type { Harness } from './harness.js';
import { addGame, MINUTE, startTracking } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function url(harness: Harness, path: string): string {
  const address = harness.bot.metricsAddress;
  if (!address) throw new Error('no metrics listener');
  return `http://${address.host}:${address.port}${path}`;
}

async function healthz(
  harness: Harness,
): Promise<{ status: number; body: { ok: boolean; reasons: string[] } }> {
  const res = await fetch(url(harness, '/healthz'));
  return { status: res.status, body: (await res.json()) as { ok: boolean; reasons: string[] } };
}

async function metricsText(harness: Harness): Promise<string> {
  const res = await fetch(url(harness, '/metrics'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one series line, e.g. `cheevobot_ra_requests_total{endpoint="X",outcome="ok"}`. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const EVERY_5_MIN = '*/5 * * * *';

describe('/healthz', () => {
  it('is 200 while connected, writable and polling; 503 naming the poller when cycles stop, 200 again after one', async () => {
    const s = await startTracking({ env: { METRICS_PORT: '0', POLL_CRON: EVERY_5_MIN } });
    h = s.h;
    expect(h.bot.metricsAddress?.host).toBe('127.0.0.1');
    const fresh = await healthz(h);
    expect(fresh).toMatchObject({ status: 200, body: { ok: true, reasons: [] } });

    // Three 5-minute cycles' time without a finished cycle.
    s.clock.advance(16 * MINUTE);
    const stale = await healthz(h);
    expect(stale.status).toBe(503);
    expect(stale.body.ok).toBe(false);
    expect(stale.body.reasons).toHaveLength(1);
    expect(stale.body.reasons[0]).toMatch(
      /^poller: no poll cycle has finished 96\d s ago \(allowed 900 s\)$/,
    );

    await h.bot.poller.runCycle();
    expect(await healthz(h)).toMatchObject({ status: 200, body: { ok: true } });
    s.clock.advance(14 * MINUTE);
    expect((await healthz(h)).status).toBe(200);
    s.clock.advance(2 * MINUTE);
    expect((await healthz(h)).body.reasons[0]).toMatch(/^poller: the last poll cycle finished/);
  });

  it('is 503 naming the gateway while Discord is not connected', async () => {
    const s = await startTracking({ env: { METRICS_PORT: '0' } });
    h = s.h;
    expect((await healthz(h)).status).toBe(200);
    // 4004: the token was refused; discord.js does not reconnect.
    h.discord.disconnectGateway(4004);
    let down = await healthz(h);
    for (let i = 0; i < 50 && down.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      down = await healthz(h);
    }
    expect(down.status).toBe(503);
    expect(down.body.reasons).toEqual(['gateway: not connected to Discord']);
  });

  it('is off by default, while the heartbeat file for the Docker probe is still written', async () => {
    const s = await startTracking();
    h = s.h;
    expect(h.bot.metricsAddress).toBeNull();
    expect(existsSync(heartbeatPath(h.config.DATABASE_PATH))).toBe(true);
  });
});

describe('/metrics', () => {
  it('exposes RA requests and 429s, limiter waits, cycle duration, unlock-to-post latency, outbox and Discord errors, process metrics', async () => {
    const s = await startTracking({
      env: { METRICS_PORT: '0' },
      overrides: { ra: { maxRetries: 2, baseBackoffMs: 10 } },
    });
    h = s.h;
    s.world.addUser({ username: 'Scott' });
    const ids = addGame(s.world, 40, 'Golden Axe', 6);
    await h.slash(h.admin, 'track', { subcommand: 'add', options: { user: 'Scott' } });

    s.clock.advance(MINUTE);
    s.world.unlock('Scott', ids[0]!);
    s.clock.advance(2 * MINUTE);
    h.ra.faults.add('GetUserRecentAchievements', { type: 'status', status: 429, retryAfter: 0 }, 1);
    await h.pollAndDrain();
    expect(h.discord.channelMessages(h.channel.id)).toHaveLength(1);

    // A second unlock whose post Discord refuses (missing permission): held, counted by code.
    const route = new RegExp(`^/channels/${h.channel.id}/messages$`);
    h.discord.faults.add({ method: 'POST', route, status: 403 });
    s.world.unlock('Scott', ids[1]!);
    await h.pollAndDrain();

    const text = await metricsText(h);
    expect(series(text, 'cheevobot_ra_requests_total', { endpoint: 'GetUserProfile', outcome: 'ok' })).toBe(
      1,
    );
    expect(
      series(text, 'cheevobot_ra_requests_total', {
        endpoint: 'GetUserRecentAchievements',
        outcome: 'rate-limited',
      }),
    ).toBe(1);
    expect(
      series(text, 'cheevobot_ra_requests_total', { endpoint: 'GetUserRecentAchievements', outcome: 'ok' }),
    ).toBe(2);
    expect(series(text, 'cheevobot_ra_rate_limited_total', { endpoint: 'GetUserRecentAchievements' })).toBe(
      1,
    );
    expect(series(text, 'cheevobot_ra_limiter_wait_seconds_count', { lane: 'background' })).toBeGreaterThan(
      0,
    );
    expect(series(text, 'cheevobot_ra_limiter_wait_seconds_count', { lane: 'interactive' })).toBeGreaterThan(
      0,
    );
    expect(series(text, 'cheevobot_poll_cycle_duration_seconds_count')).toBe(2);
    expect(series(text, 'cheevobot_poll_last_cycle_finished_timestamp_seconds')).toBeGreaterThan(0);
    // Posted 2 minutes (of the test clock) after the unlock, plus the test's own run time.
    expect(series(text, 'cheevobot_unlock_to_post_seconds_count', { kind: 'unlock' })).toBe(1);
    const latency = series(text, 'cheevobot_unlock_to_post_seconds_sum', { kind: 'unlock' })!;
    expect(latency).toBeGreaterThanOrEqual(120);
    expect(latency).toBeLessThan(180);
    expect(series(text, 'cheevobot_unlock_to_post_seconds_bucket', { kind: 'unlock', le: '120' })).toBe(0);
    expect(series(text, 'cheevobot_unlock_to_post_seconds_bucket', { kind: 'unlock', le: '300' })).toBe(1);
    expect(series(text, 'cheevobot_announcements_posted_total', { kind: 'unlock' })).toBe(1);
    expect(series(text, 'cheevobot_outbox_rows', { state: 'held', reason: 'waiting' })).toBe(1);
    expect(series(text, 'cheevobot_discord_errors_total', { source: 'post', code: '50013' })).toBe(1);
    expect(series(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(series(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('follows the adaptive schedule: polls it starts keep /healthz at 200, and users are counted per tier', async () => {
    const s = await startTracking({ env: { METRICS_PORT: '0', POLL_CRON: EVERY_5_MIN } });
    h = s.h;
    for (const name of ['Scott', 'Ada']) {
      s.world.addUser({ username: name });
      await h.slash(h.admin, 'track', { subcommand: 'add', options: { user: name } });
    }
    s.clock.advance(16 * MINUTE);
    expect((await healthz(h)).status).toBe(503);

    // A POLL_CRON tick: the schedule polls both users (no runCycle), which is progress.
    await h.bot.schedule.tick();
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = await metricsText(h);
      if (series(text, 'cheevobot_poll_cycle_duration_seconds_count') === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(series(text, 'cheevobot_poll_cycle_duration_seconds_count')).toBe(1);
    expect(series(text, 'cheevobot_poll_tier_users', { tier: 'cold' })).toBe(2);
    expect(series(text, 'cheevobot_poll_tier_users', { tier: 'hot' })).toBe(0);
    expect(await healthz(h)).toMatchObject({ status: 200, body: { ok: true, reasons: [] } });
  });
});
