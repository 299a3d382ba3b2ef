import type { MemberPageRequest, MembershipRecord, TenantRecord } from '../../../store/records.js';
import type { QueryContext } from './query-context.js';
import { selectMemberships, selectTenants, toMembershipRecord, toTenantRecord } from './rows.js';

// Each read is one statement. Ordering relies on the binary collation of the
// identifier columns (COLLATE "C", varbinary, SQLite BINARY): UTF-8 byte order,
// which is code-point order. That equals the memory store's UTF-16 code-unit
// order except between a character above U+FFFF and one in U+E000-U+FFFF.

/** `Store.findTenant`: one statement. */
export async function findTenant(ctx: QueryContext, tenantId: string): Promise<TenantRecord | undefined> {
  const row = await selectTenants(ctx).where('id', '=', tenantId).executeTakeFirst();
  return row === undefined ? undefined : toTenantRecord(ctx, row);
}

/** `Store.findMembership`: one statement, served by the unique (tenant_id, user_id) index. */
export async function findMembership(ctx: QueryContext, tenantId: string, userId: string): Promise<MembershipRecord | undefined> {
  const row = await selectMemberships(ctx).where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  return row === undefined ? undefined : toMembershipRecord(ctx, row);
}

/** `Store.listMembershipsOfUser`: one statement, served by the (user_id, tenant_id) index. */
export async function listMembershipsOfUser(ctx: QueryContext, userId: string): Promise<readonly MembershipRecord[]> {
  const rows = await selectMemberships(ctx).where('user_id', '=', userId).orderBy('tenant_id', 'asc').execute();
  return Object.freeze(rows.map((row) => toMembershipRecord(ctx, row)));
}

/** `Store.listMembers`: one keyset-paged statement, served by the unique (tenant_id, user_id) index. */
export async function listMembers(ctx: QueryContext, tenantId: string, page: MemberPageRequest): Promise<readonly MembershipRecord[]> {
  let query = selectMemberships(ctx).where('tenant_id', '=', tenantId);
  if (page.afterUserId !== undefined) query = query.where('user_id', '>', page.afterUserId);
  const rows = await query.orderBy('user_id', 'asc').limit(page.limit).execute();
  return Object.freeze(rows.map((row) => toMembershipRecord(ctx, row)));
}

/** True when the tenant exists. */
/** `Store.lockTenant`: the dialect's tenant-row lock (`FOR NO KEY UPDATE` / `FOR UPDATE`; none on SQLite). */
export async function lockTenant(ctx: QueryContext, tenantId: string): Promise<boolean> {
  const { q, dialect, tables } = ctx;
  return (await dialect.lockTenant(q.selectFrom(tables.tenants).select('id').where('id', '=', tenantId)).executeTakeFirst()) !== undefined;
}

export async function tenantExists(ctx: QueryContext, tenantId: string): Promise<boolean> {
  const row = await ctx.q.selectFrom(ctx.tables.tenants).select('id').where('id', '=', tenantId).executeTakeFirst();
  return row !== undefined;
}
