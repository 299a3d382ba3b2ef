import type { InsertQueryBuilder, InsertResult } from 'kysely';
import { AlreadyExistsError, NotFoundError } from '../../../core/errors/index.js';
import type { NewMembership, NewTenant } from '../../../store/records.js';
import type { TenantryDatabase } from '../tables.js';
import type { QueryContext } from './query-context.js';
import { tenantExists } from './reads.js';
import { tenantColumns } from './tenant-columns.js';

/**
 * Runs an insert and reports how it went without leaving a failed statement
 * behind where the dialect says one would poison the transaction: the number
 * of rows inserted (zero when the dialect skipped a duplicate, or an
 * insert-select found nothing to insert), or a constraint that rejected it.
 */
async function runInsert<TB extends keyof TenantryDatabase>(
  ctx: QueryContext,
  insert: InsertQueryBuilder<TenantryDatabase, TB, InsertResult>,
): Promise<bigint | 'duplicate' | 'missing_parent'> {
  const query = ctx.dialect.duplicateInserts === 'skip' ? insert.onConflict((conflict) => conflict.doNothing()) : insert;
  try {
    const result = await query.executeTakeFirst();
    return result.numInsertedOrUpdatedRows ?? 0n;
  } catch (error) {
    const kind = ctx.dialect.classifyError(error);
    if (kind === 'unique_violation') return 'duplicate';
    if (kind === 'foreign_key_violation') return 'missing_parent';
    throw error;
  }
}

/**
 * Inserts a membership. The row is selected from the tenant row
 * (`INSERT ... SELECT ... FROM tenants WHERE id = ?`), so a missing tenant
 * inserts nothing instead of raising a foreign-key error: that works even on
 * a SQLite connection with foreign keys off, and never aborts a PostgreSQL
 * transaction.
 */
export async function insertMembership(ctx: QueryContext, membership: NewMembership): Promise<void> {
  const { q, tables, dialect } = ctx;
  const outcome = await runInsert(
    ctx,
    q
      .insertInto(tables.memberships)
      .columns(['id', 'tenant_id', 'user_id', 'role', 'created_by_type', 'created_by', 'created_at', 'source'])
      .expression(
        q
          .selectFrom(tables.tenants)
          .select((eb) => [
            eb.val(membership.id).as('id'),
            eb.ref('id').as('tenant_id'),
            eb.val(membership.userId).as('user_id'),
            eb.val(membership.role).as('role'),
            eb.val(membership.createdByType).as('created_by_type'),
            eb.val(membership.createdBy).as('created_by'),
            eb.val(dialect.writeTimestamp(membership.createdAt)).as('created_at'),
            eb.val(membership.source).as('source'),
          ])
          .where('id', '=', membership.tenantId),
      ),
  );
  if (outcome === 'duplicate') throw new AlreadyExistsError('membership');
  if (outcome === 'missing_parent') throw new NotFoundError();
  if (outcome === 0n) {
    // Nothing inserted: either no such tenant, or (dialects that skip
    // duplicates) the user is already a member. Only this path pays a second read.
    if (dialect.duplicateInserts === 'skip' && (await tenantExists(ctx, membership.tenantId))) {
      throw new AlreadyExistsError('membership');
    }
    throw new NotFoundError();
  }
}

/**
 * Inserts a tenant and its owner membership. Not atomic by itself: the caller
 * runs it in a transaction or under a savepoint.
 */
export async function createTenant(ctx: QueryContext, tenant: NewTenant, owner: NewMembership): Promise<void> {
  const outcome = await runInsert(
    ctx,
    ctx.q.insertInto(ctx.tables.tenants).values({
      id: tenant.id,
      created_by_type: tenant.createdByType,
      created_by: tenant.createdBy,
      created_at: ctx.dialect.writeTimestamp(tenant.createdAt),
      ...tenantColumns(ctx, tenant),
    }),
  );
  if (outcome === 'duplicate' || outcome === 0n) {
    // Two unique keys can reject the row: the id, or the slug (ignoring case).
    throw new AlreadyExistsError(tenant.slug === undefined || (await tenantExists(ctx, tenant.id)) ? 'tenant' : 'tenant slug');
  }
  if (outcome === 'missing_parent') throw new NotFoundError();
  await insertMembership(ctx, owner);
}
