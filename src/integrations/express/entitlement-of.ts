import type { Request } from 'express';
import type { EntitlementDecision } from '../../services/entitlements/entitlement-types.js';
import { decisionOf } from '../http/entitlement-decisions.js';
import type { EntitlementSource } from '../http/entitlement-guard-flow.js';

/**
 * The decision of the `requireEntitlement()` guard for `feature` on this
 * Express request: what was consumed, the usage and room left after it, and
 * `replayed` (`true` when the idempotency key matched an earlier request and
 * nothing was counted again). `feature` is typed from the catalog of
 * `entitlements`. Throws `ConfigurationError` (rendered 500) when no guard
 * for `feature` ran for the route.
 *
 * @example
 * ```ts
 * app.post('/tenants/:tenantId/ai', requireEntitlement(entitlements, 'ai.tokens', 100), (req, res) => {
 *   const { replayed, used } = entitlementOf(entitlements, req, 'ai.tokens');
 *   res.status(replayed ? 200 : 201).json({ used });
 * });
 * ```
 */
export function entitlementOf<L extends string, F extends L>(entitlements: EntitlementSource<L>, req: Request, feature: F): EntitlementDecision<F> {
  return decisionOf(entitlements, req.tenantryEntitlements, feature);
}
