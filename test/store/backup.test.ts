import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runBackup } from '../../src/backup.js';
import { backupDatabase } from '../../src/store/backup.js';
import { openDatabase, Store } from '../../src/store/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cheevobot-backup-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database the bot made, with some bulk so the copy takes a while. */
function seededDatabase(dir: string): string {
  const path = join(dir, 'bot.sqlite');
  const store = new Store(openDatabase(path));
  for (let i = 0; i < 2000; i++) store.setMeta(`seed-${i}`, 'x'.repeat(1000));
  store.close();
  return path;
}

describe('backupDatabase', () => {
  it('takes a consistent copy while another connection keeps writing, and the copy passes an integrity check', async () => {
    const dir = tempDir();
    const path = seededDatabase(dir);
    const shared = new SharedArrayBuffer(8);
    const flags = new Int32Array(shared);
    const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const Database = require(workerData.sqlitePath);
       const db = new Database(workerData.path);
       db.pragma('busy_timeout = 5000');
       const insert = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
       const flags = new Int32Array(workerData.shared);
       let n = 0;
       while (Atomics.load(flags, 0) === 0) { insert.run('w-' + n, 'y'.repeat(500)); n++; Atomics.store(flags, 1, n); }
       db.close();
       parentPort.postMessage(n);`,
      { eval: true, workerData: { path, sqlitePath, shared } },
    );
    const done = new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    while (Atomics.load(flags, 1) < 50) await new Promise((r) => setTimeout(r, 5));

    const target = join(dir, 'copies', 'copy.sqlite');
    const before = Atomics.load(flags, 1);
    const result = await backupDatabase(path, target);
    const after = Atomics.load(flags, 1);
    Atomics.store(flags, 0, 1);
    const total = await done;
    await worker.terminate();

    expect(result.path).toBe(target);
    expect(after).toBeGreaterThan(before); // the writer really was writing during the backup
    const copy = new BetterSqlite3(target, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    const seeded = copy.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'seed-%'").get() as {
      n: number;
    };
    const copied = copy.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'w-%'").get() as { n: number };
    copy.close();
    expect(seeded.n).toBe(2000);
    // A snapshot: some of the writer's rows, never more than it had written by the end.
    expect(copied.n).toBeGreaterThanOrEqual(before);
    expect(copied.n).toBeLessThanOrEqual(total);
    // The copy opens as a cheevobot database.
    new Store(openDatabase(target)).close();
    expect(readdirSync(join(dir, 'copies'))).toEqual(['copy.sqlite']);
  });

  it('refuses to overwrite a file and leaves no partial file behind when it fails', async () => {
    const dir = tempDir();
    const path = seededDatabase(dir);
    const target = join(dir, 'exists.sqlite');
    writeFileSync(target, 'keep me');
    await expect(backupDatabase(path, target)).rejects.toThrow(/already exists/);

    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, Buffer.alloc(8192, 'x'));
    await expect(backupDatabase(garbage, join(dir, 'out.sqlite'))).rejects.toThrow(
      new RegExp(`${garbage}.*damaged`),
    );
    expect(existsSync(join(dir, 'out.sqlite'))).toBe(false);
    expect(existsSync(join(dir, 'out.sqlite.partial'))).toBe(false);
  });
});

describe('npm run backup', () => {
  it('says where the backup went: backups/ next to the database by default, or the path given', async () => {
    const dir = tempDir();
    const path = seededDatabase(dir);
    const lines: string[] = [];
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(await runBackup([], { DATABASE_PATH: path }, (l) => lines.push(l), at)).toBe(0);
    const expected = join(dir, 'backups', 'bot-20260102T030405Z.sqlite');
    expect(existsSync(expected)).toBe(true);
    expect(lines.join('\n')).toContain(`to ${expected}`);

    const folder = join(dir, 'elsewhere');
    lines.length = 0;
    expect(await runBackup([`${folder}/`], { DATABASE_PATH: path }, (l) => lines.push(l), at)).toBe(0);
    expect(lines.join('\n')).toContain(join(folder, 'bot-20260102T030405Z.sqlite'));
  });

  it('fails with a message naming DATABASE_PATH when there is no database', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const missing = join(dir, 'nope.sqlite');
    expect(await runBackup([], { DATABASE_PATH: missing }, (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toMatch(/no database at .*nope\.sqlite.*DATABASE_PATH/);
  });
});
