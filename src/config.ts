import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import cron from 'node-cron';
import { z } from 'zod';

/** A configuration problem: the message names every bad variable and how to fix it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}\nSet these in the environment or in a .env file (see .env.example).`,
    );
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const DEFAULT_DATABASE_PATH = 'data/cheevobot.sqlite';

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17-20 digits)');

function httpUrl(fallback: string) {
  return z
    .string()
    .default(fallback)
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    }, `must be an http(s) URL, e.g. ${fallback}`)
    .transform((v) => v.replace(/\/+$/, ''));
}

function boolean(fallback: boolean) {
  return z
    .string()
    .default(String(fallback))
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
}

function number(fallback: number, opts: { min: number; max: number; integer?: boolean }) {
  return z
    .string()
    .default(String(fallback))
    .transform((v) => Number(v.trim()))
    .refine(
      (n) => Number.isFinite(n) && n >= opts.min && n <= opts.max && (!opts.integer || Number.isInteger(n)),
      `must be ${opts.integer ? 'an integer' : 'a number'} from ${opts.min} to ${opts.max}`,
    );
}

const schema = z.object({
  DISCORD_TOKEN: z
    .string({ error: 'is required: the bot token from the Discord developer portal (Bot > Reset Token)' })
    .trim()
    .min(1, 'is required: the bot token from the Discord developer portal (Bot > Reset Token)')
    .refine((v) => !/\s/.test(v), 'must not contain spaces'),
  RA_API_KEY: z
    .string({ error: 'is required: your web API key from retroachievements.org (Settings > Keys)' })
    .trim()
    .min(1, 'is required: your web API key from retroachievements.org (Settings > Keys)')
    .refine((v) => /^[A-Za-z0-9]+$/.test(v), 'must be the alphanumeric key shown in RA settings'),
  RA_USERNAME: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^[A-Za-z0-9]{2,20}$/.test(v), 'must be 2-20 letters or digits'),
  DATABASE_PATH: z.string().trim().min(1, 'must not be empty').default(DEFAULT_DATABASE_PATH),
  POLL_CRON: z
    .string()
    .trim()
    .default('*/5 * * * *')
    .refine((v) => {
      const fields = v.split(/\s+/).length;
      return (fields === 5 || fields === 6) && cron.validate(v);
    }, 'must be a cron expression with 5 fields (or 6 with seconds first), e.g. "*/5 * * * *"'),
  RA_REQUESTS_PER_SECOND: number(1, { min: 0.01, max: 100 }),
  DEV_GUILD_ID: snowflake.optional(),
  REGISTER_COMMANDS: boolean(true),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .default('info')
    .refine((v) => (LOG_LEVELS as readonly string[]).includes(v), `must be one of ${LOG_LEVELS.join(', ')}`)
    .transform((v) => v as (typeof LOG_LEVELS)[number]),
  DISCORD_API_URL: httpUrl('https://discord.com/api'),
  RA_API_URL: httpUrl('https://retroachievements.org/API'),
  RA_MEDIA_URL: httpUrl('https://media.retroachievements.org'),
  RA_SITE_URL: httpUrl('https://retroachievements.org'),
  ANNOUNCE_COLLAPSE_THRESHOLD: number(3, { min: 1, max: 25, integer: true }),
  MAX_TRACKED_USERS_PER_SERVER: number(50, { min: 1, max: 1000, integer: true }),
  RA_TIMEOUT_MS: number(15_000, { min: 500, max: 120_000, integer: true }),
  /** Hours between game catalogue refreshes; 0 turns the catalogue's RA refresh off. */
  CATALOGUE_REFRESH_HOURS: number(24, { min: 0, max: 24 * 30 }),
  // Unset: no listener. 0 picks a free port (logged).
  METRICS_PORT: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? undefined : Number(v.trim())))
    .refine(
      (n) => n === undefined || (Number.isInteger(n) && n >= 0 && n <= 65_535),
      'must be a port number from 0 to 65535 (0: any free port)',
    ),
  METRICS_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
});

export type Config = Readonly<z.output<typeof schema>>;

/** Reads `.env` (if present) without overriding variables already set in the environment. */
export function readEnvFile(path = '.env'): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

/**
 * Validates the environment into a frozen, typed config. Empty strings count as unset, so a
 * copied `.env.example` with blank optional lines keeps the defaults.
 * @throws ConfigError naming every bad variable (never echoing a value).
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
    throw new ConfigError([...new Set(problems)]);
  }
  return Object.freeze(parsed.data);
}

/** The environment merged with `.env`: real environment variables win. */
export function loadConfigFromProcess(
  envFile = '.env',
  env: Record<string, string | undefined> = process.env,
): Config {
  return loadConfig({ ...readEnvFile(envFile), ...env });
}
