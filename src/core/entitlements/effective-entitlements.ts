import { FeatureNotFoundError, PackageNotFoundError, ValidationError } from '../errors/index.js';
import type { FeatureCatalog } from './define-features.js';
import { grantProblem, type PackageCatalog } from './define-packages.js';
import type { EffectiveEntitlement, EntitlementGrants, EntitlementOf } from './grants.js';
import { assertDate, COUNTER_CEILING, type Limit } from './limit.js';

/**
 * Every catalog feature by key, each typed by its kind: limit features hold a
 * `LimitEntitlement`, the others a `BooleanEntitlement`. A named
 * alias rather than an inline mapped type, which also keeps typescript-eslint's
 * `no-unsafe-enum-assignment` from misreading `features['ai.tokens']` in host code.
 */
export type EntitlementMap<F extends string = string, L extends F = F> = { readonly [K in F]: EntitlementOf<K, L> };

/**
 * The result of {@link effectiveEntitlements}: every feature of the catalog
 * with its effective state. Frozen and JSON-friendly, so it can be cached.
 */
export interface EffectiveEntitlements<F extends string = string, L extends F = F> {
  /** Every catalog feature by key, ungranted ones included (as not enabled). */
  readonly features: EntitlementMap<F, L>;
  /**
   * When this result stops being true: the earliest expiry among the boosts
   * that counted, or `null` when none expires. Cache it until then at most.
   */
  readonly validUntil: Date | null;
}

/** Running total of one feature while the grants are added up. */
type Total = { readonly kind: 'boolean'; enabled: boolean } | { readonly kind: 'limit'; limit: Limit | null };

function add(total: Total, value: unknown): void {
  if (total.kind === 'boolean') {
    total.enabled = true;
    return;
  }
  if (total.limit === 'unlimited' || value === 'unlimited') {
    total.limit = 'unlimited';
    return;
  }
  // May leave the safe-integer range. Every term is a non-negative safe
  // integer and rounding is monotone, so the rounded sum is above
  // COUNTER_CEILING exactly when the true sum is.
  total.limit = (total.limit ?? 0) + (value as number);
}

/** Every feature's uncapped total over the packages and the boosts active at `now`, and when that stops being true. */
function sumGrants<F extends string, L extends F, P extends string>(
  packages: PackageCatalog<F, L, P>,
  grants: EntitlementGrants<F, L, P>,
  now: Date,
): { totals: Map<string, Total>; validUntil: number | null } {
  assertDate(now, 'now');
  const features: FeatureCatalog = packages.features;
  const totals = new Map<string, Total>();
  for (const key of features.keys()) {
    totals.set(key, features.isLimit(key) ? { kind: 'limit', limit: null } : { kind: 'boolean', enabled: false });
  }

  for (const packageKey of grants.packages) {
    if (!packages.has(packageKey)) throw new PackageNotFoundError(String(packageKey));
    for (const [feature, value] of Object.entries(packages.get(packageKey).grants)) {
      // definePackages validated every feature and value, so the total exists.
      add(totals.get(feature) as Total, value);
    }
  }

  let validUntil: number | null = null;
  for (const boost of grants.boosts ?? []) {
    const total = totals.get(boost.featureKey);
    if (total === undefined) throw new FeatureNotFoundError(String(boost.featureKey));
    const problem = grantProblem(features, boost.featureKey, boost.amount);
    if (problem !== null) {
      throw new ValidationError(`Invalid boost: ${problem}.`, [{ path: ['boosts', 'amount'], message: problem }]);
    }
    if (boost.expiresAt !== undefined) {
      assertDate(boost.expiresAt, 'expiresAt');
      const expiry = boost.expiresAt.getTime();
      if (expiry <= now.getTime()) continue;
      validUntil = validUntil === null ? expiry : Math.min(validUntil, expiry);
    }
    add(total, boost.amount);
  }
  return { totals, validUntil };
}

