import type { Request } from 'express';
import type { EntitlementDecision } from '../../index.js';
import { decisionOf } from '../http/entitlement-decisions.js';

/**
 * The decision of the `requireEntitlement()` guard for `featureKey` on this
 * Express request: what was consumed, the usage and room left after it
 * (`used`, `remaining`), and `replayed` (`true` when the idempotency key
 * matched an earlier request and nothing was counted again). Throws
 * `ConfigurationError` (rendered 500) when no guard for `featureKey` ran for
 * the route, a misspelt key included.
 *
 * @example
 * ```ts fragment
 * app.post('/tenants/:tenantId/ai', requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 100 }), (req, res) => {
 *   const { replayed, used } = entitlementOf(req, 'ai.tokens');
 *   res.status(replayed ? 200 : 201).json({ used });
 * });
 * ```
 */
export function entitlementOf<F extends string>(req: Request, featureKey: F): EntitlementDecision<F> {
  return decisionOf(req.tenantryEntitlements, featureKey);
}
