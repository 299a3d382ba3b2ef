import type { HierarchyEvaluation } from '../../core/entitlements/evaluate-hierarchy.js';
import { COUNTER_CEILING, type Limit } from '../../core/entitlements/limit.js';
import { TENANT_POOL } from '../../store/entitlement-records.js';
import type { PlannedLevel } from './counter-plan.js';
import type { EntitlementDecision } from './entitlement-types.js';

/** Turns a hierarchy evaluation into the public decision. `used` is indexed like `levels`. */
export function toDecision<F extends string>(
  feature: F,
  namespace: string | undefined,
  amount: number,
  levels: readonly PlannedLevel[],
  evaluation: HierarchyEvaluation,
  replayed: boolean,
): EntitlementDecision<F> {
  const own = evaluation.levels[0];
  const blocked = evaluation.blockedBy;
  const limit: Limit | null = levels[0]?.limit ?? null;
  return Object.freeze({
    allowed: evaluation.allowed,
    reason: evaluation.reason,
    feature,
    namespace: namespace ?? null,
    requested: amount,
    limit,
    used: own?.usedAfter ?? 0,
    remaining: evaluation.remaining,
    blockedBy:
      blocked === null
        ? null
        : Object.freeze({
            feature: blocked.feature,
            namespace: blocked.namespace === undefined || blocked.namespace === TENANT_POOL ? null : blocked.namespace,
            // Only the counter ceiling refuses an unlimited level.
            limit: blocked.limit === 'unlimited' ? COUNTER_CEILING : blocked.limit,
            used: blocked.used,
          }),
    replayed,
  });
}
