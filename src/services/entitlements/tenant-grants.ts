import type { PackageCatalog } from '../../core/entitlements/define-packages.js';
import { overflowingLimits } from '../../core/entitlements/effective-entitlements.js';
import type { Boost, EntitlementGrants } from '../../core/entitlements/grants.js';
import { ValidationError } from '../../core/errors/index.js';
import type { TenantGrants } from '../../store/entitlement-records.js';

/**
 * A tenant's stored grants as the pure core reads them. Stale keys (a
 * package or feature since removed from the catalog) throw
 * `PackageNotFoundError` / `FeatureNotFoundError`: stored data fails loudly
 * rather than silently granting nothing.
 */
export function catalogGrants<F extends string, L extends F, P extends string>(
  packages: PackageCatalog<F, L, P>,
  grants: TenantGrants,
): { packages: P[]; boosts: Boost<F, L>[] } {
  return {
    packages: grants.packages.map((assignment) => packages.assert(assignment.packageKey)),
    boosts: grants.boosts.map(
      (boost) =>
        ({
          featureKey: packages.features.assert(boost.featureKey),
          amount: boost.amount,
          ...(boost.expiresAt === null ? {} : { expiresAt: boost.expiresAt }),
        }) as Boost<F, L>,
    ),
  };
}

/**
 * Throws `ValidationError` when `grants`, the tenant's grants with a `change`
 * applied, would give some limit feature an effective limit past
 * `COUNTER_CEILING` (`Number.MAX_SAFE_INTEGER`): provisioning refuses such
 * a change instead of storing grants that no counter can count. The issue
 * points at the input that made the sum too large.
 */
export function assertLimitsFit<F extends string, L extends F, P extends string>(
  packages: PackageCatalog<F, L, P>,
  grants: EntitlementGrants<F, L, P>,
  now: Date,
  change: { readonly what: string; readonly path: string },
): void {
  const over = overflowingLimits(packages, grants, now);
  if (over.length === 0) return;
  const message = `The effective limit of ${over.map((feature) => `"${feature}"`).join(', ')} would pass Number.MAX_SAFE_INTEGER, the most a counter can hold; grant 'unlimited' instead.`;
  throw new ValidationError(`Invalid ${change.what}: ${message}`, [{ path: [change.path], message }]);
}
