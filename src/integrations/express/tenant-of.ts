import type { Request } from 'express';
import type { Scope, Tenantry } from '../../index.js';
import type { TenantContext } from '../http/request-context.js';
import { contextOf } from '../http/tenant-of.js';

/**
 * The tenant context of an Express request, with the scope typed by the
 * catalog of `tenantry` (`req.tenantry` itself is typed with plain strings,
 * because a module augmentation cannot be generic): a capability typo in
 * `scope.can(tenantId, ...)` does not compile. Throws `ConfigurationError`
 * (rendered 500) when `tenantContext()` did not run for the route.
 *
 * @example
 * ```ts fragment
 * app.get('/tenants/:tenantId/projects', async (req, res) => {
 *   const { scope, tenantId } = tenantOf(tenantry, req);
 *   res.json({ canWrite: await scope.can(tenantId, 'project.write') });
 * });
 * ```
 */
export function tenantOf<C extends string, R extends string, F extends string, L extends F, P extends string>(
  _tenantry: Tenantry<C, R, F, L, P>,
  req: Request,
): TenantContext<Scope<C, R, F, L, P>> {
  return contextOf<Scope<C, R, F, L, P>>(req.tenantry);
}
