import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadConfigFromProcess, readEnvFile } from '../../src/config.js';

const required = { DISCORD_TOKEN: 'tok.en-123', RA_API_KEY: 'AbC123xyz' };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults when only the required variables are set', () => {
    const config = loadConfig(required);
    expect(config).toMatchObject({
      DATABASE_PATH: 'data/cheevobot.sqlite',
      POLL_CRON: '*/5 * * * *',
      RA_REQUESTS_PER_SECOND: 1,
      REGISTER_COMMANDS: true,
      LOG_LEVEL: 'info',
      DISCORD_API_URL: 'https://discord.com/api',
      RA_API_URL: 'https://retroachievements.org/API',
      RA_MEDIA_URL: 'https://media.retroachievements.org',
      RA_SITE_URL: 'https://retroachievements.org',
      ANNOUNCE_COLLAPSE_THRESHOLD: 3,
    });
    expect(config.DEV_GUILD_ID).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names both required variables in one error when nothing is configured', () => {
    const problems = problemsOf({});
    expect(problems.some((p) => p.startsWith('DISCORD_TOKEN'))).toBe(true);
    expect(problems.some((p) => p.startsWith('RA_API_KEY'))).toBe(true);
  });

  it('treats blank values as unset, so a copied .env.example keeps the defaults', () => {
    const config = loadConfig({ ...required, POLL_CRON: '', DEV_GUILD_ID: '  ', LOG_LEVEL: '' });
    expect(config.POLL_CRON).toBe('*/5 * * * *');
    expect(config.DEV_GUILD_ID).toBeUndefined();
  });

  it('accepts 5- and 6-field cron expressions and rejects others', () => {
    expect(loadConfig({ ...required, POLL_CRON: '*/2 * * * *' }).POLL_CRON).toBe('*/2 * * * *');
    expect(loadConfig({ ...required, POLL_CRON: '*/30 * * * * *' }).POLL_CRON).toBe('*/30 * * * * *');
    for (const bad of ['* * * *', '0 0 0 * * * *', 'every five minutes', '99 * * * *']) {
      expect(problemsOf({ ...required, POLL_CRON: bad })).toEqual([
        expect.stringMatching(/^POLL_CRON .*cron/),
      ]);
    }
  });

  it('validates URLs and strips a trailing slash', () => {
    expect(loadConfig({ ...required, RA_API_URL: 'http://127.0.0.1:9/API/' }).RA_API_URL).toBe(
      'http://127.0.0.1:9/API',
    );
    expect(problemsOf({ ...required, RA_MEDIA_URL: 'ftp://x', DISCORD_API_URL: 'not a url' })).toEqual([
      expect.stringMatching(/^DISCORD_API_URL must be an http\(s\) URL/),
      expect.stringMatching(/^RA_MEDIA_URL must be an http\(s\) URL/),
    ]);
  });

  it('validates numbers, booleans, ids and log levels', () => {
    const problems = problemsOf({
      ...required,
      RA_REQUESTS_PER_SECOND: 'fast',
      REGISTER_COMMANDS: 'maybe',
      DEV_GUILD_ID: '12ab',
      LOG_LEVEL: 'verbose',
      ANNOUNCE_COLLAPSE_THRESHOLD: '2.5',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'ANNOUNCE_COLLAPSE_THRESHOLD',
      'DEV_GUILD_ID',
      'LOG_LEVEL',
      'RA_REQUESTS_PER_SECOND',
      'REGISTER_COMMANDS',
    ]);
    const ok = loadConfig({ ...required, RA_REQUESTS_PER_SECOND: '2.5', REGISTER_COMMANDS: 'FALSE' });
    expect(ok.RA_REQUESTS_PER_SECOND).toBe(2.5);
    expect(ok.REGISTER_COMMANDS).toBe(false);
    expect(loadConfig({ ...required, DEV_GUILD_ID: '123456789012345678' }).DEV_GUILD_ID).toBe(
      '123456789012345678',
    );
  });

  it('never echoes a secret value in the error message', () => {
    try {
      loadConfig({ DISCORD_TOKEN: 'has space secretvalue', RA_API_KEY: 'bad-key-secretvalue!' });
      throw new Error('expected failure');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('DISCORD_TOKEN');
      expect(message).toContain('RA_API_KEY');
      expect(message).not.toContain('secretvalue');
    }
  });

  it('reads a .env file, and real environment variables win over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cheevobot-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'DISCORD_TOKEN=from-file\nRA_API_KEY=filekey\n# comment\nLOG_LEVEL=debug\n');
    expect(Object.keys(readEnvFile(file)).sort()).toEqual(['DISCORD_TOKEN', 'LOG_LEVEL', 'RA_API_KEY']);
    const config = loadConfigFromProcess(file, { LOG_LEVEL: 'warn' });
    expect(config.DISCORD_TOKEN).toBe('from-file');
    expect(config.LOG_LEVEL).toBe('warn');
    expect(readEnvFile(join(dir, 'missing.env'))).toEqual({});
    rmSync(dir, { recursive: true, force: true });
  });
});
