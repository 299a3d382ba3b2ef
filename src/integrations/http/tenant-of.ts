import { ConfigurationError } from '../../core/errors/index.js';
import type { Scope } from '../../index.js';
import type { TenantContext } from './request-context.js';

/**
 * The framework-free body of `tenantOf()`: the context `tenantContext()`
 * attached. Throws `ConfigurationError` (a 500) when the middleware did not
 * run, which is a wiring mistake, never a client error.
 */
export function contextOf<S extends Scope>(context: TenantContext | null | undefined): TenantContext<S> {
  if (context === undefined || context === null) {
    throw new ConfigurationError('tenantOf() needs tenantContext() to run before the handler on the same route.');
  }
  // The scope was created by the instance the caller names (tenantContext() takes it) and checks
  // every capability at run time; the cast only restores the compile-time names.
  return context as unknown as TenantContext<S>;
}
