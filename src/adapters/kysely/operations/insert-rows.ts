import type { InsertQueryBuilder, InsertResult } from 'kysely';
import type { TenantryDatabase } from '../tables.js';
import type { QueryContext } from './query-context.js';

/**
 * Runs an insert that may hit a unique key. Resolves with the number of rows
 * inserted (zero when an insert-select found nothing to insert, or when the
 * dialect skipped a duplicate with `ON CONFLICT DO NOTHING`), or `'duplicate'`
 * when the dialect raised the duplicate instead. Other errors, foreign-key
 * violations included, propagate.
 */
export async function insertUnlessDuplicate<TB extends keyof TenantryDatabase>(
  ctx: QueryContext,
  insert: InsertQueryBuilder<TenantryDatabase, TB, InsertResult>,
): Promise<bigint | 'duplicate'> {
  const query = ctx.dialect.duplicateInserts === 'skip' ? insert.onConflict((conflict) => conflict.doNothing()) : insert;
  try {
    const result = await query.executeTakeFirst();
    return result.numInsertedOrUpdatedRows ?? 0n;
  } catch (error) {
    if (ctx.dialect.classifyError(error) === 'unique_violation') return 'duplicate';
    throw error;
  }
}
