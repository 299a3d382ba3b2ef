import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { declaredCapability, enforceCapability, type CapabilitySource } from '../http/capability-guard-flow.js';
import { expressRequestReader } from './express-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * Express middleware that lets the request through only when the actor's
 * role in the request's tenant grants `capability`; otherwise it answers the
 * 403 `forbidden` problem. Place it after `tenantContext()`: it reuses that
 * scope, so the check costs no membership lookup. Without `tenantContext()`
 * it fails with `ConfigurationError` (500).
 *
 * `tenantry` types `capability` (a typo does not compile) and is used to
 * check it once, here: an undeclared string throws `UnknownCapabilityError`
 * at start-up.
 *
 * @example
 * ```ts
 * app.get('/tenants/:tenantId/billing', requireCapability(tenantry, 'billing.read'), (req, res) => {
 *   res.json({ plan: 'pro' });
 * });
 * ```
 */
export function requireCapability<C extends string>(tenantry: CapabilitySource<C>, capability: NoInfer<C>): RequestHandler {
  const required = declaredCapability(tenantry, capability);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return async function requireCapabilityMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    const problem = await enforceCapability(req.tenantry, required, expressRequestReader.path(req));
    if (problem !== undefined) {
      sendProblem(res, problem);
      return;
    }
    next();
  };
}
