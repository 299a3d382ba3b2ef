import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { kyselyStore, migrateToLatest, type KyselyStore } from 'tenantry/kysely';

/**
 * The embedded default every example runs on: SQLite in a local file,
 * created and migrated on first run. Set `TENANTRY_SQLITE_FILE` to choose the
 * file. The same code runs on PostgreSQL or MySQL by swapping the Kysely
 * dialect (see README "Storage").
 */
export async function createExampleStore(): Promise<{ store: KyselyStore; close: () => Promise<void> }> {
  const file = resolve(process.env['TENANTRY_SQLITE_FILE'] ?? '.demo/tenantry.sqlite');
  mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  // WAL lets readers and the single writer work side by side.
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db);
  return { store: kyselyStore(db), close: () => db.destroy() };
}
