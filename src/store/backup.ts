/**
 * Online backups: SQLite's backup API copies a consistent snapshot of the database while the bot
 * keeps writing (WAL: the copy reads one snapshot, the bot's writes go on beside it). The copy is
 * then opened and integrity-checked, so a backup that reports success can be restored.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DatabaseCorruptError, isCorruptionError } from './db.js';

export interface BackupResult {
  /** Absolute path of the finished copy. */
  path: string;
  bytes: number;
  pages: number;
}

/** Backup file name for a moment: `cheevobot-20260102T030405Z.sqlite` (sorts by time). */
export function backupFileName(databasePath: string, at: Date): string {
  const stem = basename(databasePath, extname(databasePath)) || 'cheevobot';
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stem}-${stamp}.sqlite`;
}

/**
 * Where a backup goes: `target` as given (a folder gets a timestamped file inside it), or
 * `backups/` next to the database.
 */
export function backupTarget(databasePath: string, target: string | undefined, at: Date): string {
  if (!target) return resolve(dirname(resolve(databasePath)), 'backups', backupFileName(databasePath, at));
  const path = resolve(target);
  if (target.endsWith('/') || (existsSync(path) && statSync(path).isDirectory())) {
    return join(path, backupFileName(databasePath, at));
  }
  return path;
}

/**
 * Copies `databasePath` to `targetPath` (which must not exist) as one consistent snapshot, then
 * checks the copy. The copy is written under a temporary name and renamed when it checks out, so
 * a failed or interrupted backup never leaves a half file under the final name.
 */
export async function backupDatabase(databasePath: string, targetPath: string): Promise<BackupResult> {
  if (!existsSync(databasePath)) {
    throw new Error(`There is no database at ${resolve(databasePath)}: check DATABASE_PATH.`);
  }
  if (existsSync(targetPath)) {
    throw new Error(`${targetPath} already exists; choose another path (a backup never overwrites a file).`);
  }
  mkdirSync(dirname(targetPath), { recursive: true });
  const partial = `${targetPath}.partial`;
  rmSync(partial, { force: true });
  const source = new BetterSqlite3(databasePath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // All pages in one step: one read snapshot, so writes by the running bot can't restart the
    // copy (they would between smaller steps), and they are never blocked by it (WAL).
    const { totalPages } = await source.backup(partial, { progress: () => 1_000_000_000 });
    const copy = new BetterSqlite3(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed SQLite's integrity check (${String(check)})`);
      // A backup is a single self-contained file: no WAL to carry around.
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    renameSync(partial, targetPath);
    return { path: targetPath, bytes: statSync(targetPath).size, pages: totalPages };
  } catch (error) {
    rmSync(partial, { force: true });
    if (isCorruptionError(error)) throw new DatabaseCorruptError(resolve(databasePath), { cause: error });
    throw error;
  } finally {
    source.close();
  }
}
