/**
 * Injected failures: the next matching request(s) get this answer instead of the real one.
 * `route` is matched against the path after `/api/v10` (e.g. `/channels/123/messages`): a
 * string must equal it, a RegExp must match it.
 */
export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  route: RegExp | string;
  /** Status to answer with. Omit (with `delayMs`) to only delay the normal answer. */
  status?: number;
  /** How many requests this fault answers (default 1; `Infinity` for all). */
  times?: number;
  /** Seconds, for 429: sent as `Retry-After` and JSON `retry_after` (default 0.25). */
  retryAfter?: number;
  /** For 429: whether the limit is global (default false). */
  global?: boolean;
  /** Discord JSON error code; defaults by status (403 -> 50013, 404 -> 10003, ...). */
  code?: number;
  message?: string;
  /** Wait this long before answering (the fault's status, or the normal answer). */
  delayMs?: number;
  /** Never answer (until the fake closes): for client timeouts. */
  hang?: boolean;
  /**
   * Handle the request normally (a message is created) but never answer: the bot's side of a
   * connection lost after Discord acted on it.
   */
  loseAnswer?: boolean;
}

export interface Fault {
  readonly spec: Readonly<FaultSpec>;
  /** Requests this fault has answered so far. */
  readonly hits: number;
  readonly exhausted: boolean;
}

class ActiveFault implements Fault {
  hits = 0;
  constructor(readonly spec: Readonly<FaultSpec>) {}

  get exhausted(): boolean {
    return this.hits >= (this.spec.times ?? 1);
  }

  matches(method: string, path: string): boolean {
    if (this.exhausted) return false;
    if (this.spec.method && this.spec.method.toUpperCase() !== method.toUpperCase()) return false;
    return typeof this.spec.route === 'string' ? this.spec.route === path : this.spec.route.test(path);
  }
}

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const DEFAULT_ERRORS: Record<number, { code: number; message: string }> = {
  400: { code: 50035, message: 'Invalid Form Body' },
  401: { code: 0, message: '401: Unauthorized' },
  403: { code: 50013, message: 'Missing Permissions' },
  404: { code: 10003, message: 'Unknown Channel' },
};

export class FaultList {
  readonly #faults: ActiveFault[] = [];

  add(spec: FaultSpec): Fault {
    const fault = new ActiveFault({ ...spec });
    this.#faults.push(fault);
    return fault;
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** Takes (counts a hit on) the first live fault matching this request. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.#faults.find((f) => f.matches(method, path));
    if (fault) fault.hits += 1;
    return fault;
  }
}

/** The HTTP answer for a fault that has a status. */
export function faultAnswer(spec: Readonly<FaultSpec>, bucket: string): FaultAnswer {
  const status = spec.status ?? 500;
  if (status === 429) {
    const retryAfter = spec.retryAfter ?? 0.25;
    const headers: Record<string, string> = {
      'retry-after': String(retryAfter),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String((Date.now() / 1000 + retryAfter).toFixed(3)),
      'x-ratelimit-reset-after': String(retryAfter),
      'x-ratelimit-bucket': bucket,
      'x-ratelimit-scope': spec.global ? 'global' : 'user',
    };
    if (spec.global) headers['x-ratelimit-global'] = 'true';
    return {
      status,
      headers,
      body: {
        message: spec.message ?? 'You are being rate limited.',
        retry_after: retryAfter,
        global: spec.global ?? false,
      },
    };
  }
  const fallback = DEFAULT_ERRORS[status] ?? {
    code: 0,
    message: status >= 500 ? 'Internal Server Error' : 'Error',
  };
  return {
    status,
    headers: {},
    body: { message: spec.message ?? fallback.message, code: spec.code ?? fallback.code },
  };
}