/**
 * Combines a tenant's packages and boosts into effective entitlements, as of
 * `now`. The rule:
 *
 * - a limit feature's limit is the **sum** of every package grant and every
 *   active boost for it; `'unlimited'` from any source wins; with no grant at
 *   all the feature is **not enabled** (`limit: null`), which differs from a
 *   granted `0`;
 * - a boolean feature is enabled when **any** package or active boost grants it;
 * - a boost is active while `now < expiresAt` (or when it has no expiry);
 * - a sum above {@link COUNTER_CEILING} counts as `COUNTER_CEILING`, which no
 *   counter can pass anyway. Provisioning refuses a change that would take a
 *   sum there (see {@link overflowingLimits}), so only grants stored some
 *   other way (by an older version, or under a catalog whose grants were
 *   raised since) are capped, and the tenant stays usable.
 *
 * Adding a grant therefore never lowers a limit or disables a feature.
 * Namespace limits are not grants: they narrow consumption inside a tenant
 * and are applied by `evaluateHierarchicalConsumption`.
 *
 * Throws {@link PackageNotFoundError} for an undeclared package,
 * {@link FeatureNotFoundError} for a boost of an undeclared feature (stale
 * stored data fails loudly rather than silently granting nothing), and
 * {@link ValidationError} for a boost amount that does not fit its feature
 * or an invalid date.
 *
 * @example
 * ```ts
 * const effective = effectiveEntitlements(packages, {
 *   packages: ['free', 'extra-seats'],
 *   boosts: [{ feature: 'ai.tokens', amount: 5_000, expiresAt: new Date('2030-01-01') }],
 * }, new Date());
 * effective.features.seats; // { feature: 'seats', kind: 'limit', enabled: true, limit: 13 }
 * ```
 */
export function effectiveEntitlements<F extends string, L extends F, P extends string>(
  packages: PackageCatalog<F, L, P>,
  // NoInfer: the catalog alone fixes the key unions; a typo in the grants is an error, not a wider union.
  grants: NoInfer<EntitlementGrants<F, L, P>>,
  now: Date,
): EffectiveEntitlements<F, L> {
  const { totals, validUntil } = sumGrants(packages, grants, now);
  const result: Record<string, EffectiveEntitlement> = {};
  for (const [feature, total] of totals) {
    result[feature] = Object.freeze(
      total.kind === 'boolean'
        ? { featureKey: feature, kind: 'boolean', enabled: total.enabled }
        : total.limit === null
          ? { featureKey: feature, kind: 'limit', enabled: false, limit: 0 }
          : { featureKey: feature, kind: 'limit', enabled: true, limit: total.limit === 'unlimited' ? 'unlimited' : Math.min(total.limit, COUNTER_CEILING) },
    );
  }
  return Object.freeze({
    features: Object.freeze(result) as EffectiveEntitlements<F, L>['features'],
    validUntil: validUntil === null ? null : new Date(validUntil),
  });
}

/**
 * The limit features whose sum of grants (every package plus the boosts
 * active at `now`) passes {@link COUNTER_CEILING}, in catalog order; empty
 * when none does. Provisioning calls it with the grants a change would
 * produce and refuses the change when the list is not empty, so that a
 * tenant's effective limit is never more than a counter can count.
 *
 * Throws like {@link effectiveEntitlements}.
 *
 * @example
 * ```ts
 * overflowingLimits(packages, { packages: ['free'], boosts: [{ feature: 'seats', amount: Number.MAX_SAFE_INTEGER }] }, new Date());
 * // ['seats']: 3 + (2^53 - 1) passes the ceiling
 * ```
 */
export function overflowingLimits<F extends string, L extends F, P extends string>(
  packages: PackageCatalog<F, L, P>,
  grants: NoInfer<EntitlementGrants<F, L, P>>,
  now: Date,
): L[] {
  const { totals } = sumGrants(packages, grants, now);
  const over: L[] = [];
  for (const [feature, total] of totals) {
    if (total.kind === 'limit' && typeof total.limit === 'number' && total.limit > COUNTER_CEILING) over.push(feature as L);
  }
  return over;
}
