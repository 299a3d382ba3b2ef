import { sql } from 'kysely';
import type { StorageUnavailableReason } from '../../../core/errors/index.js';
import { readText } from '../column-values.js';
import { errorField, isDestroyedDriverError, networkErrorReason } from './driver-error.js';
import { mysqlCounters } from './mysql-counters.js';
import type { DriverErrorKind, StoreDialect } from './store-dialect.js';

/**
 * Server (and client library) error numbers that mean "the backend failed,
 * nothing was written, retrying is safe", with why.
 */
const ERRNO_REASONS: ReadonlyMap<number, StorageUnavailableReason> = new Map([
  // ER_CON_COUNT_ERROR: too many connections.
  [1040, 'resources_exhausted'],
  // ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED, ER_CLIENT_INTERACTION_TIMEOUT (4031).
  [1053, 'connection_lost'],
  [1927, 'connection_lost'],
  [4031, 'connection_lost'],
  // CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR: could not connect.
  [2002, 'unreachable'],
  [2003, 'unreachable'],
  // CR_SERVER_GONE_ERROR, CR_SERVER_LOST.
  [2006, 'connection_lost'],
  [2013, 'connection_lost'],
  // ER_LOCK_WAIT_TIMEOUT (innodb_lock_wait_timeout), MariaDB's ER_STATEMENT_TIMEOUT
  // (max_statement_time), MySQL's ER_QUERY_TIMEOUT (max_execution_time).
  [1205, 'timeout'],
  [1969, 'timeout'],
  [3024, 'timeout'],
  [1213, 'deadlock'],
  // ER_QUERY_INTERRUPTED: KILL QUERY, or the server interrupting it.
  [1317, 'server_error'],
]);

/** Errors `mysql2` raises on the client side without an error number, by their exact message. */
const CLIENT_ERROR_REASONS: ReadonlyMap<string, StorageUnavailableReason> = new Map([
  ['Pool is closed.', 'closed'],
  ['No connections available.', 'resources_exhausted'],
  ['Queue limit reached.', 'resources_exhausted'],
  ["Can't add new command when connection is in closed state", 'connection_lost'],
]);

function mysqlUnavailableReason(error: unknown): StorageUnavailableReason | undefined {
  if (isDestroyedDriverError(error)) return 'closed';
  const errno = errorField(error, 'errno');
  const known = typeof errno === 'number' ? ERRNO_REASONS.get(errno) : undefined;
  if (known !== undefined) return known;
  const network = networkErrorReason(error);
  if (network !== undefined) return network;
  if (!(error instanceof Error)) return undefined;
  const client = CLIENT_ERROR_REASONS.get(error.message);
  if (client !== undefined) return client;
  // mysql2 marks errors that killed the connection as fatal (a lost
  // connection, a protocol error, a failed handshake).
  return errorField(error, 'fatal') === true ? 'connection_lost' : undefined;
}

function classifyMysqlError(error: unknown): DriverErrorKind | undefined {
  const errno = errorField(error, 'errno');
  // 1062 ER_DUP_ENTRY, 1586 ER_DUP_ENTRY_WITH_KEY_NAME.
  if (errno === 1062 || errno === 1586) return 'unique_violation';
  // 1452 ER_NO_REFERENCED_ROW_2, 1216 ER_NO_REFERENCED_ROW.
  if (errno === 1452 || errno === 1216) return 'foreign_key_violation';
  return mysqlUnavailableReason(error) === undefined ? undefined : 'unavailable';
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
  unavailableReason: mysqlUnavailableReason,
});
