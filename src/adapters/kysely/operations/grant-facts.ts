import { sql } from 'kysely';
import type { GrantFacts } from '../../../store/granted-consume.js';
import { readCount, readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

/** One row of {@link readGrantFacts}: `kind` says which table it came from. */
interface FactRow {
  readonly kind: unknown;
  readonly k1: unknown;
  readonly k2: unknown;
  readonly amount: unknown;
  readonly ts: unknown;
}

/**
 * What a tenant's limits follow from (active package keys, boosts,
 * namespace limits, the billing-cycle anchor) in one statement: a
 * `union all` of four index-served selects, tagged by kind. `consumeGranted`
 * reads it in its transaction, where `readGrants`' four statements would be
 * four round trips on one connection.
 */
export async function readGrantFacts(ctx: QueryContext, tenantId: string): Promise<GrantFacts> {
  const { tables, dialect } = ctx;
  const { rows } =
    await sql<FactRow>`select 'p' as kind, package_key as k1, null as k2, null as amount, null as ts from ${sql.table(tables.package_assignments)}
where tenant_id = ${tenantId} and cancelled_at is null
union all select 'b', feature_key, null, amount, ${dialect.selectTimestamp('expires_at')} from ${sql.table(tables.boosts)} where tenant_id = ${tenantId}
union all select 'n', namespace, feature_key, usage_limit, null from ${sql.table(tables.namespace_limits)} where tenant_id = ${tenantId}
union all select 'c', null, null, null, ${dialect.selectTimestamp('cycle_anchor')} from ${sql.table(tables.billing_cycles)} where tenant_id = ${tenantId}`.execute(
      ctx.q,
    );
  const packages: { packageKey: string }[] = [];
  const boosts: { featureKey: string; amount: number | 'unlimited'; expiresAt: Date | null }[] = [];
  const namespaceLimits: { namespace: string; featureKey: string; limit: number }[] = [];
  let cycleAnchor: Date | undefined;
  for (const row of rows) {
    switch (readText(row.kind)) {
      case 'p':
        packages.push({ packageKey: readText(row.k1) });
        break;
      case 'b':
        boosts.push({
          featureKey: readText(row.k1),
          amount: row.amount === null ? 'unlimited' : readCount(row.amount),
          expiresAt: row.ts === null ? null : dialect.readTimestamp(row.ts),
        });
        break;
      case 'n':
        namespaceLimits.push({ namespace: readText(row.k1), featureKey: readText(row.k2), limit: readCount(row.amount) });
        break;
      default:
        cycleAnchor = dialect.readTimestamp(row.ts);
    }
  }
  return { packages, boosts, namespaceLimits, ...(cycleAnchor === undefined ? {} : { cycleAnchor }) };
}
