import type { FastifyReply, FastifyRequest } from 'fastify';
import { markGuard } from '../http/guard-mark.js';
import type { Tenantry } from '../../index.js';
import { withDecision } from '../http/entitlement-decisions.js';
import { consumeForRequest, entitlementGuard } from '../http/entitlement-guard-flow.js';
import { replayBody, replayHeaders, responseReplayStep } from '../http/response-replay.js';
import type { EntitlementGuardOptions } from '../http/entitlement-guard-options.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import type { TenantryHook } from './hook.js';

/**
 * A Fastify `preHandler` that consumes `amount` of `featureKey` for the
 * request's tenant before the handler runs, through the request's scope
 * (`scope.usage.consume`), atomically: the request passes only if every
 * level (the feature, its pools, the namespace) had room, and then the usage
 * is already counted. Otherwise nothing is consumed and the refusal is
 * thrown to the error handler:
 *
 * - 403 `limit_exceeded` (with `featureKey`, `limit`, `used`, `requested`);
 * - 403 `feature_not_enabled` when the tenant's plan does not grant it;
 * - 409 `idempotency_conflict` when the idempotency key was used for a
 *   different request (amount, namespace or fingerprint);
 * - 409 `idempotent_replay` for a retry of a request already consumed
 *   (unless `onReplay: 'pass'` or `'respond'`);
 * - with `onReplay: 'respond'` (the response-replay helper), the first
 *   response is stored and every retry gets it byte for byte with
 *   `Idempotent-Replayed: true`; a retry while the first request runs waits
 *   for it (`responses.waitMs`), else 409 `idempotency_in_progress`;
 * - 400 `validation_failed` for a malformed idempotency key header, or a
 *   computed amount or namespace the service rejects.
 *
 * The client's idempotency key (header `Idempotency-Key` by default) makes
 * retries safe: it is scoped to the request's actor and the feature, and
 * bound to a fingerprint of the method, route and body (option
 * `fingerprint`). A retry of a request already consumed counts nothing and,
 * by default, is answered 409 `idempotent_replay` without running the
 * handler; with `onReplay: 'pass'` the handler runs and
 * `entitlementOf(request, featureKey).replayed` is `true`. The same key
 * with another body is 409 `idempotency_conflict`. The usage is not given
 * back when the handler fails afterwards; that is what the key is for.
 *
 * It must run after `tenantContext()` (without it: `ConfigurationError`,
 * 500), and after body parsing when the amount is read from the body, which
 * `preHandler` is. `featureKey` is typed as one of the instance's limit
 * features (a typo or a boolean feature does not compile) and checked once,
 * here: an undeclared string throws `FeatureNotFoundError`, a boolean
 * feature or an instance without entitlements `ConfigurationError`, at
 * start-up, as do invalid options.
 *
 * @example
 * ```ts fragment
 * tenantRoutes.post(
 *   '/ai',
 *   { preHandler: requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: (request) => (request.body as { tokens: number }).tokens }) },
 *   (request) => ({ replayed: entitlementOf(request, 'ai.tokens').replayed }),
 * );
 * ```
 */
export function requireEntitlement<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  options: EntitlementGuardOptions<NoInfer<L>, FastifyRequest>,
): TenantryHook {
  const guard = entitlementGuard(tenantry, options);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return markGuard(
    async function requireEntitlementHook(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const consumed = await consumeForRequest(guard, request.tenantry, request, fastifyRequestReader);
      request.tenantryEntitlements = withDecision(request.tenantryEntitlements, consumed.decision);
      const step = await responseReplayStep(guard, consumed);
      if (step !== undefined && 'replay' in step) {
        // Fastify sees the reply as sent and runs no handler after this hook.
        void reply.code(step.replay.status).headers(replayHeaders(step.replay)).send(replayBody(step.replay));
        return;
      }
      step?.capture(reply.raw);
    },
    { kind: 'entitlement', detail: guard.featureKey },
  );
}
