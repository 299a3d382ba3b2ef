import type { FeatureCatalog } from '../../core/entitlements/define-features.js';
import type { EffectiveEntitlements } from '../../core/entitlements/effective-entitlements.js';
import type { PoolLevel } from '../../core/entitlements/evaluate-hierarchy.js';
import type { Limit } from '../../core/entitlements/limit.js';
import { periodWindow } from '../../core/entitlements/period-window.js';
import { isGauge } from '../../core/entitlements/reset-period.js';
import { TENANT_POOL, type CounterTarget, type NamespaceLimitRecord } from '../../store/entitlement-records.js';

/** Gauges (seats) never reset: their only window starts at the epoch. */
export const GAUGE_WINDOW = new Date(0);

/** One level of a consumption: a counter, its limit, and how to alert on it. */
export interface PlannedLevel {
  readonly feature: string;
  /** {@link TENANT_POOL} for the tenant level. */
  readonly namespace: string;
  /** `null`: not enabled; `'unlimited'`: no limit at this level. */
  readonly limit: Limit | null;
  readonly windowStart: Date;
  readonly windowEnd: Date | null;
  readonly thresholds: readonly number[];
}

/** What {@link planLevels} needs. */
export interface PlanInput {
  readonly features: FeatureCatalog;
  readonly effective: EffectiveEntitlements;
  readonly feature: string;
  readonly namespace: string | undefined;
  readonly namespaceLimits: readonly NamespaceLimitRecord[];
  readonly now: Date;
  /** Start of the tenant's billing cycle, for cycle-anchored periods. */
  readonly cycleAnchor: Date;
}

/**
 * Every level a consumption of `feature` touches: the feature and each pool
 * above it at tenant level and, with a namespace, the same chain in the
 * namespace (limited by the namespace's own limit where one is set, otherwise
 * only tracked). Ordered child to root, tenant level before namespace level,
 * which is the order refusals are reported in.
 */
export function planLevels(input: PlanInput): PlannedLevel[] {
  const levels: PlannedLevel[] = [];
  for (const key of input.features.chainOf(input.feature)) {
    const spec = input.features.get(key);
    if (spec.kind !== 'limit') continue;
    const window = isGauge(spec.reset) ? null : periodWindow(spec.reset, input.now, input.cycleAnchor);
    const entitlement = input.effective.features[key];
    const tenantLimit = entitlement?.kind === 'limit' && entitlement.enabled ? entitlement.limit : null;
    const base = { feature: key, windowStart: window?.start ?? GAUGE_WINDOW, windowEnd: window?.end ?? null, thresholds: spec.thresholds };
    levels.push({ ...base, namespace: TENANT_POOL, limit: tenantLimit });
    if (input.namespace !== undefined) {
      const own = input.namespaceLimits.find((n) => n.namespace === input.namespace && n.featureKey === key);
      levels.push({ ...base, namespace: input.namespace, limit: own?.limit ?? 'unlimited' });
    }
  }
  return levels;
}

/** The levels as the hierarchy evaluator sees them, given current usage. */
export function toPoolLevels(levels: readonly PlannedLevel[], used: readonly number[]): PoolLevel[] {
  return levels.map((level, index) => ({
    feature: level.feature,
    ...(level.namespace === TENANT_POOL ? {} : { namespace: level.namespace }),
    limit: level.limit,
    used: used[index] ?? 0,
  }));
}

/**
 * The store targets for `levels`, in plan order: the store puts them into
 * the global lock order itself (and maps its answer back), so concurrent
 * consumptions over overlapping pools cannot deadlock.
 *
 * A level that is not enabled becomes limit `0`: it has no room, so the
 * store refuses the consumption, but only after replaying a recorded
 * idempotency key, which is how a retry still replays once the tenant's
 * grants no longer enable the feature.
 */
export function counterTargets(levels: readonly PlannedLevel[]): CounterTarget[] {
  return levels.map((level) => ({ featureKey: level.feature, namespace: level.namespace, windowStart: level.windowStart, limit: level.limit ?? 0 }));
}
