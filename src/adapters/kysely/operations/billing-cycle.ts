import { sql } from 'kysely';
import { NotFoundError } from '../../../core/errors/index.js';
import type { CycleAnchorChange, UsageShift, UsageShiftRequest } from '../../../store/entitlement-records.js';
import { readCount, readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';
import { tenantExists } from './reads.js';

/** The tenant's stored billing-cycle anchor, or `undefined` when none is set. One statement (primary key). */
export async function readCycleAnchor(ctx: QueryContext, tenantId: string): Promise<Date | undefined> {
  const row = await ctx.q
    .selectFrom(ctx.tables.billing_cycles)
    .select(ctx.dialect.selectTimestamp('cycle_anchor').as('cycle_anchor'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row === undefined ? undefined : ctx.dialect.readTimestamp(row.cycle_anchor);
}

/**
 * `Store.setCycleAnchor`: one upsert, inserted from the tenant row so that a
 * missing tenant inserts nothing (and is reported) instead of raising a
 * foreign-key error that would abort a PostgreSQL transaction.
 */
export async function setCycleAnchor(ctx: QueryContext, change: CycleAnchorChange): Promise<void> {
  const { q, tables, dialect } = ctx;
  const anchor = dialect.writeTimestamp(change.anchor);
  const insert = q
    .insertInto(tables.billing_cycles)
    .columns(['tenant_id', 'cycle_anchor'])
    .expression(
      q
        .selectFrom(tables.tenants)
        .select((eb) => [eb.ref('id').as('tenant_id'), eb.val(anchor).as('cycle_anchor')])
        .where('id', '=', change.tenantId),
    );
  const result = await (
    dialect.upserts === 'on_conflict'
      ? insert.onConflict((conflict) => conflict.column('tenant_id').doUpdateSet({ cycle_anchor: anchor }))
      : insert.onDuplicateKeyUpdate({ cycle_anchor: anchor })
  ).executeTakeFirst();
  // MySQL reports 0 rows for an update to the same value; only a missing tenant matters.
  if ((result.numInsertedOrUpdatedRows ?? 0n) === 0n && !(await tenantExists(ctx, change.tenantId))) throw new NotFoundError();
}

/** Every pool's counter of `shift.featureKey` at window `at`. */
async function countersAt(ctx: QueryContext, tenantId: string, featureKey: string, at: Date) {
  const rows = await ctx.q
    .selectFrom(ctx.tables.usage_counters)
    .select(['namespace', 'used'])
    .where('tenant_id', '=', tenantId)
    .where('feature_key', '=', featureKey)
    .where('window_start', '=', ctx.dialect.writeTimestamp(at))
    .execute();
  return rows.map((row) => ({ namespace: readText(row.namespace), used: readCount(row.used) }));
}

/**
 * Raises the counter of `namespace` at window `shift.to` to at least `used`,
 * in one upsert: a concurrent consumption's increment is kept (the larger
 * value wins), never overwritten by a value read earlier.
 */
async function raiseTo(ctx: QueryContext, tenantId: string, shift: UsageShift, namespace: string, used: number): Promise<void> {
  const table = sql.table(ctx.tables.usage_counters);
  const windowStart = ctx.dialect.writeTimestamp(shift.to);
  const values = sql`(${tenantId}, ${shift.featureKey}, ${namespace}, ${windowStart}, ${used})`;
  await (
    ctx.dialect.upserts === 'on_conflict'
      ? sql`insert into ${table} as c (tenant_id, feature_key, namespace, window_start, used) values ${values}
on conflict (tenant_id, feature_key, namespace, window_start) do update set used = case when c.used < excluded.used then excluded.used else c.used end`
      : sql`insert into ${table} (tenant_id, feature_key, namespace, window_start, used) values ${values}
on duplicate key update used = if(used < ${used}, ${used}, used)`
  ).execute(ctx.q);
}

/**
 * `Store.shiftUsage`; the caller runs it in a transaction. Carry: one read of
 * the old window's counters per feature, then one guarded upsert per counter.
 * Reset: one update per feature.
 */
export async function shiftUsage(ctx: QueryContext, request: UsageShiftRequest): Promise<void> {
  if (!(await tenantExists(ctx, request.tenantId))) throw new NotFoundError();
  for (const shift of request.shifts) {
    if (request.usage === 'reset') {
      await ctx.q
        .updateTable(ctx.tables.usage_counters)
        .set({ used: 0 })
        .where('tenant_id', '=', request.tenantId)
        .where('feature_key', '=', shift.featureKey)
        .where('window_start', '=', ctx.dialect.writeTimestamp(shift.to))
        .execute();
      continue;
    }
    if (shift.from.getTime() === shift.to.getTime()) continue;
    for (const counter of await countersAt(ctx, request.tenantId, shift.featureKey, shift.from)) {
      await raiseTo(ctx, request.tenantId, shift, counter.namespace, counter.used);
    }
  }
}
