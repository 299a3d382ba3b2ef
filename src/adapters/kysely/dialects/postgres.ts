import { sql } from 'kysely';
import type { StorageUnavailableReason } from '../../../core/errors/index.js';
import { errorField, isDestroyedDriverError, networkErrorReason } from './driver-error.js';
import { pgNamedStatement } from './named-statement.js';
import { postgresCounters } from './postgres-counters.js';
import type { DriverErrorKind, StoreDialect } from './store-dialect.js';

/**
 * SQLSTATE codes that mean "the backend failed, nothing was written,
 * retrying is safe", with why. Exact codes first, then whole classes:
 * connection exceptions (08), insufficient resources (53), system errors (58).
 */
const SQLSTATE_REASONS: ReadonlyMap<string, StorageUnavailableReason> = new Map([
  // sqlclient_unable_to_establish_sqlconnection, sqlserver_rejected_establishment_of_sqlconnection.
  ['08001', 'unreachable'],
  ['08004', 'unreachable'],
  // admin_shutdown (pg_terminate_backend, smart or fast shutdown), crash_shutdown.
  ['57P01', 'connection_lost'],
  ['57P02', 'connection_lost'],
  // cannot_connect_now: the server is starting up or shutting down.
  ['57P03', 'unreachable'],
  // idle_session_timeout, idle_in_transaction_session_timeout: the server closed the session.
  ['57P05', 'connection_lost'],
  ['25P03', 'connection_lost'],
  // lock_not_available (lock_timeout), query_canceled (statement_timeout, or pg_cancel_backend).
  ['55P03', 'timeout'],
  ['57014', 'timeout'],
  ['40001', 'serialization_failure'],
  ['40P01', 'deadlock'],
]);
const SQLSTATE_CLASS_REASONS: ReadonlyMap<string, StorageUnavailableReason> = new Map([
  ['08', 'connection_lost'],
  ['53', 'resources_exhausted'],
  ['58', 'server_error'],
]);

/**
 * Errors `pg` and `pg-pool` raise on the client side, by their exact
 * message (they carry no code). Anything else without an SQLSTATE (a
 * Kysely `NoResultError`, a `TypeError` from a bug) is not an outage.
 */
const CLIENT_ERROR_REASONS: ReadonlyMap<string, StorageUnavailableReason> = new Map([
  ['Connection terminated unexpectedly', 'connection_lost'],
  ['Connection terminated', 'connection_lost'],
  ['Client has encountered a connection error and is not queryable', 'connection_lost'],
  ['Connection terminated due to connection timeout', 'unreachable'],
  ['timeout expired', 'unreachable'],
  ['Query read timeout', 'timeout'],
  // pg-pool: every client busy for connectionTimeoutMillis.
  ['timeout exceeded when trying to connect', 'resources_exhausted'],
  ['Client was closed and is not queryable', 'closed'],
  ['Cannot use a pool after calling end on the pool', 'closed'],
]);

function postgresUnavailableReason(error: unknown): StorageUnavailableReason | undefined {
  if (isDestroyedDriverError(error)) return 'closed';
  // Errors sent by the server carry a severity and an SQLSTATE code.
  if (typeof errorField(error, 'severity') === 'string') {
    const code = errorField(error, 'code');
    if (typeof code !== 'string') return undefined;
    return SQLSTATE_REASONS.get(code) ?? SQLSTATE_CLASS_REASONS.get(code.slice(0, 2));
  }
  const network = networkErrorReason(error);
  if (network !== undefined) return network;
  return error instanceof Error ? CLIENT_ERROR_REASONS.get(error.message) : undefined;
}

function classifyPostgresError(error: unknown): DriverErrorKind | undefined {
  if (typeof errorField(error, 'severity') === 'string') {
    const code = errorField(error, 'code');
    if (code === '23505') return 'unique_violation';
    if (code === '23503') return 'foreign_key_violation';
  }
  return postgresUnavailableReason(error) === undefined ? undefined : 'unavailable';
}

/**
 * `date` itself, which `pg` sends as a timestamp; an invalid `Date` throws
 * `RangeError` here, like `toISOString()` does on the other dialects, so a
 * programming error surfaces as itself (`pg` would send it as text the
 * server rejects, after a deprecation warning).
 */
function validDate(date: Date): Date {
  if (!Number.isFinite(date.getTime())) throw new RangeError('Invalid time value');
  return date;
}

/**
 * PostgreSQL. Guarded writes lock the tenant row with `FOR NO KEY UPDATE`
 * (it conflicts with itself but not with the `KEY SHARE` lock that inserting
 * a membership takes through the foreign key). Duplicates are inserted with
 * `ON CONFLICT DO NOTHING` because a failed statement would abort the
 * caller's whole transaction. Timestamps are `timestamptz(3)`.
 *
 * A single counter consume outside a transaction is one upsert whose
 * `DO UPDATE ... WHERE` is the guard (`postgres-counters.ts`). At most one
 * active package assignment per (tenant, package) is a partial unique index
 * (`WHERE cancelled_at IS NULL`, migration 0003).
 */
export const postgresDialect = Object.freeze<StoreDialect>({
  name: 'postgres',
  begin: async (connection) => {
    await sql`begin`.execute(connection);
  },
  singleWritesNeedTransaction: false,
  duplicateInserts: 'skip',
  upserts: 'on_conflict',
  lockTenant: (query) => query.forNoKeyUpdate(),
  // Under the default READ COMMITTED each statement already sees the latest
  // rows; FOR UPDATE keeps that true under a stricter isolation level (where
  // a concurrent change then aborts with 40001 instead of being missed).
  readLatestMemberships: (query) => query.forUpdate(),
  lockRows: (query) => query.forUpdate(),
  readLatestShared: (query) => query.forShare(),
  counters: postgresCounters,
  isDeadlock: (error) => typeof errorField(error, 'severity') === 'string' && errorField(error, 'code') === '40P01',
  writeTimestamp: validDate,
  selectTimestamp: (column) => sql.ref(column),
  readTimestamp: (value) => (value instanceof Date ? new Date(value.getTime()) : new Date(String(value))),
  classifyError: classifyPostgresError,
  unavailableReason: postgresUnavailableReason,
  namedStatement: pgNamedStatement,
});
