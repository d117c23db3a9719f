import { createHash } from 'node:crypto';

export interface RateLimitOptions {
  /** Requests per bucket per window (default 50 per second: generous, so tests don't wait). */
  limit: number;
  windowMs: number;
}

export interface BucketAnswer {
  allowed: boolean;
  /** The `X-RateLimit-*` headers Discord sends with every answer on a limited route. */
  headers: Record<string, string>;
  retryAfterS: number;
}

/**
 * Discord's per-route buckets: a route template plus its major parameter (channel, guild,
 * webhook/interaction) share a fixed window; every answer carries the headers @discordjs/rest
 * schedules by. A request beyond the limit is refused with 429.
 */
export class RouteBuckets {
  readonly #windows = new Map<string, { resetAt: number; used: number }>();

  constructor(private readonly options: RateLimitOptions) {}

  take(template: string, major: string, now = Date.now()): BucketAnswer {
    const key = `${template}:${major}`;
    let window = this.#windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { resetAt: now + this.options.windowMs, used: 0 };
      this.#windows.set(key, window);
    }
    const allowed = window.used < this.options.limit;
    if (allowed) window.used++;
    const resetAfterS = Math.max(0, (window.resetAt - now) / 1000);
    return {
      allowed,
      retryAfterS: resetAfterS,
      headers: {
        'x-ratelimit-limit': String(this.options.limit),
        'x-ratelimit-remaining': String(this.options.limit - window.used),
        'x-ratelimit-reset': (window.resetAt / 1000).toFixed(3),
        'x-ratelimit-reset-after': resetAfterS.toFixed(3),
        'x-ratelimit-bucket': createHash('sha1').update(template).digest('hex').slice(0, 16),
      },
    };
  }
}

/** Discord bans an IP after 10,000 invalid requests (401, 403, 429) in 10 minutes: the fake counts them. */
export const INVALID_REQUEST_WINDOW_MS = 10 * 60_000;
export const INVALID_STATUSES: ReadonlySet<number> = new Set([401, 403, 429]);

/** The major parameter that scopes a bucket. */
export function majorParameter(params: Record<string, string>): string {
  return params.channel ?? params.guild ?? params.token ?? params.interaction ?? '';
}
