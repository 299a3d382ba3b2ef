import type { CounterKey } from '../../../store/entitlement-operations.js';
import type { CounterRecord } from '../../../store/entitlement-records.js';
import { readCount, readText } from '../column-values.js';
import type { CounterKeyValues } from '../dialects/store-dialect.js';
import type { QueryContext } from './query-context.js';

/** The primary key of `tenantId`'s counter `key`, with the window start in the dialect's written form. */
export function counterKeyOf(ctx: QueryContext, tenantId: string, key: CounterKey): CounterKeyValues {
  return { tenantId, featureKey: key.featureKey, namespace: key.namespace, windowStart: ctx.dialect.writeTimestamp(key.windowStart) };
}

/** Select of counter rows with every column in a form {@link toCounterRecord} reads. */
function selectCounters(ctx: QueryContext) {
  return ctx.q
    .selectFrom(ctx.tables.usage_counters)
    .select(['tenant_id', 'feature_key', 'namespace', 'used', ctx.dialect.selectTimestamp('window_start').as('window_start')]);
}

function toCounterRecord(
  ctx: QueryContext,
  row: {
    tenant_id: string | Uint8Array;
    feature_key: string | Uint8Array;
    namespace: string | Uint8Array;
    used: number | string | bigint;
    window_start: unknown;
  },
): CounterRecord {
  return Object.freeze({
    tenantId: readText(row.tenant_id),
    featureKey: readText(row.feature_key),
    namespace: readText(row.namespace),
    windowStart: ctx.dialect.readTimestamp(row.window_start),
    used: readCount(row.used),
  });
}

const identity = (featureKey: string, namespace: string, windowStart: Date) => JSON.stringify([featureKey, namespace, windowStart.getTime()]);

/**
 * The counter's latest committed value, locked until the transaction ends
 * (nothing to lock on SQLite), or `undefined` when it does not exist. Read
 * after a refused write, it is the value that refused it.
 */
export async function readCounterLatest(ctx: QueryContext, key: CounterKeyValues): Promise<number | undefined> {
  const row = await ctx.dialect
    .lockRows(
      ctx.q
        .selectFrom(ctx.tables.usage_counters)
        .select('used')
        .where('tenant_id', '=', key.tenantId)
        .where('feature_key', '=', key.featureKey)
        .where('namespace', '=', key.namespace)
        .where('window_start', '=', key.windowStart),
    )
    .executeTakeFirst();
  return row === undefined ? undefined : readCount(row.used);
}

/** `Store.readCounters`: one statement for any number of counters (none for an empty list). */
export async function readCounters(ctx: QueryContext, tenantId: string, keys: readonly CounterKey[]): Promise<readonly number[]> {
  if (keys.length === 0) return Object.freeze([]);
  const rows = await selectCounters(ctx)
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or(
        keys.map((key) =>
          eb.and([
            eb('feature_key', '=', key.featureKey),
            eb('namespace', '=', key.namespace),
            eb('window_start', '=', ctx.dialect.writeTimestamp(key.windowStart)),
          ]),
        ),
      ),
    )
    .execute();
  const used = new Map(
    rows.map((row) => {
      const record = toCounterRecord(ctx, row);
      return [identity(record.featureKey, record.namespace, record.windowStart), record.used];
    }),
  );
  return Object.freeze(keys.map((key) => used.get(identity(key.featureKey, key.namespace, key.windowStart)) ?? 0));
}
