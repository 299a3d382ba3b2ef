import type { GuardedWriteResult, MembershipRecord, MembershipRemoval, RoleChange } from '../../../store/records.js';
import type { QueryContext } from './query-context.js';
import { selectMemberships, toMembershipRecord } from './rows.js';

const NOT_FOUND: GuardedWriteResult = Object.freeze({ outcome: 'not_found' });
const LAST_OWNER: GuardedWriteResult = Object.freeze({ outcome: 'last_owner' });

interface GuardState {
  /** The membership to change, as it is now. */
  readonly previous: MembershipRecord;
  /** How many members hold the owner role now, `previous` included. */
  readonly owners: number;
}

/**
 * Locks the tenant row, then reads the target membership and every owner of
 * the tenant in one statement. Must run inside a transaction: the lock is what
 * keeps the owner count true until the write and the commit, because every
 * guarded write of the tenant takes the same lock first.
 */
async function lockAndRead(ctx: QueryContext, tenantId: string, userId: string, ownerRole: string): Promise<GuardState | undefined> {
  const { q, dialect, tables } = ctx;
  const tenant = await dialect.lockTenant(q.selectFrom(tables.tenants).select('id').where('id', '=', tenantId)).executeTakeFirst();
  if (tenant === undefined) return undefined;
  const rows = await dialect
    .readLatestMemberships(
      selectMemberships(ctx)
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('user_id', '=', userId), eb('role', '=', ownerRole)])),
    )
    .execute();
  const records = rows.map((row) => toMembershipRecord(ctx, row));
  const previous = records.find((record) => record.userId === userId);
  if (previous === undefined) return undefined;
  return { previous, owners: records.filter((record) => record.role === ownerRole).length };
}

/** `Store.updateMembershipRole`; the caller provides the transaction. */
export async function updateMembershipRole(ctx: QueryContext, change: RoleChange): Promise<GuardedWriteResult> {
  const state = await lockAndRead(ctx, change.tenantId, change.userId, change.ownerRole);
  if (state === undefined) return NOT_FOUND;
  const { previous, owners } = state;
  if (previous.role === change.ownerRole && change.role !== change.ownerRole && owners <= 1) return LAST_OWNER;
  await ctx.q
    .updateTable(ctx.tables.memberships)
    .set({ role: change.role })
    .where('tenant_id', '=', change.tenantId)
    .where('user_id', '=', change.userId)
    .execute();
  return Object.freeze({ outcome: 'applied', previous });
}

/** `Store.deleteMembership`; the caller provides the transaction. */
export async function deleteMembership(ctx: QueryContext, removal: MembershipRemoval): Promise<GuardedWriteResult> {
  const state = await lockAndRead(ctx, removal.tenantId, removal.userId, removal.ownerRole);
  if (state === undefined) return NOT_FOUND;
  const { previous, owners } = state;
  if (previous.role === removal.ownerRole && owners <= 1) return LAST_OWNER;
  await ctx.q.deleteFrom(ctx.tables.memberships).where('tenant_id', '=', removal.tenantId).where('user_id', '=', removal.userId).execute();
  return Object.freeze({ outcome: 'applied', previous });
}
