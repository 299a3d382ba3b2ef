import { sql } from 'kysely';
import { errorField, isDestroyedDriverError } from './driver-error.js';
import { postgresCounters } from './postgres-counters.js';
import type { DriverErrorKind, StoreDialect } from './store-dialect.js';

/**
 * SQLSTATE classes and codes that mean "the backend failed, nothing was
 * written, retrying is safe": connection exceptions (08), operator
 * intervention such as `pg_terminate_backend` or a shutdown (57P01-57P03),
 * insufficient resources (53), system errors (58), serialization failures
 * and deadlocks (40001, 40P01).
 */
const UNAVAILABLE = /^(08|53|58|57P0[1-3]|40001|40P01)/;

function classifyPostgresError(error: unknown): DriverErrorKind | undefined {
  if (isDestroyedDriverError(error)) return 'unavailable';
  // Errors sent by the server carry a severity and an SQLSTATE code.
  if (typeof errorField(error, 'severity') === 'string') {
    const code = errorField(error, 'code');
    if (code === '23505') return 'unique_violation';
    if (code === '23503') return 'foreign_key_violation';
    return typeof code === 'string' && UNAVAILABLE.test(code) ? 'unavailable' : undefined;
  }
  // Everything else `pg` raises comes from the client side: a refused or reset
  // socket, "Connection terminated unexpectedly", a client that is no longer
  // queryable, a pool that timed out or was ended. The query never completed.
  return error instanceof Error ? 'unavailable' : undefined;
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
  writeTimestamp: (date) => date,
  selectTimestamp: (column) => sql.ref(column),
  readTimestamp: (value) => (value instanceof Date ? new Date(value.getTime()) : new Date(String(value))),
  classifyError: classifyPostgresError,
});
