import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * The tenant is archived: entitlement consumption is refused for every
 * actor, the system actor included (members already get the canonical 404
 * for an archived tenant). Nothing was consumed; restore the tenant first.
 * Status 409, code `tenant_archived`.
 */
export class TenantArchivedError extends TenantryError {
  readonly code = 'tenant_archived' as const;

  constructor(message = 'The tenant is archived; restore it before consuming its entitlements.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/** True when `value` is a {@link TenantArchivedError} from any copy of tenantry. */
export const isTenantArchivedError = hasCode<TenantArchivedError>('tenant_archived');
