import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { markGuard } from '../http/guard-mark.js';
import type { Tenantry } from '../../index.js';
import { declaredCapability, enforceCapability } from '../http/capability-guard-flow.js';

/**
 * Express middleware that lets the request through only when the user's
 * role in the request's tenant grants `capability`; otherwise
 * `next(ForbiddenError)`, which `problemHandler()` answers 403 `forbidden`.
 * Place it after `tenantContext()`: it reuses that scope, so the check costs
 * no membership lookup. Without `tenantContext()` it fails with
 * `ConfigurationError` (500).
 *
 * `tenantry` types `capability` (a typo does not compile) and is used to
 * check it once, here: an undeclared string throws `UnknownCapabilityError`
 * at start-up.
 *
 * @example
 * ```ts fragment
 * app.get('/tenants/:tenantId/billing', requireCapability(tenantry, 'billing.read'), (req, res) => {
 *   res.json({ plan: 'pro' });
 * });
 * ```
 */
export function requireCapability<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  capability: NoInfer<C>,
): RequestHandler {
  const required = declaredCapability(tenantry, capability);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return markGuard(
    async function requireCapabilityMiddleware(req: Request, _res: Response, next: NextFunction): Promise<void> {
      await enforceCapability(req.tenantry, required);
      next();
    },
    { kind: 'capability', detail: required },
  );
}
