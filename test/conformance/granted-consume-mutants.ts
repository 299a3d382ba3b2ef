import type { StoreConformanceCaseName } from 'tenantry/testing';
import { COUNTER_CEILING } from '../../src/core/entitlements/limit.js';
import type { ConsumeRequest, ConsumeResult, TenantGrants } from '../../src/store/entitlement-records.js';
import { planGranted, withLevels, type GrantedConsumeRequest, type GrantedConsumeResult, type GrantedPlan } from '../../src/store/granted-consume.js';
import type { Store } from '../../src/store/store.js';
import type { StoreOperations } from '../../src/store/store-operations.js';
import { racyCounters } from './entitlement-patches.js';
import { ignoring, patched } from './store-mutants.js';

interface Breakage {
  /** The grants as the broken store sees them. */
  readonly grants?: (grants: TenantGrants, request: GrantedConsumeRequest) => TenantGrants;
  /** The request as the broken store reads it. */
  readonly request?: (request: GrantedConsumeRequest) => GrantedConsumeRequest;
  /** The plan as the broken store derives it. */
  readonly plan?: (plan: Extract<GrantedPlan, { outcome: 'plan' }>) => Extract<GrantedPlan, { outcome: 'plan' }>;
  /** How the broken store applies the plain consume. */
  readonly consume?: (ops: StoreOperations, request: ConsumeRequest) => Promise<ConsumeResult>;
}

/** A `consumeGranted` of read-then-consume over the memory store's operations, broken as `breakage` says. */
function broken(breakage: Breakage): () => Store {
  return patched((ops) => ({
    async consumeGranted(original): Promise<GrantedConsumeResult> {
      const request = breakage.request?.(original) ?? original;
      const stored = await ops.readGrants(request.tenantId);
      const planned = planGranted(request, breakage.grants?.(stored, request) ?? stored);
      if (planned.outcome !== 'plan') return planned;
      const plan = breakage.plan?.(planned) ?? planned;
      const result = await (breakage.consume?.(ops, plan.request) ?? ops.consume(plan.request));
      return withLevels(result, plan.levels);
    },
  }));
}

/** For every consumeGranted case, a store broken in the way that case exists to catch. */
export const GRANTED_CONSUME_MUTANTS = {
  // Counts boosts past their expiry.
  'consumeGranted sums package grants and active boosts, lets unlimited win, and refuses a feature nothing grants': broken({
    grants: (grants) => ({ ...grants, boosts: grants.boosts.map((boost) => ({ ...boost, expiresAt: null })) }),
  }),
  // Reads a capped sum as unlimited.
  'consumeGranted ignores cancelled packages and caps a sum past the ceiling at COUNTER_CEILING': broken({
    plan: (plan) => ({ ...plan, levels: plan.levels.map((level) => (level.limit === COUNTER_CEILING ? { ...level, limit: 'unlimited' as const } : level)) }),
  }),
  // Forgets namespace limits.
  'consumeGranted bounds a namespace by its own limit (else unlimited) and the tenant pool, all or nothing, in the caller order': broken({
    grants: (grants) => ({ ...grants, namespaceLimits: [] }),
  }),
  // Never compares the anchor nor looks for stale grants.
  'consumeGranted answers anchor_moved for another stored billing-cycle anchor and unresolved for stale grants, writing nothing': broken({
    request: ({ cycleAnchor: _anchor, ...request }) => request,
    grants: (grants, request) => ({
      ...grants,
      packages: grants.packages.filter((a) => request.catalog.packageKeys.includes(a.packageKey)),
      boosts: grants.boosts.filter((b) => request.catalog.featureKeys.includes(b.featureKey)),
    }),
  }),
  // Drops the idempotency key.
  'consumeGranted records the derived limits under an idempotency key and replays them after the grants changed': broken({
    request: ({ idempotency: _key, ...request }) => request,
  }),
  // Swallows a missing tenant.
  'consumeGranted reports a missing tenant and an unsynced feature like consume, and rolls back with its transaction': patched((ops) => ({
    consumeGranted: (request) =>
      ops.consumeGranted(request).catch((error: unknown): GrantedConsumeResult => {
        ignoring('not_found')(error);
        return { outcome: 'unresolved' };
      }),
  })),
  // Reads the counters, then writes unguarded.
  '24 concurrent consumeGranted of 1 against derived limits of 9 (pool) and 5 (child): exactly 5 succeed': broken({
    consume: (ops, request) => racyCounters(ops).consume?.(request) ?? ops.consume(request),
  }),
} satisfies Partial<Record<StoreConformanceCaseName, () => Store>>;
