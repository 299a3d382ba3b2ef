import { afterAll, beforeAll, describe, it } from 'vitest';
import { memoryStore } from '../../src/memory.js';
import { kyselyStore, migrateToLatest, type StoreDialectName } from '../../src/kysely.js';
import type { Store } from '../../src/store/store.js';
import type { ConnectOptions, IsolatedDatabase, MemoryDatabaseConfig, SqlDatabaseConfig, TestKysely } from './db-config.js';
import { mysqlDatabase } from './db-mysql.js';
import { postgresDatabase } from './db-postgres.js';
import { sqliteFileDatabase, sqliteMemoryDatabase } from './db-sqlite.js';

/** Every store the tests can run against. */
export const DATABASE_NAMES = ['memory', 'sqlite-memory', 'sqlite-file', 'postgres', 'mysql'] as const;
export type DatabaseName = (typeof DATABASE_NAMES)[number];
export type SqlDatabaseName = Exclude<DatabaseName, 'memory'>;
export const SQL_DATABASE_NAMES = DATABASE_NAMES.filter((name): name is SqlDatabaseName => name !== 'memory');

/** One config per database: adding a name without its config does not compile. */
const DATABASES: { readonly [N in DatabaseName]: N extends 'memory' ? MemoryDatabaseConfig : SqlDatabaseConfig } = {
  memory: { kind: 'memory' },
  'sqlite-memory': sqliteMemoryDatabase,
  'sqlite-file': sqliteFileDatabase,
  postgres: postgresDatabase,
  mysql: mysqlDatabase,
};

const inCi = process.env.CI === 'true';

/**
 * The databases selected by `TENANTRY_TEST_DATABASES` (comma-separated names),
 * default all. In CI every database must run, so a partial selection is refused.
 */
function selectedDatabases(): readonly DatabaseName[] {
  const raw = process.env.TENANTRY_TEST_DATABASES?.trim();
  if (raw === undefined || raw === '' || raw === 'all') return DATABASE_NAMES;
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(DATABASE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`TENANTRY_TEST_DATABASES: unknown ${unknown.join(', ')}; use ${DATABASE_NAMES.join(', ')}.`);
  if (inCi && DATABASE_NAMES.some((name) => !names.includes(name))) {
    throw new Error('TENANTRY_TEST_DATABASES selects a subset, but CI=true requires every database to run.');
  }
  return DATABASE_NAMES.filter((name) => names.includes(name));
}

/** A SQL database prepared for one test file. Members throw until `beforeAll` has created it. */
export interface SqlTestDatabase {
  readonly name: SqlDatabaseName;
  readonly dialect: StoreDialectName;
  /** The file's instance, migrated with the default table prefix unless `migrate: false`. */
  readonly db: TestKysely;
  /** A store over {@link db}. */
  store(): Store;
  /** Another instance on the same database (its own pool or connection). */
  connect(options?: ConnectOptions): TestKysely;
}

/** A store under test: the memory store, or a SQL database. */
export interface TestDatabase {
  readonly name: DatabaseName;
  /** The store the file's tests use: a fresh memory store, or a store over the file's SQL database. */
  store(): Store;
}

/**
 * Registers a `describe` block for a server that is down: one failing test
 * with the reason, in CI and locally alike, so an unreachable server is never
 * mistaken for a pass. To run without a database locally, leave it out with
 * `TENANTRY_TEST_DATABASES` (refused in CI).
 */
export function describeUnavailable(name: string, reason: string): void {
  describe(name, () => {
    it('is reachable', () => {
      throw new Error(`${reason}. Start the server, or leave this database out with TENANTRY_TEST_DATABASES (docs/testing.md).`);
    });
  });
}

function sqlSuite(name: SqlDatabaseName, migrate: boolean, body: (database: SqlTestDatabase) => void): void {
  const config = DATABASES[name];
  let isolated: IsolatedDatabase | undefined;
  let main: TestKysely | undefined;
  const ready = () => {
    if (isolated === undefined || main === undefined) throw new Error(`${name} is used before beforeAll created it.`);
    return { isolated, main };
  };
  beforeAll(async () => {
    isolated = await config.create();
    main = isolated.connect();
    if (migrate) await migrateToLatest(main);
  });
  afterAll(async () => {
    await isolated?.drop();
  });
  body({
    name,
    dialect: config.dialect,
    get db() {
      return ready().main;
    },
    store: () => kyselyStore(ready().main),
    connect: (options) => ready().isolated.connect(options),
  });
}

async function availability(names: readonly DatabaseName[]): Promise<Map<DatabaseName, string | undefined>> {
  const selected = selectedDatabases();
  const wanted = names.filter((name) => selected.includes(name));
  const reasons = await Promise.all(wanted.map((name) => (name === 'memory' ? Promise.resolve(undefined) : DATABASES[name].probe())));
  return new Map(wanted.map((name, index) => [name, reasons[index]]));
}

/**
 * For each of `names` that is selected, a `describe` named after it whose
 * body gets the SQL database, created empty for this file (and migrated
 * unless `migrate` is false) before its tests and dropped after them.
 */
export async function describeSqlDatabases(
  names: readonly SqlDatabaseName[],
  body: (database: SqlTestDatabase) => void,
  options: { readonly migrate?: boolean } = {},
): Promise<void> {
  for (const [name, reason] of await availability(names)) {
    if (name === 'memory') continue;
    if (reason !== undefined) describeUnavailable(name, reason);
    else {
      describe(name, () => {
        sqlSuite(name, options.migrate ?? true, body);
      });
    }
  }
}

/** Like {@link describeSqlDatabases}, for every store including the memory store. */
export async function describeDatabases(names: readonly DatabaseName[], body: (database: TestDatabase) => void): Promise<void> {
  for (const [name, reason] of await availability(names)) {
    if (reason !== undefined) describeUnavailable(name, reason);
    else if (name === 'memory') {
      describe(name, () => {
        body({ name, store: () => memoryStore() });
      });
    } else {
      describe(name, () => {
        sqlSuite(name, true, body);
      });
    }
  }
}
