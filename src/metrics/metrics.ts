/**
 * Prometheus metrics (prom-client): one registry per bot, fed through the optional observers the
 * RA client, poller and dispatcher accept. Nothing here changes what the bot does.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { parseAnnouncementPayload } from '../domain/announcements.js';
import type { RaObserver } from '../ra/client.js';
import type { OutboxRow } from '../store/index.js';
import type { DispatchObserver } from '../tracking/dispatch.js';
import type { CycleReport, PollObserver } from '../tracking/poller.js';

export interface BotMetrics {
  readonly registry: Registry;
  readonly ra: RaObserver;
  readonly poll: PollObserver & { roundFinished(durationMs: number): void };
  readonly dispatch: DispatchObserver;
  /** Users per polling tier; replaces every tier's figure (tiers absent from `counts` drop to 0). */
  setUsersPerTier(counts: Readonly<Record<string, number>>): void;
  /** A gateway connection closed with `code` (counted as a Discord error). */
  gatewayClosed(code: number): void;
  /** Collected at each scrape: outbox rows by state and reason. */
  setOutboxSource(read: () => readonly { state: string; reason: string; n: number }[]): void;
}

/** The newest unlock (or the award) an announcement is about, epoch ms; null if unreadable. */
export function announcedAt(row: Pick<OutboxRow, 'payload'>): number | null {
  const payload = parseAnnouncementPayload(row.payload);
  // A milestone repeats the time of the unlock that passed it: counting it would count that unlock twice.
  if (payload === null || payload.kind === 'milestone') return null;
  const dates =
    payload.kind === 'award'
      ? [payload.award.at]
      : payload.kind === 'unlock'
        ? [payload.achievement.at]
        : payload.achievements.map((a) => a.at);
  const times = dates.map((d) => Date.parse(d)).filter((t) => Number.isFinite(t));
  return times.length > 0 ? Math.max(...times) : null;
}

/** A Discord failure as a label: the JSON error code, else `http_<status>`, else `network`. */
export function discordErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'network';
  const { code, status } = error as { code?: unknown; status?: unknown };
  if (typeof code === 'number' && code > 0) return String(code);
  if (typeof code === 'string' && /^\d+$/.test(code) && code !== '0') return code;
  if (typeof status === 'number') return `http_${status}`;
  return 'network';
}

export function createMetrics(options: { now: () => Date; processMetrics?: boolean }): BotMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const raRequests = new Counter({
    name: 'cheevobot_ra_requests_total',
    help: 'RA API attempts (retries included) by endpoint and outcome (ok, or the error kind)',
    labelNames: ['endpoint', 'outcome'],
    registers,
  });
  const raRateLimited = new Counter({
    name: 'cheevobot_ra_rate_limited_total',
    help: 'RA answers with HTTP 429, by endpoint',
    labelNames: ['endpoint'],
    registers,
  });
  const limiterWait = new Histogram({
    name: 'cheevobot_ra_limiter_wait_seconds',
    help: "Time a request waited for the RA rate limiter's start slot, by lane",
    labelNames: ['lane'],
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 60, 300],
    registers,
  });
  const tierUsers = new Gauge({
    name: 'cheevobot_poll_tier_users',
    help: 'Tracked RA users per polling tier',
    labelNames: ['tier'],
    registers,
  });
  const cycleDuration = new Histogram({
    name: 'cheevobot_poll_cycle_duration_seconds',
    help: 'Wall time of one poll cycle over every tracked user',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
    registers,
  });
  const lastCycle = new Gauge({
    name: 'cheevobot_poll_last_cycle_finished_timestamp_seconds',
    help: 'When the last poll cycle finished (Unix time)',
    registers,
  });
  const cycleFailedUsers = new Counter({
    name: 'cheevobot_poll_failed_users_total',
    help: 'User polls that failed (their window is kept for the next cycle)',
    registers,
  });
  const unlockToPost = new Histogram({
    name: 'cheevobot_unlock_to_post_seconds',
    help: 'From the unlock (or award) date RA gives to the announcement posted on Discord, by kind',
    labelNames: ['kind'],
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600, 86400],
    registers,
  });
  const posted = new Counter({
    name: 'cheevobot_announcements_posted_total',
    help: 'Announcements posted to Discord, by kind',
    labelNames: ['kind'],
    registers,
  });
  const discordErrors = new Counter({
    name: 'cheevobot_discord_errors_total',
    help: 'Discord failures by source (post, gateway) and code (Discord error code, http_<status>, gateway close code, network)',
    labelNames: ['source', 'code'],
    registers,
  });
  let readOutbox: () => readonly { state: string; reason: string; n: number }[] = () => [];
  new Gauge({
    name: 'cheevobot_outbox_rows',
    help: 'Announcements not yet sent: pending (due/scheduled), held (waiting/retry) and failed (by Discord code)',
    labelNames: ['state', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const { state, reason, n } of readOutbox()) this.set({ state, reason }, n);
    },
  });

  return {
    registry,
    ra: {
      attempt(endpoint, outcome) {
        raRequests.inc({ endpoint, outcome });
        if (outcome === 'rate-limited') raRateLimited.inc({ endpoint });
      },
      waited(lane, ms) {
        limiterWait.observe({ lane }, ms / 1000);
      },
    },
    poll: {
      cycleFinished(report: CycleReport) {
        cycleDuration.observe(report.durationMs / 1000);
        lastCycle.set(options.now().getTime() / 1000);
        cycleFailedUsers.inc(report.failedUsers);
      },
      /** A POLL_CRON round of the adaptive schedule reached every user. */
      roundFinished(durationMs: number) {
        cycleDuration.observe(durationMs / 1000);
        lastCycle.set(options.now().getTime() / 1000);
      },
    },
    dispatch: {
      posted(row, at) {
        posted.inc({ kind: row.kind });
        const unlockedAt = announcedAt(row);
        if (unlockedAt !== null) {
          unlockToPost.observe({ kind: row.kind }, Math.max(0, at.getTime() - unlockedAt) / 1000);
        }
      },
      postFailed(error) {
        discordErrors.inc({ source: 'post', code: discordErrorCode(error) });
      },
    },
    setUsersPerTier(counts) {
      tierUsers.reset();
      for (const [tier, n] of Object.entries(counts)) tierUsers.set({ tier }, n);
    },
    gatewayClosed(code) {
      discordErrors.inc({ source: 'gateway', code: String(code) });
    },
    setOutboxSource(read) {
      readOutbox = read;
    },
  };
}
