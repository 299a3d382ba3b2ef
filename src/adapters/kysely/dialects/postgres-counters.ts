import { sql } from 'kysely';
import { counterCeiling } from '../../../store/entitlement-records.js';
import { readCount } from '../column-values.js';
import type { CounterStatements } from './store-dialect.js';

/**
 * PostgreSQL's guarded counter writes. `increment` is one upsert: a new
 * counter is inserted at `amount`; an existing one is updated only where
 * `used + amount <= ceiling` (the limit, and `Number.MAX_SAFE_INTEGER` for
 * an unlimited counter, so a bigint never holds more than JavaScript reads
 * exactly). `ON CONFLICT DO UPDATE` locks the existing row
 * even when its `WHERE` is false, so a refusal holds the row until the
 * transaction ends, and a following read sees the value that refused it.
 */
export const postgresCounters: CounterStatements = Object.freeze<CounterStatements>({
  async increment(q, table, key, amount, limit) {
    const guard = sql`where c.used + excluded.used <= ${counterCeiling(limit)}`;
    const { rows } = await sql<{ used: unknown }>`insert into ${sql.table(table)} as c (tenant_id, feature_key, namespace, window_start, used)
values (${key.tenantId}, ${key.featureKey}, ${key.namespace}, ${key.windowStart}, ${amount})
on conflict (tenant_id, feature_key, namespace, window_start) do update set used = c.used + excluded.used ${guard}
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
