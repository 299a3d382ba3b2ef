import type { TenantGrants } from '../../../store/entitlement-records.js';
import { selectAssignments, selectBoosts, toAssignmentRecord, toBoostRecord, toNamespaceLimitRecord } from './grant-rows.js';
import type { QueryContext } from './query-context.js';
import { readCycleAnchor } from './billing-cycle.js';

/**
 * `Store.readGrants`: four statements (active packages, boosts, namespace
 * limits, the billing-cycle anchor), each served by an index that starts with `tenant_id`. Outside a
 * transaction they run at the same time on pooled connections.
 * Ties in time are broken by id, as in the memory store.
 */
export async function readGrants(ctx: QueryContext, tenantId: string): Promise<TenantGrants> {
  const { q, tables } = ctx;
  const [packages, boosts, limits, cycleAnchor] = await Promise.all([
    selectAssignments(ctx).where('tenant_id', '=', tenantId).where('cancelled_at', 'is', null).orderBy('assigned_at', 'asc').orderBy('id', 'asc').execute(),
    selectBoosts(ctx).where('tenant_id', '=', tenantId).orderBy('created_at', 'asc').orderBy('id', 'asc').execute(),
    q
      .selectFrom(tables.namespace_limits)
      .select(['tenant_id', 'namespace', 'feature_key', 'usage_limit'])
      .where('tenant_id', '=', tenantId)
      .orderBy('namespace', 'asc')
      .orderBy('feature_key', 'asc')
      .execute(),
    readCycleAnchor(ctx, tenantId),
  ]);
  return Object.freeze({
    packages: Object.freeze(packages.map((row) => toAssignmentRecord(ctx, row))),
    boosts: Object.freeze(boosts.map((row) => toBoostRecord(ctx, row))),
    namespaceLimits: Object.freeze(limits.map(toNamespaceLimitRecord)),
    ...(cycleAnchor === undefined ? {} : { cycleAnchor }),
  });
}
