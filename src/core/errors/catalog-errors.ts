import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * A capability string that is not in the registry reached the runtime. This is
 * a programming error (a typo that escaped the type checker, or a string built
 * at run time) and is thrown before any storage access, whatever the actor's
 * membership. Status 500, code `unknown_capability`: never an allow.
 */
export class UnknownCapabilityError extends TenantryError {
  readonly code = 'unknown_capability' as const;

  /** The offending string, exactly as received. */
  readonly capability: string;

  constructor(capability: string, options?: TenantryErrorOptions) {
    super(`Unknown capability "${capability}". Declare it in defineCapabilities() first.`, options);
    this.capability = capability;
  }
}

/** A role string that is not in the role map. Status 400, code `unknown_role`. */
export class UnknownRoleError extends TenantryError {
  readonly code = 'unknown_role' as const;

  /**
   * The role string is deliberately not kept: it usually comes from a
   * request, and errors never quote rejected input (they are safe to log).
   */
  constructor(message = 'Unknown role: not declared in the role map.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/**
 * A catalog or `createTenantry` option is invalid. Thrown at definition time,
 * so a misconfigured application fails on start-up rather than on a request.
 * Status 500, code `configuration_invalid`.
 */
export class ConfigurationError extends TenantryError {
  readonly code = 'configuration_invalid' as const;
}

/** True when `value` is an {@link UnknownCapabilityError} from any copy of tenantry. */
export const isUnknownCapabilityError = hasCode<UnknownCapabilityError>('unknown_capability');

/** True when `value` is an {@link UnknownRoleError} from any copy of tenantry. */
export const isUnknownRoleError = hasCode<UnknownRoleError>('unknown_role');

/** True when `value` is a {@link ConfigurationError} from any copy of tenantry. */
export const isConfigurationError = hasCode<ConfigurationError>('configuration_invalid');
