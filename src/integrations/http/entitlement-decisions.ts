import { ConfigurationError } from '../../core/errors/index.js';
import type { EntitlementDecision } from '../../services/entitlements/entitlement-types.js';
import type { EntitlementSource } from './entitlement-guard-flow.js';

/**
 * The decisions of the entitlement guards that ran for a request, by
 * feature: `req.tenantryEntitlements` on Express, `request.tenantryEntitlements`
 * on Fastify. Read one with `entitlementOf(entitlements, req, feature)`.
 */
export type EntitlementDecisions = ReadonlyMap<string, EntitlementDecision>;

/**
 * The request's decisions with `decision` added. A new map each time, so a
 * map a handler already holds never changes under it.
 */
export function withDecision(decisions: EntitlementDecisions | null | undefined, decision: EntitlementDecision): EntitlementDecisions {
  const next = new Map(decisions ?? []);
  next.set(decision.feature, decision);
  return next;
}

/**
 * The framework-free body of `entitlementOf()`: the decision the guard for
 * `feature` attached, typed with the feature names of `entitlements`. Throws
 * `ConfigurationError` (a 500) when no guard for `feature` ran, which is a
 * wiring mistake, never a client error.
 */
export function decisionOf<L extends string, F extends L>(
  _entitlements: EntitlementSource<L>,
  decisions: EntitlementDecisions | null | undefined,
  feature: F,
): EntitlementDecision<F> {
  const decision = decisions?.get(feature);
  if (decision === undefined) {
    throw new ConfigurationError(`entitlementOf() needs requireEntitlement() for "${String(feature)}" to run before the handler on the same route.`);
  }
  // Only the guard for `feature` stores a decision under that key.
  return decision as EntitlementDecision<F>;
}
