import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describeFailure, uniqueDatabaseName, type ConnectOptions, type IsolatedDatabase, type SqlDatabaseConfig, type TestKysely } from './db-config.js';

/** Server to test against. Default is the local server of the development container. */
const SERVER_URL = process.env.TENANTRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function urlOf(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function newPool(url: string, options: ConnectOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // pg emits 'error' on a client whose backend dies between two queries; without
  // a listener that is an uncaught exception. The failed query reports it anyway.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** PostgreSQL: one database per test file, dropped with `WITH (FORCE)`. */
export const postgresDatabase: SqlDatabaseConfig = {
  kind: 'sql',
  dialect: 'postgres',
  async probe() {
    try {
      await withAdmin((client) => client.query('select 1'));
      return undefined;
    } catch (error) {
      return `no PostgreSQL at ${new URL(SERVER_URL).host} (${describeFailure(error)})`;
    }
  },
  async create(): Promise<IsolatedDatabase> {
    const name = uniqueDatabaseName();
    await withAdmin((client) => client.query(`create database "${name}"`));
    const instances: TestKysely[] = [];
    return {
      url: urlOf(name),
      connect(options = {}) {
        const db: TestKysely = new Kysely({
          dialect: new PostgresDialect({ pool: newPool(urlOf(name), options) }),
          ...(options.log ? { log: options.log } : {}),
        });
        instances.push(db);
        return db;
      },
      async drop() {
        await Promise.all(instances.map((db) => db.destroy()));
        await withAdmin((client) => client.query(`drop database if exists "${name}" with (force)`));
      },
    };
  },
};

/** Runs `sql` on the test server's admin database (to terminate backends, inspect activity). */
export function postgresAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withAdmin(work);
}
