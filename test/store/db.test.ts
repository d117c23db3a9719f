import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DatabaseCorruptError,
  DatabaseTooNewError,
  LATEST_SCHEMA_VERSION,
  openDatabase,
  schemaVersion,
} from '../../src/store/db.js';
import { Store } from '../../src/store/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cheevobot-db-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tables = (db: BetterSqlite3.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe('openDatabase', () => {
  it('migrates a fresh in-memory database to the latest version', () => {
    const db = openDatabase(':memory:');
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(db)).toEqual([
      'account_links',
      'achievement_info',
      'arcade_boards',
      'arcade_entries',
      'arcade_races',
      'arcade_records',
      'award_log',
      'catalogue_consoles',
      'catalogue_fts',
      'catalogue_fts_config',
      'catalogue_fts_data',
      'catalogue_fts_docsize',
      'catalogue_fts_idx',
      'catalogue_games',
      'challenge_ballots',
      'challenge_next',
      'challenge_nominations',
      'challenge_results',
      'challenge_votes',
      'challenges',
      'earned',
      'game_failures',
      'game_info',
      'game_state',
      'guild_community',
      'guild_link_settings',
      'guild_post_filters',
      'guild_routes',
      'guild_settings',
      'link_guilds',
      'meta',
      'milestones_passed',
      'outbox',
      'ra_followers',
      'ra_following',
      'ra_totals',
      'ra_users',
      'tracked_users',
      'unlock_log',
    ]);
    db.close();
  });

  it('creates the file and its missing parent folders', () => {
    const path = join(tempDir(), 'nested', 'deeper', 'bot.sqlite');
    const db = openDatabase(path);
    expect(existsSync(path)).toBe(true);
    db.close();
  });

  it('turns on WAL, foreign keys, a busy timeout and NORMAL sync for a file database', () => {
    const db = openDatabase(join(tempDir(), 'bot.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    db.close();
  });

  it('reopens an up-to-date database without changing it, keeping its data', () => {
    const path = join(tempDir(), 'bot.sqlite');
    const first = new Store(openDatabase(path));
    first.setMeta('commands_hash', 'abc');
    first.close();

    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(new Store(db).getMeta('commands_hash')).toBe('abc');
    db.close();
  });

  it('applies only the migrations a database lacks, each once', () => {
    const path = join(tempDir(), 'bot.sqlite');
    let runs = 0;
    const extra = (db: BetterSqlite3.Database) => {
      runs++;
      db.exec('CREATE TABLE extra (x INTEGER)');
    };
    openDatabase(path).close();
    const migrations = [...Array.from({ length: LATEST_SCHEMA_VERSION }, () => 'SELECT 1'), extra];
    openDatabase(path, migrations).close();
    const db = openDatabase(path, migrations);
    expect(runs).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION + 1);
    db.close();
  });

  it('keeps foreign keys on after reopening an up-to-date database and after migrating one', () => {
    const path = join(tempDir(), 'bot.sqlite');
    const migrated = openDatabase(path);
    expect(migrated.pragma('foreign_keys', { simple: true })).toBe(1);
    migrated.close();
    const reopened = openDatabase(path);
    expect(reopened.pragma('foreign_keys', { simple: true })).toBe(1);
    reopened.close();
  });

  it('refuses a migration that leaves dangling foreign keys', () => {
    const path = join(tempDir(), 'bot.sqlite');
    openDatabase(path).close();
    const dangling = [
      ...Array.from({ length: LATEST_SCHEMA_VERSION }, () => 'SELECT 1'),
      'INSERT INTO earned (user_id, game_id, achievement_id) VALUES (999, 1, 1)',
    ];
    expect(() => openDatabase(path, dangling)).toThrow(/foreign key/);
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT count(*) AS n FROM earned').get()).toEqual({ n: 0 });
    db.close();
  });

  it('rolls a failing migration back completely, leaving the old version', () => {
    const path = join(tempDir(), 'bot.sqlite');
    openDatabase(path).close();
    const broken = [
      ...Array.from({ length: LATEST_SCHEMA_VERSION }, () => 'SELECT 1'),
      'CREATE TABLE half (x INTEGER)',
      'THIS IS NOT SQL',
    ];
    expect(() => openDatabase(path, broken)).toThrow();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(db)).not.toContain('half');
    db.close();
  });

  it('refuses a database written by a newer version, saying which versions and what to do', () => {
    const path = join(tempDir(), 'bot.sqlite');
    const raw = new BetterSqlite3(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();

    let caught: unknown;
    try {
      openDatabase(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatabaseTooNewError);
    const error = caught as DatabaseTooNewError;
    expect(error.foundVersion).toBe(LATEST_SCHEMA_VERSION + 5);
    expect(error.supportedVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(error.message).toContain(path);
    expect(error.message).toContain(`version ${LATEST_SCHEMA_VERSION + 5}`);
    expect(error.message).toMatch(/newer cheevobot/);
    expect(error.message).toMatch(/backup/);

    const after = new BetterSqlite3(path);
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 5);
    expect(tables(after)).toEqual([]);
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
  });

  it.each([
    ['not a database at all', () => Buffer.alloc(8192, 'x')],
    [
      'a database whose schema page is damaged',
      () => {
        const dir = tempDir();
        const good = new BetterSqlite3(join(dir, 'good.sqlite'));
        good.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1)');
        good.close();
        const bytes = readFileSync(join(dir, 'good.sqlite'));
        bytes.fill(0xff, 100, 4096);
        return bytes;
      },
    ],
  ])('refuses a corrupt file (%s), naming it, and leaves it untouched', (_, content) => {
    const dir = tempDir();
    const path = join(dir, 'bot.sqlite');
    const original = content();
    writeFileSync(path, original);

    let caught: unknown;
    try {
      openDatabase(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatabaseCorruptError);
    const message = (caught as Error).message;
    expect(message).toContain(path);
    expect(message).toMatch(/damaged/);
    expect(message).toMatch(/left unchanged/);
    expect(message).toMatch(/backup/i);
    expect(readFileSync(path).equals(original)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('bot.sqlite'))).toEqual(['bot.sqlite']);
  });
});
