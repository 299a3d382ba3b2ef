import type { FeatureCatalog } from '../../core/entitlements/define-features.js';
import type { EffectiveEntitlements } from '../../core/entitlements/effective-entitlements.js';
import type { PoolLevel } from '../../core/entitlements/evaluate-hierarchy.js';
import type { Limit } from '../../core/entitlements/limit.js';
import { periodWindow } from '../../core/entitlements/period-window.js';
import { isGauge } from '../../core/entitlements/reset-period.js';
import { TENANT_POOL, type CounterKey, type CounterTarget, type NamespaceLimitRecord } from '../../store/index.js';

/** Gauges (seats) never reset: their only window starts at the epoch. */
export const GAUGE_WINDOW = new Date(0);

/** One level of a consumption: a counter, its limit, and how to alert on it. */
export interface PlannedLevel {
  readonly feature: string;
  /** {@link TENANT_POOL} for the tenant level. */
  readonly namespace: string;
  /** False when the tenant's grants do not enable the feature; `limit` is then `0`. */
  readonly enabled: boolean;
  readonly limit: Limit;
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
    const enabled = entitlement?.kind === 'limit' && entitlement.enabled;
    const base = { feature: key, windowStart: window?.start ?? GAUGE_WINDOW, windowEnd: window?.end ?? null, thresholds: spec.thresholds };
    levels.push({ ...base, namespace: TENANT_POOL, enabled, limit: enabled ? entitlement.limit : 0 });
    if (input.namespace !== undefined) {
      const own = input.namespaceLimits.find((n) => n.namespace === input.namespace && n.featureKey === key);
      levels.push({ ...base, namespace: input.namespace, enabled: true, limit: own?.limit ?? 'unlimited' });
    }
  }
  return levels;
}

/** The levels as the hierarchy evaluator sees them, given current usage. */
export function toPoolLevels(levels: readonly PlannedLevel[], used: readonly number[]): PoolLevel[] {
  return levels.map((level, index) => ({
    featureKey: level.feature,
    ...(level.namespace === TENANT_POOL ? {} : { namespace: level.namespace }),
    enabled: level.enabled,
    limit: level.limit,
    used: used[index] ?? 0,
  }));
}

/**
 * The store targets of `levels`, in plan order (the store wrapper sorts them
 * into the global lock order). A level that is not enabled goes with limit
 * `0`: only a recorded idempotency key can then succeed, as a replay.
 */
export function toTargets(levels: readonly PlannedLevel[]): CounterTarget[] {
  return levels.map((level) => ({
    featureKey: level.feature,
    namespace: level.namespace,
    windowStart: level.windowStart,
    limit: level.enabled ? level.limit : 0,
  }));
}

/** The counters of `levels`, for reads. */
export function counterKeys(levels: readonly PlannedLevel[]): CounterKey[] {
  return levels.map((level) => ({ featureKey: level.feature, namespace: level.namespace, windowStart: level.windowStart }));
}
