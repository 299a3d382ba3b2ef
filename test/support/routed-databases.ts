import { afterAll, beforeAll, describe } from 'vitest';
import { kyselyStore, migrateToLatest } from '../../src/kysely.js';
import { routedStore } from '../../src/routed.js';
import type { Store } from '../../src/store/store.js';
import type { IsolatedDatabase, SqlDatabaseConfig, TestKysely } from './db-config.js';
import { describeUnavailable } from './databases.js';
import { postgresDatabase } from './db-postgres.js';
import { sqliteFileDatabase } from './db-sqlite.js';

/** The backends a routed store is tested over: two databases of one kind, one per region. */
export const ROUTED_DATABASES = { 'routed sqlite-file': sqliteFileDatabase, 'routed postgres': postgresDatabase } as const;
export type RoutedDatabaseName = keyof typeof ROUTED_DATABASES;
export type Region = 'eu' | 'us';
export const REGIONS: readonly Region[] = ['eu', 'us'];

/**
 * The test route: a tenant id's region is the parity of its second
 * character, so the conformance fixtures' per-case namespaces
 * (`c<hex>-t-…`) spread cases over both regions while every tenant of one
 * case lands in one region (cases run cross-tenant writes inside one
 * transaction, which a routed store refuses across regions).
 */
export function testRoute(tenantId: string): Region {
  return (tenantId.charCodeAt(1) || 0) % 2 === 0 ? 'eu' : 'us';
}

/** A routed store over two SQL databases of one kind. */
export interface RoutedTestDatabase {
  readonly name: RoutedDatabaseName;
  /** The region databases (migrated), for reading rows behind the store's back. */
  readonly regions: Readonly<Record<Region, TestKysely>>;
  /** A routed store over both, with {@link testRoute} unless another route is given. */
  store(route?: (tenantId: string) => Region): Store;
}

/** For each backend, a `describe` whose body gets two fresh migrated databases (dropped after), or a failing test in CI when the server is down. */
export async function describeRoutedDatabases(names: readonly RoutedDatabaseName[], body: (database: RoutedTestDatabase) => void): Promise<void> {
  for (const name of names) {
    const config: SqlDatabaseConfig = ROUTED_DATABASES[name];
    const reason = await config.probe();
    if (reason !== undefined) {
      describeUnavailable(name, reason);
      continue;
    }
    describe(name, () => {
      const isolated: IsolatedDatabase[] = [];
      const dbs: Partial<Record<Region, TestKysely>> = {};
      const ready = (): Readonly<Record<Region, TestKysely>> => {
        if (dbs.eu === undefined || dbs.us === undefined) throw new Error(`${name} is used before beforeAll created it.`);
        return { eu: dbs.eu, us: dbs.us };
      };
      beforeAll(async () => {
        for (const region of REGIONS) {
          const database = await config.create();
          isolated.push(database);
          const db = database.connect();
          await migrateToLatest(db);
          dbs[region] = db;
        }
      });
      afterAll(async () => {
        await Promise.all(isolated.map((database) => database.drop()));
      });
      body({
        name,
        get regions() {
          return ready();
        },
        store: (route = testRoute) => {
          const { eu, us } = ready();
          return routedStore({ route, stores: { eu: kyselyStore(eu), us: kyselyStore(us) }, home: 'eu' });
        },
      });
    });
  }
}
