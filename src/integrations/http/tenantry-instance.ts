import { ConfigurationError } from '../../core/errors/index.js';
import type { Tenantry } from '../../index.js';

/** Any tenantry instance, whatever its catalog: what the guards need at run time. */
export type AnyTenantry = Tenantry<string, string, string, string, string>;

/**
 * Throws `ConfigurationError` when `value` is not a tenantry instance (the
 * result of `createTenantry()`), for plain JavaScript callers and for code
 * still passing what 0.1 took (an entitlements instance, a store). Checked
 * when a guard is created, so the mistake fails at start-up.
 */
export function assertTenantry(value: unknown, guard: string): asserts value is AnyTenantry {
  const shape = value as Partial<Record<keyof AnyTenantry, unknown>> | null | undefined;
  if (
    typeof shape?.forRequest !== 'function' ||
    typeof shape.as !== 'function' ||
    typeof shape.capabilities !== 'object' ||
    typeof shape.limiter !== 'object'
  ) {
    throw new ConfigurationError(`${guard} needs the tenantry instance (the result of createTenantry()) as its first argument.`);
  }
}
