import { sql } from 'kysely';
import type { StorageUnavailableReason } from '../../../core/errors/index.js';
import { readText } from '../column-values.js';
import { beginImmediate } from './sqlite-begin-immediate.js';
import { errorField, isDestroyedDriverError } from './driver-error.js';
import { sqliteCounters } from './sqlite-counters.js';
import type { DriverErrorKind, StoreDialect } from './store-dialect.js';

/**
 * Primary result codes (better-sqlite3 reports extended codes such as
 * `SQLITE_BUSY_SNAPSHOT`, which start with them) that mean the database
 * could not be used, with why.
 */
const RESULT_CODE_REASONS: readonly (readonly [string, StorageUnavailableReason])[] = [
  // Locked past the busy timeout.
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_LOCKED', 'busy'],
  ['SQLITE_FULL', 'resources_exhausted'],
  ['SQLITE_NOMEM', 'resources_exhausted'],
  // I/O failure, unopenable or read-only file, locking protocol error, interrupted.
  ['SQLITE_IOERR', 'server_error'],
  ['SQLITE_CANTOPEN', 'server_error'],
  ['SQLITE_PROTOCOL', 'server_error'],
  ['SQLITE_READONLY', 'server_error'],
  ['SQLITE_INTERRUPT', 'server_error'],
];

function sqliteUnavailableReason(error: unknown): StorageUnavailableReason | undefined {
  if (isDestroyedDriverError(error)) return 'closed';
  const code = errorField(error, 'code');
  if (typeof code === 'string') {
    // `SQLITE_BUSY` and `SQLITE_BUSY_SNAPSHOT`, not `SQLITE_BUSYX`.
    const match = RESULT_CODE_REASONS.find(([primary]) => code === primary || code.startsWith(`${primary}_`));
    if (match !== undefined) return match[1];
  }
  // better-sqlite3's error for a statement on a closed database.
  return error instanceof TypeError && error.message === 'The database connection is not open' ? 'closed' : undefined;
}

function classifySqliteError(error: unknown): DriverErrorKind | undefined {
  const code = errorField(error, 'code');
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique_violation';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key_violation';
  return sqliteUnavailableReason(error) === undefined ? undefined : 'unavailable';
}

/**
 * SQLite. There are no row locks: every transaction the store opens is
 * `BEGIN IMMEDIATE`, which takes the database's single write lock up front, so
 * a guarded write's count and write cannot interleave with another writer.
 * Waiting for that lock is done asynchronously (see `sqlite-begin-immediate.ts`),
 * which is also why single-statement writes go through a transaction.
 * Identifier columns use SQLite's default BINARY collation; timestamps are
 * ISO-8601 text in UTC (`2024-05-01T12:30:00.123Z`).
 *
 * Counters are written with an upsert and `RETURNING` (`sqlite-counters.ts`);
 * at most one active package assignment per (tenant, package) is a partial
 * unique index (migration 0003). Entitlement rows rely on foreign keys to
 * report a missing tenant or feature: keep `foreign_keys` on (better-sqlite3's default).
 */
export const sqliteDialect = Object.freeze<StoreDialect>({
  name: 'sqlite',
  begin: beginImmediate,
  singleWritesNeedTransaction: true,
  // A failed statement does not end a SQLite transaction, but ON CONFLICT DO
  // NOTHING avoids raising (and catching) an error for an expected outcome.
  duplicateInserts: 'skip',
  upserts: 'on_conflict',
  // BEGIN IMMEDIATE already excludes every other writer.
  lockTenant: (query) => query,
  readLatestMemberships: (query) => query,
  lockRows: (query) => query,
  readLatestShared: (query) => query,
  counters: sqliteCounters,
  // One writer at a time: waits end in SQLITE_BUSY, never in a deadlock.
  isDeadlock: () => false,
  writeTimestamp: (date) => date.toISOString(),
  selectTimestamp: (column) => sql.ref(column),
  readTimestamp: (value) => new Date(readText(value)),
  classifyError: classifySqliteError,
  unavailableReason: sqliteUnavailableReason,
});
