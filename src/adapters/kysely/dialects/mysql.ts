import { sql } from 'kysely';
import { readText } from '../column-values.js';
import { errorField, isDestroyedDriverError } from './driver-error.js';
import { mysqlCounters } from './mysql-counters.js';
import type { DriverErrorKind, StoreDialect } from './store-dialect.js';

/**
 * Server error numbers that mean "the backend failed, nothing was written,
 * retrying is safe": too many connections (1040), shutdown (1053), lock wait
 * timeout (1205), deadlock (1213), query interrupted (1317), connection
 * killed (1927), server gone or lost (2002, 2003, 2006, 2013), disconnected
 * for inactivity (4031).
 */
const UNAVAILABLE = new Set([1040, 1053, 1205, 1213, 1317, 1927, 2002, 2003, 2006, 2013, 4031]);

function classifyMysqlError(error: unknown): DriverErrorKind | undefined {
  if (isDestroyedDriverError(error)) return 'unavailable';
  const errno = errorField(error, 'errno');
  // 1062 ER_DUP_ENTRY, 1586 ER_DUP_ENTRY_WITH_KEY_NAME.
  if (errno === 1062 || errno === 1586) return 'unique_violation';
  // 1452 ER_NO_REFERENCED_ROW_2, 1216 ER_NO_REFERENCED_ROW.
  if (errno === 1452 || errno === 1216) return 'foreign_key_violation';
  if (typeof errno === 'number' && UNAVAILABLE.has(errno)) return 'unavailable';
  // mysql2 marks errors that killed the connection as fatal (socket errors,
  // PROTOCOL_CONNECTION_LOST); errors without an SQL state come from the
  // client side (closed pool, closed connection), so the query never ran.
  if (errorField(error, 'fatal') === true) return 'unavailable';
  return error instanceof Error && errorField(error, 'sqlState') === undefined ? 'unavailable' : undefined;
}

/** `2024-05-01 12:30:00.123` (UTC) from a Date. */
function toUtcDatetime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

/**
 * MySQL and MariaDB (InnoDB). Guarded writes lock the tenant row with
 * `FOR UPDATE`, then read the membership rows with `FOR UPDATE` too: under
 * InnoDB's default REPEATABLE READ a plain select would read the snapshot
 * taken by the transaction's first read, possibly before the lock was
 * granted, whereas a locking read always sees the latest committed rows.
 *
 * Identifier columns are `varbinary`: comparison and ordering are exact and
 * case-sensitive, and unlike `utf8mb4_bin` (a PAD SPACE collation) `'a'` and
 * `'a '` stay distinct. Timestamps are `datetime(3)` holding UTC, written as
 * UTC text and read back with `cast(... as char)` so the connection's
 * `timezone` setting never shifts them.
 *
 * Counters are written with `INSERT ... ON DUPLICATE KEY UPDATE`, reporting
 * the new value through `LAST_INSERT_ID(expr)` (`mysql-counters.ts`). There
 * are no partial indexes: at most one active package assignment per
 * (tenant, package) is a unique index over a stored generated column that is
 * NULL once the assignment is cancelled (migration 0003).
 */
export const mysqlDialect = Object.freeze<StoreDialect>({
  name: 'mysql',
  begin: async (connection) => {
    await sql`start transaction`.execute(connection);
  },
  singleWritesNeedTransaction: false,
  // A duplicate-key error undoes only the failed statement in InnoDB, and
  // MySQL has no ON CONFLICT DO NOTHING (INSERT IGNORE would also hide other errors).
  duplicateInserts: 'error',
  upserts: 'on_duplicate_key',
  lockTenant: (query) => query.forUpdate(),
  readLatestMemberships: (query) => query.forUpdate(),
  lockRows: (query) => query.forUpdate(),
  // MariaDB has no FOR SHARE; both servers accept the older spelling.
  readLatestShared: (query) => query.modifyEnd(sql`lock in share mode`),
  counters: mysqlCounters,
  isDeadlock: (error) => errorField(error, 'errno') === 1213,
  writeTimestamp: toUtcDatetime,
  selectTimestamp: (column) => sql`cast(${sql.ref(column)} as char)`,
  readTimestamp: (value) => new Date(`${readText(value).replace(' ', 'T')}Z`),
  classifyError: classifyMysqlError,
});
