import type { FastifyReply, FastifyRequest } from 'fastify';
import { establishTenantContext, type ScopeFactory } from '../http/tenant-context-flow.js';
import { resolveTenantContextOptions, type TenantContextOptions } from '../http/tenant-context-options.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * A Fastify hook that establishes the tenant context of a request before the
 * handler runs:
 *
 * - no actor (the `actor` option returned `undefined`): 401 `unauthenticated`;
 * - the actor is not a member, the tenant does not exist, or the tenant id
 *   is malformed or missing: the canonical 404, byte-identical in all cases,
 *   and a malformed id never reaches storage;
 * - otherwise `request.tenantry` is set to `{ scope, tenantId }`.
 *
 * Use it as a `preHandler` (authentication plugins have run by then): for a
 * whole encapsulated context with `addHook('preHandler', ...)`, typically
 * inside a plugin registered with `{ prefix: '/tenants/:tenantId' }`, or per
 * route in the `preHandler` option. Errors (a malformed user id, storage
 * failures) are thrown to the error handler; see `tenantryPlugin`.
 *
 * @example
 * ```ts
 * await app.register(async (tenantRoutes) => {
 *   tenantRoutes.addHook('preHandler', tenantContext(tenantry, { actor: (request) => request.user?.id }));
 *   tenantRoutes.get('/', (request) => ({ tenantId: tenantOf(tenantry, request).tenantId }));
 * }, { prefix: '/tenants/:tenantId' });
 * ```
 */
export function tenantContext<C extends string>(
  tenantry: ScopeFactory<C>,
  options: TenantContextOptions<FastifyRequest>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const resolved = resolveTenantContextOptions(options);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return async function tenantContextHook(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const outcome = await establishTenantContext(tenantry, resolved, request, fastifyRequestReader);
    // Sending and returning the reply is how an async hook ends the request early.
    if (!outcome.ok) return sendProblem(reply, outcome.response);
    request.tenantry = outcome.context;
    return undefined;
  };
}
