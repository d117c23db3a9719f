/**
 * Typed RetroAchievements errors. Each carries a `userMessage` a Discord user can act on;
 * `message` is for logs and never contains the API key.
 */
export type RaErrorKind =
  | 'auth'
  | 'not-found'
  | 'invalid-input'
  | 'rate-limited'
  | 'unavailable'
  | 'malformed';

export abstract class RaError extends Error {
  abstract readonly kind: RaErrorKind;
  /** Whether retrying the same request later may succeed. */
  abstract readonly transient: boolean;
  constructor(
    message: string,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 401: the API key is missing or wrong. */
export class RaAuthError extends RaError {
  readonly kind = 'auth';
  readonly transient = false;
  constructor(message = 'RetroAchievements rejected the API key (401)') {
    super(
      message,
      'The bot’s RetroAchievements API key was rejected. The bot owner needs to check RA_API_KEY.',
    );
  }
}

/** The bare `[]` answer or a 404: the user or game does not exist (or the account was deleted). */
export class RaNotFoundError extends RaError {
  readonly kind = 'not-found';
  readonly transient = false;
  constructor(
    readonly what: 'user' | 'game' | 'user-or-game',
    readonly query: string,
  ) {
    super(
      `RetroAchievements has no ${what.replaceAll('-', ' ')} matching the request`,
      what === 'user'
        ? `RetroAchievements has no user called “${query}”. Check the spelling (a username, display name or ULID).`
        : what === 'game'
          ? `RetroAchievements has no game with id ${query}.`
          : `RetroAchievements found nothing for ${query}. Check the user and the game id.`,
    );
  }
}

/**
 * Why input was refused, for the reply in the reader's language: a username or game id that can
 * never be valid, RA's own 422, or anything else (the bot's own calls; the English detail).
 */
export type InvalidInputReason = 'user-format' | 'game-id-format' | 'refused' | 'other';

/** Input rejected before sending (or a 422 from RA). */
export class RaInvalidInputError extends RaError {
  readonly kind = 'invalid-input';
  readonly transient = false;
  constructor(
    readonly field: string,
    detail: string,
    readonly reason: InvalidInputReason = 'other',
  ) {
    super(`invalid ${field}: ${detail}`, `That ${field} isn’t valid: ${detail}`);
  }
}

/** 429 after every retry. */
export class RaRateLimitedError extends RaError {
  readonly kind = 'rate-limited';
  readonly transient = true;
  constructor(readonly retryAfterMs: number | null = null) {
    super(
      'RetroAchievements rate limit hit (429)',
      'RetroAchievements is asking the bot to slow down. Please try again in a minute.',
    );
  }
}

/** 5xx, timeouts, connection resets: RA is having a bad day. */
export class RaUnavailableError extends RaError {
  readonly kind = 'unavailable';
  readonly transient = true;
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `RetroAchievements unavailable: ${detail}`,
      'RetroAchievements isn’t answering right now. Please try again in a few minutes.',
      options,
    );
  }
}

/** A body that is not JSON, or JSON of the wrong shape. */
export class RaMalformedResponseError extends RaError {
  readonly kind = 'malformed';
  readonly transient = true;
  constructor(detail: string) {
    super(
      `RetroAchievements sent a malformed response: ${detail}`,
      'RetroAchievements sent an answer the bot could not read. Please try again later.',
    );
  }
}

/** One member spent their share of the key (the per-member allowance): nothing was sent to RA. */
export class RaMemberAllowanceError extends RaError {
  readonly kind = 'rate-limited';
  readonly transient = true;
  constructor(readonly retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      'member allowance of RA requests spent',
      `Slow down: you’ve used your share of the bot’s RetroAchievements requests for now, so others ` +
        `can use it too. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    );
  }
}
