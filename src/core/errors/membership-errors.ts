import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * The change would leave the tenant without an owner: demoting, removing, or
 * letting the last owner leave. Nothing was changed; transfer ownership first.
 * Status 409, code `last_owner`.
 */
export class LastOwnerError extends TenantryError {
  readonly code = 'last_owner' as const;

  constructor(message = 'A tenant must keep at least one owner; transfer ownership first.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/** True when `value` is a {@link LastOwnerError} from any copy of tenantry. */
export const isLastOwnerError = hasCode<LastOwnerError>('last_owner');
