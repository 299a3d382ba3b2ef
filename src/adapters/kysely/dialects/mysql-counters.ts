import { sql } from 'kysely';
import { counterCeiling } from '../../../store/entitlement-records.js';
import type { CounterStatements } from './store-dialect.js';

/**
 * MySQL/MariaDB's guarded counter writes. Neither has `UPDATE ... RETURNING`,
 * so each statement reports the counter's new value through
 * `LAST_INSERT_ID(expr)`: the documented way to return a value computed by
 * the statement itself (MySQL's "simulate sequences" idiom), sent back in the
 * same OK packet as the statement's `insertId`, per connection, so no second
 * read is needed and no other session can see or change it.
 *
 * `increment` is `INSERT ... ON DUPLICATE KEY UPDATE`: a new counter is
 * inserted with `LAST_INSERT_ID(amount)`; an existing one (locked exclusively
 * by the upsert, a record lock on the primary key, never a shared lock that
 * two waiters could both hold and deadlock on) gets `used + amount` when that
 * stays within the ceiling (the limit, and `Number.MAX_SAFE_INTEGER` for an
 * unlimited counter), else keeps its value and sets `LAST_INSERT_ID(0)`.
 * A counter's value after a consume is at least 1, so 0 means refused.
 * Affected-row counts cannot tell these cases apart: mysql2 connects with
 * `CLIENT_FOUND_ROWS`, which reports an unchanged row like an inserted one.
 */
export const mysqlCounters: CounterStatements = Object.freeze<CounterStatements>({
  async increment(q, table, key, amount, limit) {
    const update = sql`if(used + ${amount} <= ${counterCeiling(limit)}, last_insert_id(used + ${amount}), last_insert_id(0) + used)`;
    const result = await sql`insert into ${sql.table(table)} (tenant_id, feature_key, namespace, window_start, used)
values (${key.tenantId}, ${key.featureKey}, ${key.namespace}, ${key.windowStart}, last_insert_id(${amount}))
on duplicate key update used = ${update}`.execute(q);
    const after = result.insertId === undefined ? 0 : Number(result.insertId);
    return after > 0 ? after : undefined;
  },
  async decrement(q, table, key, amount) {
    const result = await sql`update ${sql.table(table)} set used = last_insert_id(used - ${amount})
where tenant_id = ${key.tenantId} and feature_key = ${key.featureKey} and namespace = ${key.namespace} and window_start = ${key.windowStart} and used >= ${amount}`.execute(
      q,
    );
    // The guard is in the WHERE clause, so a matched row is an applied write
    // (with or without CLIENT_FOUND_ROWS). Kysely reports an insert id of 0 as undefined.
    if (result.numAffectedRows !== 1n) return undefined;
    return result.insertId === undefined ? 0 : Number(result.insertId);
  },
});
