import type { FastifyRequest } from 'fastify';
import type { Scope, Tenantry } from '../../index.js';
import type { TenantContext } from '../http/request-context.js';
import { contextOf } from '../http/tenant-of.js';

/**
 * The tenant context of a Fastify request, with the scope typed by the
 * catalog of `tenantry` (`request.tenantry` itself is typed with plain
 * strings, because a declaration merge cannot be generic): a capability typo
 * in `scope.can(tenantId, ...)` does not compile. Throws
 * `ConfigurationError` (rendered 500) when `tenantContext()` did not run for
 * the route.
 *
 * @example
 * ```ts fragment
 * tenantRoutes.get('/projects', async (request) => {
 *   const { scope, tenantId } = tenantOf(tenantry, request);
 *   return { canWrite: await scope.can(tenantId, 'project.write') };
 * });
 * ```
 */
export function tenantOf<C extends string, R extends string, F extends string, L extends F, P extends string>(
  _tenantry: Tenantry<C, R, F, L, P>,
  request: FastifyRequest,
): TenantContext<Scope<C, R, F, L, P>> {
  return contextOf<Scope<C, R, F, L, P>>(request.tenantry);
}
