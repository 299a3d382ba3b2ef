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

/**
 * The tables holding rows of a tenant, children first: the order a deletion
 * must follow for the foreign keys to tenants (and to each other) to hold.
 * The audit log is not among them: it is kept.
 */
const OWNED_TABLES = [
  'quota_leases',
  'usage_alerts',
  'idempotency_keys',
  'usage_counters',
  'namespace_limits',
  'boosts',
  'package_assignments',
  'billing_cycles',
  'invitations',
  'webhook_deliveries',
  'webhook_endpoints',
  'tenant_roles',
  'memberships',
] as const;

/**
 * `Store.deleteTenant`, run all or nothing by the caller. The tenant row is
 * locked first with `FOR UPDATE` (SQLite: the immediate transaction already
 * excludes every writer): a concurrent insert naming the tenant then waits
 * for the deletion and fails its foreign-key check, instead of slipping a row
 * in between the deletes (`FOR NO KEY UPDATE` would let the key-share lock
 * of that check through on PostgreSQL).
 */
export async function deleteTenant(ctx: QueryContext, tenantId: string): Promise<boolean> {
  const { q, tables, dialect } = ctx;
  const lookup = q.selectFrom(tables.tenants).select('id').where('id', '=', tenantId);
  const found = await (dialect.name === 'sqlite' ? lookup : lookup.forUpdate()).executeTakeFirst();
  if (found === undefined) return false;
  // The delivery log names deliveries, not tenants: it goes first, before the deliveries it references.
  await q
    .deleteFrom(tables.webhook_attempts)
    .where('delivery_id', 'in', q.selectFrom(tables.webhook_deliveries).select('id').where('tenant_id', '=', tenantId))
    .execute();
  for (const table of OWNED_TABLES) await q.deleteFrom(tables[table]).where('tenant_id', '=', tenantId).execute();
  await q.deleteFrom(tables.tenants).where('id', '=', tenantId).execute();
  return true;
}
