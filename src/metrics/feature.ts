/**
 * Health and metrics: the health monitor and its heartbeat file (always), Prometheus metrics and
 * the /healthz + /metrics listener (only with METRICS_PORT). Made before the RA client and the
 * trackers, which report into the observers it hands out.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { RaObserver } from '../ra/client.js';
import { databaseWriteProbe, outboxStateCounts } from '../store/health.js';
import type { Store } from '../store/index.js';
import type { DispatchObserver } from '../tracking/dispatch.js';
import type { TrackingObserver } from '../tracking/feature.js';
import type { Feature } from '../util/lifecycle.js';
import { createHealthMonitor, type HealthMonitor, heartbeatPath } from './health.js';
import { type MetricsServer, startMetricsServer } from './server.js';

export interface ObservabilityFeature extends Feature {
  readonly health: HealthMonitor;
  /** Undefined without METRICS_PORT (no metrics are kept). */
  readonly raObserver: RaObserver | undefined;
  readonly dispatchObserver: DispatchObserver | undefined;
  readonly polling: TrackingObserver;
  /** Where /healthz and /metrics listen once started; null when METRICS_PORT is unset. */
  address(): { host: string; port: number } | null;
}

export async function createObservability(options: {
  config: Pick<Config, 'METRICS_PORT' | 'METRICS_HOST' | 'POLL_CRON' | 'DATABASE_PATH'>;
  store: Store;
  gateway: { connected(): boolean; onClose(listener: (code: number) => void): void };
  now: () => Date;
  logger: Logger;
}): Promise<ObservabilityFeature> {
  const { config, store, gateway, now, logger } = options;
  // Metrics only when someone can read them; health (and its heartbeat file) always.
  // prom-client is only loaded when metrics are on: it costs start-up time otherwise.
  const metrics =
    config.METRICS_PORT === undefined ? undefined : (await import('./metrics.js')).createMetrics({ now });
  metrics?.setOutboxSource(() => outboxStateCounts(store.db, now().getTime()));
  const health = createHealthMonitor({
    gatewayConnected: () => gateway.connected(),
    writeProbe: () => databaseWriteProbe(store.db, now().getTime()),
    pollCron: config.POLL_CRON,
    now,
    ...(config.DATABASE_PATH === ':memory:' ? {} : { heartbeatPath: heartbeatPath(config.DATABASE_PATH) }),
    logger,
  });
  let server: MetricsServer | undefined;

  return {
    name: 'health and metrics',
    health,
    raObserver: metrics?.ra,
    dispatchObserver: metrics?.dispatch,
    polling: {
      cycleFinished(report) {
        metrics?.poll.cycleFinished?.(report);
        health.cycleFinished(report);
      },
      // Healthy while polls keep finishing (a round of 1,000 users at 1 request/s outlasts any
      // sensible POLL_CRON, so "the last round finished" alone would flag a working bot).
      progressed(tiers) {
        health.cycleFinished({ durationMs: 0 });
        metrics?.setUsersPerTier({ ...tiers() });
      },
      roundFinished(report) {
        metrics?.poll.roundFinished(report.durationMs);
      },
    },
    address: () => (server ? { host: server.host, port: server.port } : null),
    // After log-in: only then do the gateway connections whose closes are counted exist.
    async start() {
      if (metrics) {
        gateway.onClose((code) => metrics.gatewayClosed(code));
        server = await startMetricsServer({
          host: config.METRICS_HOST,
          port: config.METRICS_PORT!,
          registry: metrics.registry,
          health: () => health.check(),
          logger: logger.child({ component: 'metrics' }),
        });
      }
      health.start();
    },
    async stop() {
      health.stop();
      await server?.close();
    },
  };
}
