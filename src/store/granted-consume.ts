/**
 * `consumeGranted`: a consumption whose limits the store derives from the
 * tenant's stored grants inside the same atomic write, so a consume needs
 * no separate read of the grants (one round trip where the dialect allows).
 */
import { COUNTER_CEILING } from '../core/entitlements/limit.js';
import type { BoostRecord, ConsumeRequest, ConsumeResult, CounterTarget, NamespaceLimitRecord, PackageAssignmentRecord } from './entitlement-records.js';
import { TENANT_POOL } from './entitlement-records.js';

/** What one package of the catalog grants a feature. */
export interface PackageGrant {
  readonly packageKey: string;
  readonly limit: number | 'unlimited';
}

/**
 * One level of a granted consumption: a counter and how its limit follows
 * from the tenant's grants.
 *
 * - Tenant pool ({@link TENANT_POOL}): the sum, over the tenant's active
 *   package assignments (each assignment counts), of what `packageGrants`
 *   says its package grants, plus every boost of `featureKey` active at
 *   `now` (`expiresAt` absent or after `now`); `'unlimited'` from any source
 *   wins; no source at all means not enabled (limit `0`); a sum past
 *   `COUNTER_CEILING` counts as `COUNTER_CEILING`. This is
 *   `effectiveEntitlements`' rule.
 * - A namespace: the namespace's own limit for `featureKey`, else
 *   `'unlimited'`; always enabled. `packageGrants` is ignored.
 */
export interface GrantedLevel {
  readonly featureKey: string;
  readonly namespace: string;
  readonly windowStart: Date;
  /** The catalog's packages that grant `featureKey`, with what they grant. */
  readonly packageGrants: readonly PackageGrant[];
}

/** Input of `consumeGranted`. */
export interface GrantedConsumeRequest {
  readonly tenantId: string;
  /** A positive integer. */
  readonly amount: number;
  /** The counters, distinct; adapters receive them in the global lock order, as `consume`'s. */
  readonly levels: readonly GrantedLevel[];
  /**
   * Every package and feature key of the caller's catalog. A tenant holding
   * an active assignment of another package, or a boost of another feature
   * (stale stored data), gets `unresolved`, nothing written: the caller then
   * reads the grants itself and fails loudly, as it would without this operation.
   */
  readonly catalog: { readonly packageKeys: readonly string[]; readonly featureKeys: readonly string[] };
  /**
   * The billing-cycle anchor the caller computed the windows under (`null`:
   * the tenant has none stored). When given and the stored anchor differs,
   * the answer is `anchor_moved` with the stored one, nothing written.
   * Absent: no window depends on the anchor, so it is not compared.
   */
  readonly cycleAnchor?: Date | null;
  /** As `consume`'s: the record keeps the derived limits, and a replay ignores today's grants. */
  readonly idempotency?: ConsumeRequest['idempotency'];
  readonly now: Date;
}

/** A level's derived limit. */
export interface GrantedLimit {
  readonly enabled: boolean;
  /** `0` when not enabled. */
  readonly limit: number | 'unlimited';
}

/**
 * Result of `consumeGranted`.
 *
 * - Every outcome of `consume`, decided exactly as `consume` would with the
 *   derived limits (a level that is not enabled goes with limit `0`), plus
 *   `levels`: each level's derived limit, in the caller's order.
 * - `anchor_moved`: the stored billing-cycle anchor is not `cycleAnchor`;
 *   nothing was written.
 * - `unresolved`: the tenant's stored grants name a package or feature the
 *   catalog does not list; nothing was written.
 */
export type GrantedConsumeResult =
  | (ConsumeResult & { readonly levels: readonly GrantedLimit[] })
  | { readonly outcome: 'anchor_moved'; readonly cycleAnchor: Date | null }
  | { readonly outcome: 'unresolved' };

/**
 * The part of a tenant's grants limits follow from: active assignments,
 * boosts, namespace limits, the billing-cycle anchor. `TenantGrants` is one;
 * an adapter may read just these fields (in one statement).
 */
export interface GrantFacts {
  readonly packages: readonly Pick<PackageAssignmentRecord, 'packageKey'>[];
  readonly boosts: readonly Pick<BoostRecord, 'featureKey' | 'amount' | 'expiresAt'>[];
  readonly namespaceLimits: readonly Pick<NamespaceLimitRecord, 'namespace' | 'featureKey' | 'limit'>[];
  readonly cycleAnchor?: Date;
}

