import type { FastifyRequest } from 'fastify';
import { markGuard } from '../http/guard-mark.js';
import type { Tenantry } from '../../index.js';
import { declaredCapability, enforceCapability } from '../http/capability-guard-flow.js';
import type { TenantryHook } from './hook.js';

/**
 * A Fastify `preHandler` that lets the request through only when the user's
 * role in the request's tenant grants `capability`; otherwise it throws
 * `ForbiddenError`, which `problemHandler()` answers 403 `forbidden`. It
 * must run after `tenantContext()` (a context hook runs before route-level
 * `preHandler`s, and hooks in an array run in order): it reuses that scope,
 * so the check costs no membership lookup. Without `tenantContext()` it
 * fails with `ConfigurationError` (500).
 *
 * `tenantry` types `capability` (a typo does not compile) and is used to
 * check it once, here: an undeclared string throws `UnknownCapabilityError`
 * at start-up.
 *
 * @example
 * ```ts fragment
 * tenantRoutes.get('/billing', { preHandler: requireCapability(tenantry, 'billing.read') }, () => ({ plan: 'pro' }));
 * ```
 */
export function requireCapability<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  capability: NoInfer<C>,
): TenantryHook {
  const required = declaredCapability(tenantry, capability);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return markGuard(
    async function requireCapabilityHook(request: FastifyRequest): Promise<void> {
      await enforceCapability(request.tenantry, required);
    },
    { kind: 'capability', detail: required },
  );
}
