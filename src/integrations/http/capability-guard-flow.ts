import { ConfigurationError } from '../../core/errors/index.js';
import type { TenantContext } from './request-context.js';
import { assertTenantry, type AnyTenantry } from './tenantry-instance.js';

/**
 * Checks the guarded capability when the guard is created, so that a string
 * that escaped the type checker fails at start-up with
 * `UnknownCapabilityError` rather than with a 500 on every request.
 */
export function declaredCapability(tenantry: AnyTenantry, capability: string): string {
  assertTenantry(tenantry, 'requireCapability()');
  return tenantry.capabilities.assert(capability);
}

/**
 * The framework-free body of the capability guard: resolves when the user
 * may proceed; rejects with `ForbiddenError` (403) for a member lacking the
 * capability, or the canonical `NotFoundError` if the scope no longer sees a
 * membership (after a `refresh()` within the request). The check shares the
 * scope's memo: no second membership lookup.
 *
 * Rejects with `ConfigurationError` when the tenant context did not run
 * first: that is a wiring mistake, rendered as a 500.
 */
export async function enforceCapability(context: TenantContext | null | undefined, capability: string): Promise<void> {
  if (context === undefined || context === null) {
    throw new ConfigurationError('requireCapability() needs tenantContext() to run before it on the same route.');
  }
  await context.scope.authorize(context.tenantId, capability);
}
