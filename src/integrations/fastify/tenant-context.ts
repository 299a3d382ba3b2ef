import type { FastifyRequest } from 'fastify';
import { markGuard } from '../http/guard-mark.js';
import type { Tenantry } from '../../index.js';
import { establishTenantContext } from '../http/tenant-context-flow.js';
import { resolveTenantContextOptions, type TenantContextOptions } from '../http/tenant-context-options.js';
import { assertTenantry } from '../http/tenantry-instance.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import type { TenantryHook } from './hook.js';

/**
 * A Fastify hook that establishes the tenant context of a request before the
 * handler runs:
 *
 * - no user (the `userId` option resolved none): 401 `unauthenticated`;
 * - a malformed user id: 400 `validation_failed`;
 * - the user is not a member, the tenant does not exist, or the tenant id
 *   is malformed or missing: the canonical 404, byte-identical in all cases,
 *   and a malformed id never reaches storage;
 * - otherwise `request.tenantry` is set to `{ scope, tenantId, userId }`.
 *
 * Refusals and errors are thrown to the error handler (`problemHandler()`,
 * which `tenantryPlugin` installs). Use it as a `preHandler`
 * (authentication plugins have run by then): for a whole encapsulated
 * context with `addHook('preHandler', ...)`, typically inside a plugin
 * registered with `{ prefix: '/tenants/:tenantId' }`, or per route in the
 * `preHandler` option.
 *
 * @example
 * ```ts fragment
 * await app.register(async (tenantRoutes) => {
 *   tenantRoutes.addHook('preHandler', tenantContext(tenantry, { userId: { header: 'x-user-id' } }));
 *   tenantRoutes.get('/', (request) => ({ tenantId: tenantOf(tenantry, request).tenantId }));
 * }, { prefix: '/tenants/:tenantId' });
 * ```
 */
export function tenantContext<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  options: TenantContextOptions<FastifyRequest>,
): TenantryHook {
  assertTenantry(tenantry, 'tenantContext()');
  const resolved = resolveTenantContextOptions(options);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return markGuard(
    async function tenantContextHook(request: FastifyRequest): Promise<void> {
      request.tenantry = await establishTenantContext(tenantry, resolved, request, fastifyRequestReader);
    },
    { kind: 'tenant-context' },
  );
}
