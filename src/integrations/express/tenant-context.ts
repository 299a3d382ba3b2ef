import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { markGuard } from '../http/guard-mark.js';
import type { Tenantry } from '../../index.js';
import { establishTenantContext } from '../http/tenant-context-flow.js';
import { resolveTenantContextOptions, type TenantContextOptions } from '../http/tenant-context-options.js';
import { assertTenantry } from '../http/tenantry-instance.js';
import { expressRequestReader } from './express-request-reader.js';

/**
 * Express middleware that establishes the tenant context of a request before
 * any handler runs:
 *
 * - no user (the `userId` option resolved none): 401 `unauthenticated`;
 * - a malformed user id: 400 `validation_failed`;
 * - the user is not a member, the tenant does not exist, or the tenant id
 *   is malformed or missing: the canonical 404, byte-identical in all cases,
 *   and a malformed id never reaches storage;
 * - otherwise `req.tenantry` is set to `{ scope, tenantId, userId }` (the
 *   scope is `tenantry.forRequest({ userId })`) and the next handler runs.
 *
 * Refusals and errors go to `next(error)`: render them with
 * `problemHandler()`. The membership lookup is memoized in the request
 * scope, so `requireCapability()`, `requireEntitlement()` and checks in the
 * handler cost no further lookup. Options are validated here, at start-up
 * (`ConfigurationError`).
 *
 * Mounted on a path with the tenant parameter, the middleware sees it; in a
 * nested `Router`, create the router with `{ mergeParams: true }`.
 *
 * @example
 * ```ts fragment
 * app.use('/tenants/:tenantId', tenantContext(tenantry, { userId: (req) => req.user?.id }));
 * app.get('/tenants/:tenantId/projects', (req, res) => {
 *   res.json({ tenantId: tenantOf(tenantry, req).tenantId });
 * });
 * app.use(problemHandler());
 * ```
 */
export function tenantContext<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  options: TenantContextOptions<Request>,
): RequestHandler {
  assertTenantry(tenantry, 'tenantContext()');
  const resolved = resolveTenantContextOptions(options);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  // Express 5 hands a rejection of this async function to next(error).
  return markGuard(
    async function tenantContextMiddleware(req: Request, _res: Response, next: NextFunction): Promise<void> {
      req.tenantry = await establishTenantContext(tenantry, resolved, req, expressRequestReader);
      next();
    },
    { kind: 'tenant-context' },
  );
}
