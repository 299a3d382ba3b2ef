import type { Request } from 'express';
import type { CapabilitySource } from '../http/capability-guard-flow.js';
import type { TenantryRequestContext } from '../http/request-context.js';
import { contextOf } from '../http/tenant-of.js';

/**
 * The tenant context of an Express request, with the scope typed by the
 * capability names of `tenantry` (`req.tenantry` itself is typed with plain
 * strings, because a module augmentation cannot be generic). Throws
 * `ConfigurationError` (rendered 500) when `tenantContext()` did not run for
 * the route.
 *
 * @example
 * ```ts
 * app.get('/tenants/:tenantId/projects', async (req, res) => {
 *   const { scope, tenantId } = tenantOf(tenantry, req);
 *   res.json({ canWrite: await scope.can(tenantId, 'project.write') });
 * });
 * ```
 */
export function tenantOf<C extends string>(tenantry: CapabilitySource<C>, req: Request): TenantryRequestContext<C> {
  return contextOf(tenantry, req.tenantry);
}
