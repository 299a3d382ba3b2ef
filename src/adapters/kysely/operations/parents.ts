import { NotFoundError } from '../../../core/errors/index.js';
import { FeatureNotFoundError } from '../../../core/errors/entitlement-errors.js';
import { readText } from '../column-values.js';
import { read, type Scope } from '../scope.js';
import type { QueryContext } from './query-context.js';
import { tenantExists } from './reads.js';

/**
 * Throws `NotFoundError` when `tenantId` (if given) does not exist, else
 * `FeatureNotFoundError` for the first of `featureKeys` that does not;
 * resolves when every one exists. One statement per kind of parent.
 */
export async function assertParentsExist(ctx: QueryContext, tenantId: string | undefined, featureKeys: readonly string[]): Promise<void> {
  if (tenantId !== undefined && !(await tenantExists(ctx, tenantId))) throw new NotFoundError();
  if (featureKeys.length === 0) return;
  const rows = await ctx.q
    .selectFrom(ctx.tables.features)
    .select('key')
    .where('key', 'in', [...new Set(featureKeys)])
    .execute();
  const existing = new Set(rows.map((row) => readText(row.key)));
  const missing = featureKeys.find((key) => !existing.has(key));
  if (missing !== undefined) throw new FeatureNotFoundError(missing);
}

/**
 * Runs `op`, turning a foreign-key violation into the tenantry error that
 * names the missing parent (`NotFoundError` for the tenant,
 * `FeatureNotFoundError` for a feature). The parents are read after `op`
 * has rolled back, so `op` must run all or nothing (PostgreSQL cannot read
 * inside a transaction after a failed statement). A violation whose parents
 * all exist by then (a concurrent insert) is rethrown as it is.
 */
export async function namingMissingParent<T>(scope: Scope, tenantId: string | undefined, featureKeys: readonly string[], op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    if (scope.dialect.classifyError(error) === 'foreign_key_violation') {
      await read(scope, (ctx) => assertParentsExist(ctx, tenantId, featureKeys));
    }
    throw error;
  }
}
