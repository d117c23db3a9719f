import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { RaClientOptions } from './client.js';

/** The RA client's options as configured: one place, shared by the bot and `npm run doctor`. */
export function raClientOptions(config: Config, logger: Logger): RaClientOptions {
  return {
    apiUrl: config.RA_API_URL,
    apiKey: config.RA_API_KEY,
    username: config.RA_USERNAME,
    requestsPerSecond: config.RA_REQUESTS_PER_SECOND,
    timeoutMs: config.RA_TIMEOUT_MS,
    logger,
  };
}
