import type { FastifyRequest } from 'fastify';
import type { CapabilitySource } from '../http/capability-guard-flow.js';
import type { TenantryRequestContext } from '../http/request-context.js';
import { contextOf } from '../http/tenant-of.js';

/**
 * The tenant context of a Fastify request, with the scope typed by the
 * capability names of `tenantry` (`request.tenantry` itself is typed with
 * plain strings, because a declaration merge cannot be generic). Throws
 * `ConfigurationError` (rendered 500) when `tenantContext()` did not run for
 * the route.
 *
 * @example
 * ```ts
 * tenantRoutes.get('/projects', async (request) => {
 *   const { scope, tenantId } = tenantOf(tenantry, request);
 *   return { canWrite: await scope.can(tenantId, 'project.write') };
 * });
 * ```
 */
export function tenantOf<C extends string>(tenantry: CapabilitySource<C>, request: FastifyRequest): TenantryRequestContext<C> {
  return contextOf(tenantry, request.tenantry);
}
