import { AlreadyExistsError } from '../../../core/errors/index.js';
import type { TenantPageRequest, TenantRecord, TenantUpdate } from '../../../store/records.js';
import type { QueryContext } from './query-context.js';
import { findTenant } from './reads.js';
import { selectTenants, toTenantRecord } from './rows.js';
import { tenantColumns } from './tenant-columns.js';

/**
 * `Store.updateTenant`: one update, then the row as it is now. The caller
 * runs it all or nothing (a slug collision aborts the statement, and on
 * PostgreSQL the transaction, so it runs under a savepoint there).
 */
export async function updateTenant(ctx: QueryContext, update: TenantUpdate): Promise<TenantRecord | undefined> {
  const { tenantId, ...fields } = update;
  const values = tenantColumns(ctx, fields);
  if (Object.keys(values).length > 0) {
    try {
      await ctx.q.updateTable(ctx.tables.tenants).set(values).where('id', '=', tenantId).execute();
    } catch (error) {
      if (ctx.dialect.classifyError(error) === 'unique_violation') throw new AlreadyExistsError('tenant slug');
      throw error;
    }
  }
  return findTenant(ctx, tenantId);
}

/**
 * `Store.listTenants`: one keyset-paged statement over the primary key. The
 * slug prefix is matched on `slug_key` with `LIKE`; services admit only
 * lower-case letters, digits and hyphens in it, none of which `LIKE` treats
 * specially.
 */
export async function listTenants(ctx: QueryContext, page: TenantPageRequest): Promise<readonly TenantRecord[]> {
  let query = selectTenants(ctx);
  if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
  if (page.slugPrefix !== undefined) query = query.where('slug_key', 'like', `${page.slugPrefix}%`);
  const rows = await query.orderBy('id', 'asc').limit(page.limit).execute();
  return Object.freeze(rows.map((row) => toTenantRecord(ctx, row)));
}
