import { FeatureNotFoundError, ValidationError } from '../errors/index.js';
import type { PackageCatalog } from './define-packages.js';
import { effectiveEntitlements } from './effective-entitlements.js';
import type { EffectiveEntitlement, EntitlementGrants } from './grants.js';
import { assertCount, compareLimits } from './limit.js';

/**
 * How a feature changes under the proposed grants.
 *
 * - `gained`: not enabled now, enabled after.
 * - `lost`: enabled now, not enabled after.
 * - `increased`: a limit feature enabled in both, with a higher limit after (`'unlimited'` is highest).
 * - `decreased`: a limit feature enabled in both, with a lower limit after.
 * - `unchanged`: same state in both (for a boolean feature, any change is `gained` or `lost`).
 */
export type EntitlementChange = 'gained' | 'lost' | 'increased' | 'decreased' | 'unchanged';

/** One feature in a {@link PackageChangeSimulation}. Frozen. */
export interface FeatureSimulation<F extends string = string> {
  /** The feature's key. */
  readonly featureKey: F;
  /** The effective state under the current grants. */
  readonly current: EffectiveEntitlement<F>;
  /** The effective state under the proposed grants. */
  readonly proposed: EffectiveEntitlement<F>;
  /** Current usage (in the current window); `0` for boolean features and unlisted features. */
  readonly used: number;
  /**
   * True when current usage would not fit the proposed grants: usage above the
   * proposed limit, or any usage of a feature that would be lost. Usage exactly
   * at the limit is full, not over.
   */
  readonly over: boolean;
  /** How the feature changes; see {@link EntitlementChange}. */
  readonly change: EntitlementChange;
}

/** The result of {@link simulatePackageChange}. Frozen. */
export interface PackageChangeSimulation<F extends string = string, L extends F = F> {
  /** Every catalog feature, in declaration order. */
  readonly features: readonly FeatureSimulation<F>[];
  /** Features that would be gained, in declaration order. */
  readonly gained: readonly F[];
  /** Features that would be lost, in declaration order. */
  readonly lost: readonly F[];
  /** Limit features whose current usage would be over the proposed grants. */
  readonly over: readonly L[];
}

/** Current usage by limit feature. Missing features count as `0`. */
export type UsageByFeature<L extends string = string> = { readonly [K in L]?: number };

function changeOf(current: EffectiveEntitlement, proposed: EffectiveEntitlement): EntitlementChange {
  if (current.enabled !== proposed.enabled) return proposed.enabled ? 'gained' : 'lost';
  if (current.kind !== 'limit' || proposed.kind !== 'limit' || !current.enabled || !proposed.enabled) return 'unchanged';
  const order = compareLimits(proposed.limit, current.limit);
  return order > 0 ? 'increased' : order < 0 ? 'decreased' : 'unchanged';
}

function isOver(proposed: EffectiveEntitlement, used: number): boolean {
  if (proposed.kind !== 'limit' || used === 0) return false;
  return !proposed.enabled || (proposed.limit !== 'unlimited' && used > proposed.limit);
}

/**
 * "What if this tenant moved to these grants?": compares the effective
 * entitlements under the current and the proposed grants (both combined by
 * `effectiveEntitlements` as of `now`) and flags current usage that would not
 * fit. Writes nothing and decides nothing: whether a downgrade that leaves
 * usage over is refused, allowed, or allowed with a grace period is the
 * provisioning service's policy.
 *
 * Throws what `effectiveEntitlements` throws, {@link FeatureNotFoundError}
 * for usage of an undeclared feature, and `ValidationError` for usage of a
 * boolean feature or a count that is not a non-negative safe integer.
 *
 * @example
 * ```ts
 * const simulation = simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['free'] }, { seats: 12 }, new Date());
 * simulation.over; // ['seats'] (free grants 3 seats)
 * simulation.lost; // ['sso']
 * ```
 */
export function simulatePackageChange<F extends string, L extends F, P extends string>(
  packages: PackageCatalog<F, L, P>,
  currentGrants: NoInfer<EntitlementGrants<F, L, P>>,
  proposedGrants: NoInfer<EntitlementGrants<F, L, P>>,
  // NoInfer: the catalog alone fixes the key unions, so a usage key of a
  // boolean feature is an error instead of widening L.
  usage: NoInfer<UsageByFeature<L>>,
  now: Date,
): PackageChangeSimulation<F, L> {
  const features = packages.features;
  for (const [feature, used] of Object.entries<number | undefined>(usage)) {
    if (!features.has(feature)) throw new FeatureNotFoundError(feature);
    if (!features.isLimit(feature)) {
      throw new ValidationError(`Invalid usage: "${feature}" is a boolean feature and has no usage.`, [
        { path: ['usage', feature], message: 'Boolean features have no usage.' },
      ]);
    }
    if (used !== undefined) assertCount(used, `usage of ${feature}`);
  }
  const current: Readonly<Record<F, EffectiveEntitlement<F>>> = effectiveEntitlements(packages, currentGrants, now).features;
  const proposed: Readonly<Record<F, EffectiveEntitlement<F>>> = effectiveEntitlements(packages, proposedGrants, now).features;

  const results: FeatureSimulation<F>[] = [];
  const gained: F[] = [];
  const lost: F[] = [];
  const over: L[] = [];
  for (const feature of features.keys()) {
    const used = features.isLimit(feature) ? (usage[feature] ?? 0) : 0;
    const entry: FeatureSimulation<F> = Object.freeze({
      featureKey: feature,
      current: current[feature],
      proposed: proposed[feature],
      used,
      over: isOver(proposed[feature], used),
      change: changeOf(current[feature], proposed[feature]),
    });
    results.push(entry);
    if (entry.change === 'gained') gained.push(feature);
    if (entry.change === 'lost') lost.push(feature);
    if (entry.over && features.isLimit(feature)) over.push(feature);
  }
  return Object.freeze({
    features: Object.freeze(results),
    gained: Object.freeze(gained),
    lost: Object.freeze(lost),
    over: Object.freeze(over),
  });
}
