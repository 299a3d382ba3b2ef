import { evaluateHierarchicalConsumption } from '../../core/entitlements/evaluate-hierarchy.js';
import { COUNTER_CEILING, type Limit } from '../../core/entitlements/limit.js';
import { TENANT_POOL } from '../../store/index.js';
import { toPoolLevels, type PlannedLevel } from './counter-plan.js';
import type { EntitlementDecision, FeatureUsage } from './entitlement-types.js';

/** What a decision is built from. */
export interface DecisionFacts<F extends string> {
  readonly featureKey: F;
  readonly namespace: string | undefined;
  readonly amount: number;
  readonly levels: readonly PlannedLevel[];
  /**
   * Usage of each level (indexed like `levels`): before the consumption when
   * it was applied (`applied: true`), as the counters stand otherwise.
   */
  readonly used: readonly number[];
  /** True when the amount was counted (a consumption, or the replay of one). */
  readonly applied: boolean;
  readonly replayed: boolean;
  /** The normalized idempotency key of a keyed consumption, else `null`. */
  readonly idempotencyKey: string | null;
}

function subtract(room: Limit, amount: number): Limit {
  return room === 'unlimited' ? 'unlimited' : Math.max(0, room - amount);
}

/**
 * The public decision: the hierarchy evaluation of the amount, with usage and
 * room now and after (see {@link EntitlementDecision}).
 */
export function toDecision<F extends string>(facts: DecisionFacts<F>): EntitlementDecision<F> {
  const { levels, used, amount } = facts;
  const pools = toPoolLevels(levels, used);
  const evaluation = evaluateHierarchicalConsumption(pools, amount);
  const own = levels[0];
  const usedNow = used[0] ?? 0;
  let current: { used: number; remaining: Limit; usedAfter: number; remainingAfter: Limit };
  if (facts.applied) {
    const after = usedNow + amount;
    current = { used: after, remaining: evaluation.remaining, usedAfter: after, remainingAfter: evaluation.remaining };
  } else if (evaluation.allowed) {
    // A check that fits: room now, and the room the amount would leave.
    const room = evaluateHierarchicalConsumption(pools, 0).remaining;
    current = { used: usedNow, remaining: room, usedAfter: usedNow + amount, remainingAfter: evaluation.remaining };
  } else {
    // A refusal: the room as it stands, which the evaluation reports (for an
    // unlimited level at the counter ceiling that is the little left below it,
    // never 'unlimited').
    current = { used: usedNow, remaining: evaluation.remaining, usedAfter: usedNow + amount, remainingAfter: subtract(evaluation.remaining, amount) };
  }
  const blocked = facts.applied ? null : evaluation.blockedBy;
  return Object.freeze({
    allowed: facts.applied || evaluation.allowed,
    reason: facts.applied ? 'allowed' : evaluation.reason,
    featureKey: facts.featureKey,
    namespace: facts.namespace ?? null,
    requested: amount,
    enabled: own?.enabled ?? false,
    limit: own?.enabled === true ? own.limit : 0,
    ...current,
    blockedBy:
      blocked === null
        ? null
        : Object.freeze({
            featureKey: blocked.featureKey,
            namespace: blocked.namespace === undefined || blocked.namespace === TENANT_POOL ? null : blocked.namespace,
            enabled: blocked.enabled,
            // Only the counter ceiling refuses an unlimited level.
            limit: blocked.limit === 'unlimited' ? COUNTER_CEILING : blocked.limit,
            used: blocked.used,
          }),
    replayed: facts.replayed,
    usageAsOf: facts.replayed ? 'first_call' : 'now',
    idempotencyKey: facts.idempotencyKey,
  });
}

/** A boolean feature's decision: allowed when enabled; it has no counter. */
export function booleanDecision<F extends string>(featureKey: F, enabled: boolean, amount: number): EntitlementDecision<F> {
  const limit: Limit = enabled ? 'unlimited' : 0;
  return Object.freeze({
    allowed: enabled,
    reason: enabled ? 'allowed' : 'not_enabled',
    featureKey,
    namespace: null,
    requested: amount,
    enabled,
    limit,
    used: 0,
    remaining: limit,
    usedAfter: 0,
    remainingAfter: limit,
    blockedBy: enabled ? null : Object.freeze({ featureKey, namespace: null, enabled: false, limit: 0, used: 0 }),
    replayed: false,
    usageAsOf: 'now',
    idempotencyKey: null,
  });
}

/** Usage of one level. */
export function usageOf<L extends string>(featureKey: L, level: PlannedLevel, used: number): FeatureUsage<L> {
  const limit: Limit = level.enabled ? level.limit : 0;
  return Object.freeze({
    featureKey,
    namespace: level.namespace === TENANT_POOL ? null : level.namespace,
    enabled: level.enabled,
    limit,
    used,
    remaining: subtract(limit, used),
    windowStart: level.windowStart,
    windowEnd: level.windowEnd,
  });
}
