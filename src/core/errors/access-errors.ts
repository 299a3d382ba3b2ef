import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * The tenant does not exist, the tenant id is malformed, or the actor is not a
 * member of it. These cases are deliberately indistinguishable, so that a
 * non-member cannot probe which tenants exist. Maps to HTTP 404.
 */
export class NotFoundError extends TenantryError {
  readonly code = 'not_found' as const;

  constructor(message = 'Tenant not found.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/**
 * The actor is a member of the tenant, but its role does not grant the
 * capability. Maps to HTTP 403.
 */
export class ForbiddenError extends TenantryError {
  readonly code = 'forbidden' as const;

  /** The capability that was required. */
  readonly capability: string;

  constructor(capability: string, message = `Missing capability "${capability}".`, options?: TenantryErrorOptions) {
    super(message, options);
    this.capability = capability;
  }
}

/** True when `value` is a {@link NotFoundError} from any copy of tenantry. */
export const isNotFoundError = hasCode<NotFoundError>('not_found');

/** True when `value` is a {@link ForbiddenError} from any copy of tenantry. */
export const isForbiddenError = hasCode<ForbiddenError>('forbidden');
