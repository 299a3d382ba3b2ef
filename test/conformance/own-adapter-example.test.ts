/**
 * The example of docs/storage.md ("Running the conformance suite on your own
 * adapter"), kept compiling and passing. Imports are relative here; in a host
 * project they are `tenantry`, `tenantry/kysely` and `tenantry/testing`.
 * The stand-in for "your adapter" is the Kysely store on in-memory SQLite.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Store } from '../../src/index.js';
import { kyselyStore, migrateToLatest } from '../../src/kysely.js';
import { runStoreConformance } from 'tenantry/testing';

// --- begin docs example ---
const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });

function createMyStore(): Store {
  return kyselyStore(db); // your adapter here
}

beforeAll(async () => {
  await migrateToLatest(db);
});

afterAll(async () => {
  await db.destroy();
});

runStoreConformance({
  name: 'my store',
  // Called once per case. Cases only touch ids they generate, so one shared database is fine.
  createStore: createMyStore,
  describe,
  it,
});
// --- end docs example ---
