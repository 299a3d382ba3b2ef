import { ConfigurationError } from '../../core/errors/index.js';
import type { CapabilitySource } from './capability-guard-flow.js';
import type { TenantryRequestContext } from './request-context.js';

/**
 * The framework-free body of `tenantOf()`: the context the tenant-context
 * middleware attached, typed with the capability names of `tenantry`.
 * Throws `ConfigurationError` (a 500) when the middleware did not run, which
 * is a wiring mistake, never a client error.
 */
export function contextOf<C extends string>(
  _tenantry: CapabilitySource<C>,
  context: TenantryRequestContext | null | undefined,
): TenantryRequestContext<C> {
  if (context === undefined || context === null) {
    throw new ConfigurationError('tenantOf() needs tenantContext() to run before the handler on the same route.');
  }
  // The scope was created by a tenantry over the same registry and checks every
  // capability at run time; the cast only restores the compile-time names.
  return context as unknown as TenantryRequestContext<C>;
}
