import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IsolatedDatabase, SqlDatabaseConfig, TestKysely } from './db-config.js';

/** In-memory SQLite: one connection, shared by every instance of a test file. */
export const sqliteMemoryDatabase: SqlDatabaseConfig = {
  kind: 'sql',
  dialect: 'sqlite',
  probe: () => Promise.resolve(undefined),
  create(): Promise<IsolatedDatabase> {
    const connection = new Database(':memory:');
    // Instances must not close the shared connection; drop() does, once.
    const shared: SqliteDatabase = { prepare: (sql) => connection.prepare(sql), close: () => undefined };
    const instances: TestKysely[] = [];
    return Promise.resolve({
      connect(options = {}) {
        const db: TestKysely = new Kysely({ dialect: new SqliteDialect({ database: shared }), ...(options.log ? { log: options.log } : {}) });
        instances.push(db);
        return db;
      },
      async drop() {
        await Promise.all(instances.map((db) => db.destroy()));
        connection.close();
      },
    });
  },
};

/** SQLite file in a temporary directory: every instance is a separate connection, as separate processes would have. */
export const sqliteFileDatabase: SqlDatabaseConfig = {
  kind: 'sql',
  dialect: 'sqlite',
  probe: () => Promise.resolve(undefined),
  create(): Promise<IsolatedDatabase> {
    const directory = mkdtempSync(join(tmpdir(), 'tenantry-'));
    const file = join(directory, 'store.sqlite');
    const instances: TestKysely[] = [];
    return Promise.resolve({
      url: `sqlite:${file}`,
      connect(options = {}) {
        const db: TestKysely = new Kysely({
          dialect: new SqliteDialect({ database: new Database(file, { timeout: 5000 }) }),
          ...(options.log ? { log: options.log } : {}),
        });
        instances.push(db);
        return db;
      },
      async drop() {
        await Promise.all(instances.map((db) => db.destroy()));
        rmSync(directory, { recursive: true, force: true });
      },
    });
  },
};
