import { sql } from 'kysely';
import { counterCeiling } from '../../../store/entitlement-records.js';
import { readCount } from '../column-values.js';
import type { CounterStatements } from './store-dialect.js';

/**
 * SQLite's guarded counter writes: an upsert with `RETURNING` (SQLite 3.35+),
 * the same shape as PostgreSQL's, guarded by the ceiling even for an
 * unlimited counter: SQLite integers hold 64 bits, but a value past
 * `Number.MAX_SAFE_INTEGER` would not read back exactly in JavaScript.
 * Inside `DO UPDATE`, a bare `used` is the existing row's value. They run
 * in an immediate transaction, which already excludes every other writer.
 */
export const sqliteCounters: CounterStatements = Object.freeze<CounterStatements>({
  async increment(q, table, key, amount, limit) {
    const guard = sql`where used + excluded.used <= ${counterCeiling(limit)}`;
    const { rows } = await sql<{ used: unknown }>`insert into ${sql.table(table)} (tenant_id, feature_key, namespace, window_start, used)
values (${key.tenantId}, ${key.featureKey}, ${key.namespace}, ${key.windowStart}, ${amount})
on conflict (tenant_id, feature_key, namespace, window_start) do update set used = used + excluded.used ${guard}
returning used`.execute(q);
    return rows[0] === undefined ? undefined : readCount(rows[0].used);
  },
  async decrement(q, table, key, amount) {
    const { rows } = await sql<{ used: unknown }>`update ${sql.table(table)} set used = used - ${amount}
where tenant_id = ${key.tenantId} and feature_key = ${key.featureKey} and namespace = ${key.namespace} and window_start = ${key.windowStart} and used >= ${amount}
returning used`.execute(q);
    return rows[0] === undefined ? undefined : readCount(rows[0].used);
  },
});
