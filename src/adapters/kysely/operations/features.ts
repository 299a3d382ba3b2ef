import { sql } from 'kysely';
import { FeatureNotFoundError } from '../../../core/errors/entitlement-errors.js';
import type { FeatureDeletion, FeatureRecord } from '../../../store/entitlement-records.js';
import { readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

/** Rows per statement when syncing: far below every dialect's bound-parameter limit. */
const CHUNK = 200;

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) result.push(items.slice(i, i + CHUNK));
  return result;
}

function toKind(value: string): FeatureRecord['kind'] {
  if (value === 'boolean' || value === 'limit') return value;
  throw new TypeError(`Unknown feature kind in storage: "${value}".`);
}

/**
 * Throws `FeatureNotFoundError` for the first feature (in input order) whose
 * parent is neither in `features` nor already stored.
 */
export async function assertParentsSynced(ctx: QueryContext, features: readonly FeatureRecord[]): Promise<void> {
  const inBatch = new Set(features.map((f) => f.key));
  const outside = [...new Set(features.map((f) => f.parentKey).filter((p): p is string => p !== null && !inBatch.has(p)))];
  if (outside.length === 0) return;
  const rows = await ctx.q.selectFrom(ctx.tables.features).select('key').where('key', 'in', outside).execute();
  const stored = new Set(rows.map((row) => readText(row.key)));
  const missing = features.find((f) => f.parentKey !== null && !inBatch.has(f.parentKey) && !stored.has(f.parentKey));
  if (missing?.parentKey != null) throw new FeatureNotFoundError(missing.parentKey);
}

/**
 * `Store.syncFeatures`; the caller makes it all or nothing. Checks the
 * parents first, then writes in two passes so that the order of the input
 * never matters (a child may come before its parent, which InnoDB's row-by-row
 * foreign-key checks would refuse in one multi-row insert): every row is
 * upserted with its kind (new rows without a parent yet), then every row's
 * parent is set in one `UPDATE ... SET parent_key = CASE key ... END`.
 * A key given twice keeps its last occurrence, as in the memory store.
 */
export async function syncFeatures(ctx: QueryContext, input: readonly FeatureRecord[]): Promise<void> {
  const features = [...new Map(input.map((f) => [f.key, f])).values()];
  if (features.length === 0) return;
  await assertParentsSynced(ctx, features);
  const { q, tables, dialect } = ctx;
  for (const part of chunks(features)) {
    const insert = q.insertInto(tables.features).values(part.map((f) => ({ key: f.key, kind: f.kind, parent_key: null })));
    await (
      dialect.upserts === 'on_conflict'
        ? insert.onConflict((conflict) => conflict.column('key').doUpdateSet({ kind: (eb) => eb.ref('excluded.kind') }))
        : insert.onDuplicateKeyUpdate({ kind: sql`values(kind)` })
    ).execute();
  }
  for (const part of chunks(features)) {
    const cases = sql.join(
      part.map((f) => sql`when ${f.key} then ${f.parentKey}`),
      sql` `,
    );
    await q
      .updateTable(tables.features)
      .set({ parent_key: sql<string | null>`case ${sql.ref('key')} ${cases} end` })
      .where(
        'key',
        'in',
        part.map((f) => f.key),
      )
      .execute();
  }
}

/** `Store.listFeatures`: one statement. */
export async function listFeatures(ctx: QueryContext): Promise<readonly FeatureRecord[]> {
  const rows = await ctx.q.selectFrom(ctx.tables.features).select(['key', 'kind', 'parent_key']).orderBy('key', 'asc').execute();
  return Object.freeze(
    rows.map((row) =>
      Object.freeze({ key: readText(row.key), kind: toKind(readText(row.kind)), parentKey: row.parent_key === null ? null : readText(row.parent_key) }),
    ),
  );
}

/** Why `featureKey` cannot be deleted, or `undefined` when nothing references it. One statement. */
export async function deletionBlocker(ctx: QueryContext, featureKey: string): Promise<'has_children' | 'in_use' | undefined> {
  const { q, tables } = ctx;
  const row = await q
    .selectNoFrom((eb) => [
      eb.exists(q.selectFrom(tables.features).select('key').where('parent_key', '=', featureKey)).as('has_children'),
      eb
        .or([
          eb.exists(q.selectFrom(tables.boosts).select('id').where('feature_key', '=', featureKey)),
          eb.exists(q.selectFrom(tables.usage_counters).select('used').where('feature_key', '=', featureKey)),
          eb.exists(q.selectFrom(tables.usage_alerts).select('used').where('feature_key', '=', featureKey)),
          eb.exists(q.selectFrom(tables.namespace_limits).select('usage_limit').where('feature_key', '=', featureKey)),
        ])
        .as('in_use'),
    ])
    .executeTakeFirstOrThrow();
  // Booleans on PostgreSQL, 0/1 on MySQL and SQLite.
  if (Number(row.has_children) !== 0) return 'has_children';
  return Number(row.in_use) !== 0 ? 'in_use' : undefined;
}

/**
 * `Store.deleteFeature`; the caller runs it in a transaction. Locks the
 * feature row first: a concurrent insert that references the feature (a
 * child, a counter) checks its foreign key against that row, so it waits and
 * then fails instead of slipping in between the check and the delete. The
 * foreign keys (ON DELETE RESTRICT) stay the last line of defence; the
 * caller maps their violation with {@link deletionBlocker}.
 */
export async function deleteFeature(ctx: QueryContext, featureKey: string): Promise<FeatureDeletion> {
  const { q, tables, dialect } = ctx;
  const row = await dialect.lockRows(q.selectFrom(tables.features).select('key').where('key', '=', featureKey)).executeTakeFirst();
  if (row === undefined) return 'not_found';
  const blocker = await deletionBlocker(ctx, featureKey);
  if (blocker !== undefined) return blocker;
  await q.deleteFrom(tables.features).where('key', '=', featureKey).execute();
  return 'deleted';
}
