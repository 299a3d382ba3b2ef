import type { FeatureCatalog } from '../../core/entitlements/define-features.js';
import type { PackageCatalog } from '../../core/entitlements/define-packages.js';
import { periodWindow } from '../../core/entitlements/period-window.js';
import { isGauge } from '../../core/entitlements/reset-period.js';
import { TENANT_POOL, type GrantedLevel, type GrantedLimit, type PackageGrant } from '../../store/index.js';
import { GAUGE_WINDOW, type PlannedLevel } from './counter-plan.js';

/** A level before its limit is known: everything {@link PlannedLevel} holds but `enabled` and `limit`. */
export type UnlimitedLevel = Omit<PlannedLevel, 'enabled' | 'limit'>;

/** The levels of a consumption whose limits the store derives, see {@link planGrantedLevels}. */
export interface GrantedLevels {
  readonly levels: readonly UnlimitedLevel[];
  /** The same levels as the store takes them. */
  readonly granted: readonly GrantedLevel[];
  /** True when some window depends on the billing-cycle anchor, which the store must then confirm. */
  readonly anchored: boolean;
}

/**
 * What each package of the catalog grants each limit feature, computed once
 * per catalog: the store sums these over the tenant's active assignments.
 */
export function packageGrantsByFeature(packages: PackageCatalog): ReadonlyMap<string, readonly PackageGrant[]> {
  const byFeature = new Map<string, PackageGrant[]>();
  for (const packageKey of packages.keys()) {
    for (const [featureKey, value] of Object.entries(packages.get(packageKey).grants)) {
      if (!packages.features.isLimit(featureKey)) continue;
      const list = byFeature.get(featureKey) ?? [];
      list.push(Object.freeze({ packageKey, limit: value as number | 'unlimited' }));
      byFeature.set(featureKey, list);
    }
  }
  return new Map([...byFeature].map(([featureKey, list]) => [featureKey, Object.freeze(list)]));
}

/**
 * The levels of a use of `feature` (in `namespace`, if given), as
 * `planLevels` orders them, with windows computed under `cycleAnchor` and
 * the limits left to the store.
 */
export function planGrantedLevels(input: {
  readonly features: FeatureCatalog;
  readonly grants: ReadonlyMap<string, readonly PackageGrant[]>;
  readonly feature: string;
  readonly namespace: string | undefined;
  readonly now: Date;
  readonly cycleAnchor: Date;
}): GrantedLevels {
  const levels: UnlimitedLevel[] = [];
  const granted: GrantedLevel[] = [];
  let anchored = false;
  const none: readonly PackageGrant[] = [];
  for (const key of input.features.chainOf(input.feature)) {
    const spec = input.features.get(key);
    if (spec.kind !== 'limit') continue;
    const gauge = isGauge(spec.reset);
    if (!gauge && spec.reset.anchor === 'cycle') anchored = true;
    const window = gauge ? null : periodWindow(spec.reset, input.now, input.cycleAnchor);
    const base = { feature: key, windowStart: window?.start ?? GAUGE_WINDOW, windowEnd: window?.end ?? null, thresholds: spec.thresholds };
    const packageGrants = input.grants.get(key) ?? none;
    levels.push({ ...base, namespace: TENANT_POOL });
    granted.push({ featureKey: key, namespace: TENANT_POOL, windowStart: base.windowStart, packageGrants });
    if (input.namespace !== undefined) {
      levels.push({ ...base, namespace: input.namespace });
      granted.push({ featureKey: key, namespace: input.namespace, windowStart: base.windowStart, packageGrants: none });
    }
  }
  return { levels, granted, anchored };
}

/** The planned levels once the store derived their limits. */
export function withDerivedLimits(levels: readonly UnlimitedLevel[], limits: readonly GrantedLimit[]): PlannedLevel[] {
  return levels.map((level, index) => {
    const derived = limits[index];
    return derived?.enabled === true ? { ...level, enabled: true, limit: derived.limit } : { ...level, enabled: false, limit: 0 };
  });
}
