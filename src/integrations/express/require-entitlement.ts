import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { markGuard } from '../http/guard-mark.js';
import type { Tenantry } from '../../index.js';
import { withDecision } from '../http/entitlement-decisions.js';
import { consumeForRequest, entitlementGuard } from '../http/entitlement-guard-flow.js';
import { replayBody, replayHeaders, responseReplayStep } from '../http/response-replay.js';
import type { EntitlementGuardOptions } from '../http/entitlement-guard-options.js';
import { expressRequestReader } from './express-request-reader.js';

/**
 * Express middleware that consumes `amount` of `featureKey` for the
 * request's tenant before the handler runs, through the request's scope
 * (`scope.usage.consume`), atomically: the request passes only if every
 * level (the feature, its pools, the namespace) had room, and then the usage
 * is already counted. Otherwise nothing is consumed and `next(error)` hands
 * the refusal to `problemHandler()`:
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
 * `entitlementOf(req, featureKey).replayed` is `true`. The same key with
 * another body is 409 `idempotency_conflict`. The usage is not given back
 * when the handler fails afterwards; that is what the key is for.
 *
 * Place it after `tenantContext()` (without it: `ConfigurationError`, 500).
 * `featureKey` is typed as one of the instance's limit features (a typo or
 * a boolean feature does not compile) and checked once, here: an undeclared
 * string throws `FeatureNotFoundError`, a boolean feature or an instance
 * without entitlements `ConfigurationError`, at start-up, as do invalid
 * options. Storage failures go to `next(error)` (503).
 *
 * @example
 * ```ts fragment
 * app.post(
 *   '/tenants/:tenantId/ai',
 *   requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: (req) => Number(req.body.tokens) }),
 *   (req, res) => {
 *     const { replayed, remaining } = entitlementOf(req, 'ai.tokens');
 *     res.json({ replayed, remaining });
 *   },
 * );
 * ```
 */
export function requireEntitlement<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  options: EntitlementGuardOptions<NoInfer<L>, Request>,
): RequestHandler {
  const guard = entitlementGuard(tenantry, options);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return markGuard(
    async function requireEntitlementMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
      const consumed = await consumeForRequest(guard, req.tenantry, req, expressRequestReader);
      req.tenantryEntitlements = withDecision(req.tenantryEntitlements, consumed.decision);
      const step = await responseReplayStep(guard, consumed);
      if (step !== undefined && 'replay' in step) {
        // Straight to Node's response: Express's send() would add an ETag and a charset of its own.
        res.writeHead(step.replay.status, replayHeaders(step.replay)).end(replayBody(step.replay));
        return;
      }
      step?.capture(res);
      next();
    },
    { kind: 'entitlement', detail: guard.featureKey },
  );
}
