import { type Logger, pino } from 'pino';

export type { Logger };

const REDACTED = '[REDACTED]';

/**
 * Removes secrets from a string: every known secret value, and any `y=` (RA API key) or
 * `token` query parameter whatever its value.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out.replace(/([?&](?:y|key|token)=)[^&\s"'\\]+/gi, `$1${REDACTED}`);
}

export interface LoggerOptions {
  level?: string;
  /** Values that must never appear in a log line (RA key, Discord token). */
  secrets?: readonly string[];
  /** Where lines go; stdout by default. */
  destination?: { write(line: string): unknown };
}

/**
 * A pino logger whose every serialized line is scrubbed of secrets before it is written, so a
 * secret inside an error message, a URL or a nested cause can't leak.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const destination = options.destination ?? process.stdout;
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'apiKey', '*.apiKey', 'headers.authorization'],
        censor: REDACTED,
      },
    },
    { write: (line: string) => destination.write(scrubSecrets(line, secrets)) },
  );
}

/** A logger that discards everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
