import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { establishTenantContext, type ScopeFactory } from '../http/tenant-context-flow.js';
import { resolveTenantContextOptions, type TenantContextOptions } from '../http/tenant-context-options.js';
import { expressRequestReader } from './express-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * Express middleware that establishes the tenant context of a request before
 * any handler runs:
 *
 * - no actor (the `actor` option returned `undefined`): 401 `unauthenticated`;
 * - the actor is not a member, the tenant does not exist, or the tenant id
 *   is malformed or missing: the canonical 404, byte-identical in all cases,
 *   and a malformed id never reaches storage;
 * - otherwise `req.tenantry` is set to `{ scope, tenantId }` and the next
 *   handler runs.
 *
 * The membership lookup is memoized in the request scope, so
 * `requireCapability()` and checks in the handler cost no further lookup.
 * Errors (a malformed user id, storage failures) go to `next(error)`; render
 * them with `problemHandler()`. Options are validated here, at start-up
 * (`ConfigurationError`).
 *
 * Mounted on a path with the tenant parameter, the middleware sees it; in a
 * nested `Router`, create the router with `{ mergeParams: true }`.
 *
 * @example
 * ```ts
 * app.use('/tenants/:tenantId', tenantContext(tenantry, { actor: (req) => req.get('x-user-id') }));
 * app.get('/tenants/:tenantId/projects', (req, res) => {
 *   res.json({ tenantId: tenantOf(tenantry, req).tenantId });
 * });
 * app.use(problemHandler());
 * ```
 */
export function tenantContext<C extends string>(tenantry: ScopeFactory<C>, options: TenantContextOptions<Request>): RequestHandler {
  const resolved = resolveTenantContextOptions(options);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return async function tenantContextMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    const outcome = await establishTenantContext(tenantry, resolved, req, expressRequestReader);
    if (!outcome.ok) {
      sendProblem(res, outcome.response);
      return;
    }
    req.tenantry = outcome.context;
    next();
  };
}
