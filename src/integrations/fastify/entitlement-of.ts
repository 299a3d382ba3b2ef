import type { FastifyRequest } from 'fastify';
import type { EntitlementDecision } from '../../services/entitlements/entitlement-types.js';
import { decisionOf } from '../http/entitlement-decisions.js';
import type { EntitlementSource } from '../http/entitlement-guard-flow.js';

/**
 * The decision of the `requireEntitlement()` guard for `feature` on this
 * Fastify request: what was consumed, the usage and room left after it, and
 * `replayed` (`true` when the idempotency key matched an earlier request and
 * nothing was counted again). `feature` is typed from the catalog of
 * `entitlements`. Throws `ConfigurationError` (rendered 500) when no guard
 * for `feature` ran for the route.
 *
 * @example
 * ```ts
 * tenantRoutes.post('/ai', { preHandler: requireEntitlement(entitlements, 'ai.tokens', 100) }, async (request, reply) => {
 *   const { replayed, used } = entitlementOf(entitlements, request, 'ai.tokens');
 *   return reply.code(replayed ? 200 : 201).send({ used });
 * });
 * ```
 */
export function entitlementOf<L extends string, F extends L>(
  entitlements: EntitlementSource<L>,
  request: FastifyRequest,
  feature: F,
): EntitlementDecision<F> {
  return decisionOf(entitlements, request.tenantryEntitlements, feature);
}
