import type { FastifyRequest } from 'fastify';
import type { EntitlementDecision } from '../../index.js';
import { decisionOf } from '../http/entitlement-decisions.js';

/**
 * The decision of the `requireEntitlement()` guard for `featureKey` on this
 * Fastify request: what was consumed, the usage and room left after it
 * (`used`, `remaining`), and `replayed` (`true` when the idempotency key
 * matched an earlier request and nothing was counted again). Throws
 * `ConfigurationError` (rendered 500) when no guard for `featureKey` ran for
 * the route, a misspelt key included.
 *
 * @example
 * ```ts fragment
 * tenantRoutes.post('/ai', { preHandler: requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 100 }) }, async (request, reply) => {
 *   const { replayed, used } = entitlementOf(request, 'ai.tokens');
 *   return reply.code(replayed ? 200 : 201).send({ used });
 * });
 * ```
 */
export function entitlementOf<F extends string>(request: FastifyRequest, featureKey: F): EntitlementDecision<F> {
  return decisionOf(request.tenantryEntitlements, featureKey);
}
