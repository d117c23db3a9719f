/** meta: small key/value facts about this installation (e.g. the hash of the registered commands). */
import type { Database } from './shared.js';

export class MetaTable {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(db: Database) {
    this.select = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.remove = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');
  }

  get(key: string): string | null {
    return this.select.get(key)?.value ?? null;
  }

  /** `null` deletes the key. */
  set(key: string, value: string | null): void {
    if (value === null) this.remove.run(key);
    else this.upsert.run(key, value);
  }
}
