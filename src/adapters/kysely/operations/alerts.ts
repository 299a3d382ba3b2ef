import type { AlertRecord } from '../../../store/entitlement-records.js';
import { readCount, readText } from '../column-values.js';
import { insertUnlessDuplicate } from './insert-rows.js';
import { assertParentsExist } from './parents.js';
import type { QueryContext } from './query-context.js';

/**
 * `Store.recordAlert`: one insert-if-absent. The alert history's primary key
 * (tenant, feature, namespace, threshold, window start) makes it once: of
 * concurrent duplicates, one inserts and the others wait for it and then see
 * a duplicate. The row is selected from the tenant and feature rows, so a
 * missing parent inserts nothing; only when nothing was inserted are the
 * parents read, to tell a missing one (an error) from a duplicate (`false`).
 */
export async function recordAlert(ctx: QueryContext, alert: AlertRecord): Promise<boolean> {
  const { q, tables, dialect } = ctx;
  const outcome = await insertUnlessDuplicate(
    ctx,
    q
      .insertInto(tables.usage_alerts)
      .columns(['tenant_id', 'feature_key', 'namespace', 'threshold', 'window_start', 'used', 'usage_limit', 'created_at'])
      .expression(
        q
          .selectFrom([tables.tenants, tables.features])
          .select((eb) => [
            eb.ref('id').as('tenant_id'),
            eb.ref('key').as('feature_key'),
            eb.val(alert.namespace).as('namespace'),
            eb.val(alert.threshold).as('threshold'),
            eb.val(dialect.writeTimestamp(alert.windowStart)).as('window_start'),
            eb.val(alert.used).as('used'),
            eb.val(alert.limit).as('usage_limit'),
            eb.val(dialect.writeTimestamp(alert.createdAt)).as('created_at'),
          ])
          .where('id', '=', alert.tenantId)
          .where('key', '=', alert.featureKey),
      ),
  );
  if (outcome === 'duplicate') return false;
  if (outcome > 0n) return true;
  await assertParentsExist(ctx, alert.tenantId, [alert.featureKey]);
  return false;
}

/** `Store.listAlerts`: one statement, oldest first (then by threshold, as the memory store). */
export async function listAlerts(ctx: QueryContext, tenantId: string): Promise<readonly AlertRecord[]> {
  const { dialect } = ctx;
  const rows = await ctx.q
    .selectFrom(ctx.tables.usage_alerts)
    .select([
      'tenant_id',
      'feature_key',
      'namespace',
      'threshold',
      'used',
      'usage_limit',
      dialect.selectTimestamp('window_start').as('window_start'),
      dialect.selectTimestamp('created_at').as('created_at'),
    ])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'asc')
    .orderBy('threshold', 'asc')
    .orderBy('feature_key', 'asc')
    .orderBy('namespace', 'asc')
    .orderBy('window_start', 'asc')
    .execute();
  return Object.freeze(
    rows.map((row) =>
      Object.freeze({
        tenantId: readText(row.tenant_id),
        featureKey: readText(row.feature_key),
        namespace: readText(row.namespace),
        threshold: readCount(row.threshold),
        windowStart: dialect.readTimestamp(row.window_start),
        used: readCount(row.used),
        limit: readCount(row.usage_limit),
        createdAt: dialect.readTimestamp(row.created_at),
      }),
    ),
  );
}
