import type { FastifyReply, FastifyRequest } from 'fastify';
import { withDecision } from '../http/entitlement-decisions.js';
import { declaredLimitFeature, enforceEntitlement, type EntitlementSource } from '../http/entitlement-guard-flow.js';
import { resolveEntitlementGuardOptions, type EntitlementAmount, type EntitlementGuardOptions } from '../http/entitlement-guard-options.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * A Fastify `preHandler` that consumes `amount` of `feature` for the
 * request's tenant before the handler runs, atomically: the request passes
 * only if every level (the feature, its pools, the namespace) had room, and
 * then the usage is already counted. Otherwise it answers the problem and
 * nothing is consumed:
 *
 * - 403 `limit_exceeded` (with `feature`, `limit`, `used`, `requested`);
 * - 403 `feature_not_enabled` when the tenant's plan does not grant it;
 * - 409 `idempotency_conflict` when the idempotency key was used for a
 *   different amount or namespace;
 * - 400 `validation_failed` for a malformed idempotency key header, or a
 *   computed amount or namespace the service rejects.
 *
 * The client's idempotency key (header `Idempotency-Key` by default) makes
 * retries safe: a request with a key already consumed passes without
 * counting again, and `entitlementOf(entitlements, request, feature).replayed`
 * is `true`. tenantry stores the consumption, not your response: answer a
 * replay as you answered the first request. The usage is not given back
 * when the handler fails afterwards; that is what the key is for.
 *
 * It must run after `tenantContext()` (a context hook runs before
 * route-level `preHandler`s; without it: `ConfigurationError`, 500), and
 * after body parsing when the amount is read from the body, which
 * `preHandler` is. `entitlements` types `feature` as one of its limit
 * features (a typo or a boolean feature does not compile) and is used to
 * check it once, here: an undeclared string throws `FeatureNotFoundError`
 * at start-up. Options are validated here too (`ConfigurationError`).
 * Storage failures are thrown to the error handler (503).
 *
 * @example
 * ```ts
 * tenantRoutes.post<{ Body: { tokens: number } }>(
 *   '/ai',
 *   { preHandler: requireEntitlement(entitlements, 'ai.tokens', (request) => (request.body as { tokens: number }).tokens) },
 *   (request) => ({ replayed: entitlementOf(entitlements, request, 'ai.tokens').replayed }),
 * );
 * ```
 */
export function requireEntitlement<L extends string>(
  entitlements: EntitlementSource<L>,
  feature: NoInfer<L>,
  amount: EntitlementAmount<FastifyRequest>,
  options: EntitlementGuardOptions<FastifyRequest> = {},
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const guard = Object.freeze({
    entitlements,
    feature: declaredLimitFeature(entitlements, feature),
    options: resolveEntitlementGuardOptions(amount, options),
  });
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return async function requireEntitlementHook(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const outcome = await enforceEntitlement(guard, request.tenantry, request, fastifyRequestReader);
    if (!outcome.ok) return sendProblem(reply, outcome.response);
    request.tenantryEntitlements = withDecision(request.tenantryEntitlements, outcome.decision);
    return undefined;
  };
}