/** What a granted consumption becomes once the grants are known: a plain consume, or an answer without one. */
export type GrantedPlan =
  | { readonly outcome: 'plan'; readonly request: ConsumeRequest; readonly levels: readonly GrantedLimit[] }
  | { readonly outcome: 'anchor_moved'; readonly cycleAnchor: Date | null }
  | { readonly outcome: 'unresolved' };

/** Adds one grant to a running total (`null`: nothing granted yet); `'unlimited'` from any source wins. */
function addGrant(total: number | 'unlimited' | null, value: number | 'unlimited'): number | 'unlimited' {
  return total === 'unlimited' || value === 'unlimited' ? 'unlimited' : (total ?? 0) + value;
}

function tenantLimit(level: GrantedLevel, grants: GrantFacts, now: number): GrantedLimit {
  let total: number | 'unlimited' | null = null;
  for (const assignment of grants.packages) {
    const grant = level.packageGrants.find((g) => g.packageKey === assignment.packageKey);
    if (grant !== undefined) total = addGrant(total, grant.limit);
  }
  for (const boost of grants.boosts) {
    if (boost.featureKey !== level.featureKey) continue;
    if (boost.expiresAt !== null && boost.expiresAt.getTime() <= now) continue;
    total = addGrant(total, boost.amount);
  }
  if (total === null) return { enabled: false, limit: 0 };
  // Every term is a non-negative safe integer, so a rounded sum is past the ceiling exactly when the true one is.
  return { enabled: true, limit: total === 'unlimited' ? 'unlimited' : Math.min(total, COUNTER_CEILING) };
}

/**
 * Each level's limit under `grants`, in order: the derivation every adapter
 * implements (in SQL or, as here, over grants it read in the same atomic unit).
 */
export function grantedLimits(levels: readonly GrantedLevel[], grants: GrantFacts, now: Date): GrantedLimit[] {
  const at = now.getTime();
  return levels.map((level) => {
    if (level.namespace === TENANT_POOL) return tenantLimit(level, grants, at);
    const own = grants.namespaceLimits.find((n) => n.namespace === level.namespace && n.featureKey === level.featureKey);
    return { enabled: true, limit: own?.limit ?? 'unlimited' };
  });
}

/**
 * Plans a granted consumption over the tenant's grants, read in the same
 * atomic unit: `unresolved` or `anchor_moved` when it must not go ahead,
 * else the plain `consume` request with the derived limits.
 */
export function planGranted(request: GrantedConsumeRequest, grants: GrantFacts): GrantedPlan {
  const packageKeys = new Set(request.catalog.packageKeys);
  const featureKeys = new Set(request.catalog.featureKeys);
  if (grants.packages.some((a) => !packageKeys.has(a.packageKey)) || grants.boosts.some((b) => !featureKeys.has(b.featureKey))) {
    return { outcome: 'unresolved' };
  }
  if (request.cycleAnchor !== undefined) {
    const stored = grants.cycleAnchor ?? null;
    if ((stored?.getTime() ?? null) !== (request.cycleAnchor?.getTime() ?? null)) return { outcome: 'anchor_moved', cycleAnchor: stored };
  }
  const levels = grantedLimits(request.levels, grants, request.now);
  const counters = request.levels.map((level, index): CounterTarget => {
    const derived = levels[index] as GrantedLimit;
    return { featureKey: level.featureKey, namespace: level.namespace, windowStart: level.windowStart, limit: derived.enabled ? derived.limit : 0 };
  });
  return {
    outcome: 'plan',
    levels,
    request: {
      tenantId: request.tenantId,
      amount: request.amount,
      counters,
      now: request.now,
      ...(request.idempotency === undefined ? {} : { idempotency: request.idempotency }),
    },
  };
}

/** A `consume` result with the derived limits attached. */
export function withLevels(result: ConsumeResult, levels: readonly GrantedLimit[]): GrantedConsumeResult {
  return Object.freeze({ ...result, levels: Object.freeze(levels.map((level) => Object.freeze({ ...level }))) });
}
