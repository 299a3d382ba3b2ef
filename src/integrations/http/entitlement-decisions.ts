import { ConfigurationError } from '../../core/errors/index.js';
import type { EntitlementDecision } from '../../index.js';

/**
 * The decisions of the entitlement guards that ran for a request, by
 * feature key: `req.tenantryEntitlements` on Express,
 * `request.tenantryEntitlements` on Fastify. Read one with
 * `entitlementOf(req, featureKey)`.
 */
export type EntitlementDecisions = ReadonlyMap<string, EntitlementDecision>;

/**
 * The request's decisions with `decision` added. A new map each time, so a
 * map a handler already holds never changes under it.
 */
export function withDecision(decisions: EntitlementDecisions | null | undefined, decision: EntitlementDecision): EntitlementDecisions {
  const next = new Map(decisions ?? []);
  next.set(decision.featureKey, decision);
  return next;
}

/**
 * The framework-free body of `entitlementOf()`: the decision the guard for
 * `featureKey` attached. Throws `ConfigurationError` (a 500) when no guard
 * for `featureKey` ran, which is a wiring mistake (or a misspelt key), never
 * a client error.
 */
export function decisionOf<F extends string>(decisions: EntitlementDecisions | null | undefined, featureKey: F): EntitlementDecision<F> {
  const decision = decisions?.get(featureKey);
  if (decision === undefined) {
    throw new ConfigurationError(`entitlementOf() needs requireEntitlement() for "${String(featureKey)}" to run before the handler on the same route.`);
  }
  // Only the guard for `featureKey` stores a decision under that key.
  return decision as EntitlementDecision<F>;
}
