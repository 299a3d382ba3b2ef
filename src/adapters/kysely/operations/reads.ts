import { NotFoundError } from '../../../core/errors/index.js';
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

/**
 * `Store.listActiveMembershipsOfUser`: one statement, the user's membership
 * rows (the (user_id, tenant_id) index) semi-joined to their tenant rows that
 * are not archived (the tenants' primary key, one probe per membership).
 */
export async function listActiveMembershipsOfUser(ctx: QueryContext, userId: string): Promise<readonly MembershipRecord[]> {
  const { tables } = ctx;
  const rows = await selectMemberships(ctx)
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom(`${tables.tenants} as tenant`)
          .select('tenant.id')
          // Qualified by the physical (prefixed) name, which is what the outer FROM names at run time.
          .whereRef('tenant.id', '=', `${tables.memberships}.tenant_id`)
          .where('tenant.archived_at', 'is', null),
      ),
    )
    .orderBy('tenant_id', 'asc')
    .execute();
  return Object.freeze(rows.map((row) => toMembershipRecord(ctx, row)));
}

/** `Store.listMembers`: one keyset-paged statement, served by the unique (tenant_id, user_id) index. */
export async function listMembers(ctx: QueryContext, tenantId: string, page: MemberPageRequest): Promise<readonly MembershipRecord[]> {
  let query = selectMemberships(ctx).where('tenant_id', '=', tenantId);
  if (page.afterUserId !== undefined) query = query.where('user_id', '>', page.afterUserId);
  const rows = await query.orderBy('user_id', 'asc').limit(page.limit).execute();
  return Object.freeze(rows.map((row) => toMembershipRecord(ctx, row)));
}

/**
 * Locks the tenant row until the transaction ends, the dialect's way
 * (`FOR NO KEY UPDATE` on PostgreSQL, `FOR UPDATE` on MySQL/MariaDB; SQLite's
 * immediate transaction already holds the database's write lock); throws
 * `NotFoundError` when there is no such tenant. Every guarded write of the
 * tenant takes the same lock first, so what the transaction reads after it
 * (the acting member's role, the owners) stays true until the commit.
 */
export async function lockTenantOnOpen(ctx: QueryContext, tenantId: string): Promise<void> {
  const { q, dialect, tables } = ctx;
  const row = await dialect.lockTenant(q.selectFrom(tables.tenants).select('id').where('id', '=', tenantId)).executeTakeFirst();
  if (row === undefined) throw new NotFoundError();
}

/** True when the tenant exists. */
export async function tenantExists(ctx: QueryContext, tenantId: string): Promise<boolean> {
  const row = await ctx.q.selectFrom(ctx.tables.tenants).select('id').where('id', '=', tenantId).executeTakeFirst();
  return row !== undefined;
}
