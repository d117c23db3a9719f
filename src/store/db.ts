/**
 * Opens the SQLite database: creates its folder, sets the connection pragmas and migrates the
 * schema to the version this build knows.
 */

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';
import type { Database } from './shared.js';

/** The schema version this build creates and understands. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/** The file was migrated by a newer cheevobot; running this build against it could corrupt it. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly path: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The database ${path} has schema version ${foundVersion}, but this cheevobot only knows versions up to ` +
        `${supportedVersion}: it was written by a newer cheevobot. Run that newer version (update this ` +
        'installation), or point DATABASE_PATH at a backup made for this version. The file was left unchanged.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

/** The file is not a readable SQLite database (damaged, truncated, or another kind of file). */
export class DatabaseCorruptError extends Error {
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    const detail = options?.cause instanceof Error ? ` (SQLite: ${options.cause.message})` : '';
    super(
      `The database ${path} is damaged or is not a cheevobot database${detail}. It was left unchanged. ` +
        'Restore a backup to that path (see "Backups" in the README), or move the file away to start ' +
        'with an empty database.',
      options,
    );
    this.name = 'DatabaseCorruptError';
  }
}

/** SQLite's answers for a file that is not a database, or one whose pages don't add up. */
export function isCorruptionError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}

const IN_MEMORY = ':memory:';

export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  if (path !== IN_MEMORY) mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    db.pragma('busy_timeout = 5000');
    // Refuse a damaged or too-new file before touching it at all (even the journal mode is
    // persistent). Reading the header and the schema is where a damaged file first shows.
    const found = readOnlyProbe(db);
    if (found > migrations.length) throw new DatabaseTooNewError(path, found, migrations.length);
    configureConnection(db);
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw isCorruptionError(error) ? new DatabaseCorruptError(path, { cause: error }) : error;
  }
}

/** The schema version, after SQLite has read the header and parsed the schema (writes nothing). */
function readOnlyProbe(db: Database): number {
  db.prepare('SELECT count(*) FROM sqlite_schema').get();
  return schemaVersion(db);
}

/** Call after busy_timeout is set, so switching to WAL waits for a lock held by another process. */
function configureConnection(db: Database): void {
  // WAL: readers never block the writer. NORMAL is durable across app crashes in WAL mode and
  // avoids an fsync per commit (a power cut may lose the last commits, never corrupt).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every pending migration in ONE transaction: a failure leaves the old schema intact.
 * Foreign keys are off meanwhile (SQLite's recipe for schema changes: with them on, dropping a
 * rebuilt parent table would cascade-delete its children); integrity is checked before commit.
 */
function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  if (current >= migrations.length) return;
  db.pragma('foreign_keys = OFF'); // a no-op inside a transaction, so it goes before
  try {
    db.transaction(() => {
      for (let version = current + 1; version <= migrations.length; version++) {
        const migration = migrations[version - 1]!;
        if (typeof migration === 'string') db.exec(migration);
        else migration(db);
        // user_version lives in the database header, so it commits or rolls back with the schema.
        db.pragma(`user_version = ${version}`);
      }
      const violations = db.pragma('foreign_key_check') as unknown[];
      if (violations.length > 0) {
        throw new Error(
          `schema migration left ${violations.length} foreign key violation(s); nothing was changed`,
        );
      }
    })();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}
