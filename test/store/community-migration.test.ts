/**
 * The community migration widens the outbox's kind CHECK by rebuilding the table from its
 * CURRENT definition: columns, rows and indexes another migration added survive, whatever order
 * the two run in.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { widenOutboxKinds } from '../../src/store/migrate-community.js';
import { MIGRATIONS } from '../../src/store/migrations.js';

const insertKind = (db: BetterSqlite3.Database, kind: string) =>
  db
    .prepare(
      `INSERT INTO outbox (guild_id, channel_id, ulid, kind, payload, nonce, next_attempt_at, created_at)
       VALUES ('g', 'c', '', ?, '{}', ?, 0, 0)`,
    )
    .run(kind, `n-${kind}-${Math.random().toString(36).slice(2, 10)}`);

describe('widening the outbox kinds', () => {
  it('keeps a column, a kind and an index another migration added, and every row', () => {
    const db = openDatabase(':memory:', MIGRATIONS.slice(0, 3));
    // What a parallel migration might have done before this one.
    db.exec('ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0');
    db.exec('CREATE INDEX outbox_by_priority ON outbox (priority)');
    widenOutboxKinds(db, ['other-kind']);
    insertKind(db, 'award');
    db.prepare('UPDATE outbox SET priority = 7').run();

    widenOutboxKinds(db, ['digest', 'aotw']);
    insertKind(db, 'digest');
    insertKind(db, 'other-kind');
    expect(() => insertKind(db, 'nonsense')).toThrow(/CHECK/);
    const rows = db.prepare('SELECT kind, priority FROM outbox ORDER BY id').all();
    expect(rows).toEqual([
      { kind: 'award', priority: 7 },
      { kind: 'digest', priority: 0 },
      { kind: 'other-kind', priority: 0 },
    ]);
    const indexes = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL",
      )
      .all()
      .map((r) => (r as { name: string }).name)
      .sort();
    expect(indexes).toEqual(['outbox_by_priority', 'outbox_failed_recent', 'outbox_pending_due']);
    db.close();
  });

  it('migrates a version-3 database with pending rows to the latest schema', () => {
    const db = openDatabase(':memory:', MIGRATIONS.slice(0, 3));
    insertKind(db, 'unlock');
    // Reopening a file isn't possible for :memory:, so run the remaining migrations by hand.
    for (const migration of MIGRATIONS.slice(3)) {
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    insertKind(db, 'aotw');
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 2 });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});
