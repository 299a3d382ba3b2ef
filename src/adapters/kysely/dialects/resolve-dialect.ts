import { MysqlAdapter, PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';
import { ConfigurationError } from '../../../core/errors/index.js';
import { mysqlDialect } from './mysql.js';
import { postgresDialect } from './postgres.js';
import { sqliteDialect } from './sqlite.js';
import type { StoreDialect, StoreDialectName } from './store-dialect.js';

const DIALECTS: Readonly<Record<StoreDialectName, StoreDialect>> = Object.freeze({
  postgres: postgresDialect,
  mysql: mysqlDialect,
  sqlite: sqliteDialect,
});

/**
 * The dialect named by `override`, or else the one detected from the
 * adapter of `db`'s Kysely dialect. Third-party dialects built on Kysely's
 * adapters (PGlite, libSQL, ...) are detected through inheritance; anything
 * else needs the `dialect` option.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- only the executor of the host's instance is read.
export function resolveDialect(db: Kysely<any>, override: StoreDialectName | undefined): StoreDialect {
  if (override !== undefined) return DIALECTS[override];
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return postgresDialect;
  if (adapter instanceof MysqlAdapter) return mysqlDialect;
  if (adapter instanceof SqliteAdapter) return sqliteDialect;
  throw new ConfigurationError(
    `Cannot tell which SQL dialect this Kysely instance speaks (adapter ${adapter.constructor.name}); pass the "dialect" option ('postgres', 'mysql' or 'sqlite').`,
  );
}
