import type { FastifyReply, FastifyRequest } from 'fastify';
import { declaredCapability, enforceCapability, type CapabilitySource } from '../http/capability-guard-flow.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * A Fastify `preHandler` that lets the request through only when the actor's
 * role in the request's tenant grants `capability`; otherwise it answers the
 * 403 `forbidden` problem. It must run after `tenantContext()` (a context
 * hook runs before route-level `preHandler`s, and hooks in an array run in
 * order): it reuses that scope, so the check costs no membership lookup.
 * Without `tenantContext()` it fails with `ConfigurationError` (500).
 *
 * `tenantry` types `capability` (a typo does not compile) and is used to
 * check it once, here: an undeclared string throws `UnknownCapabilityError`
 * at start-up.
 *
 * @example
 * ```ts
 * tenantRoutes.get('/billing', { preHandler: requireCapability(tenantry, 'billing.read') }, () => ({ plan: 'pro' }));
 * ```
 */
export function requireCapability<C extends string>(
  tenantry: CapabilitySource<C>,
  capability: NoInfer<C>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const required = declaredCapability(tenantry, capability);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return async function requireCapabilityHook(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const problem = await enforceCapability(request.tenantry, required, fastifyRequestReader.path(request));
    return problem === undefined ? undefined : sendProblem(reply, problem);
  };
}
