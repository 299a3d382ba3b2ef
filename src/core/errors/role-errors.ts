import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * A tenant role cannot be deleted while members hold it: nothing was
 * changed. Delete it with `reassignTo` (a role those members get instead),
 * or change their roles first. Status 409, code `role_in_use`.
 */
export class RoleInUseError extends TenantryError {
  readonly code = 'role_in_use' as const;

  /** How many members hold the role. */
  readonly members: number;

  constructor(members: number, message = 'Members hold this role; reassign them first, or delete it with reassignTo.', options?: TenantryErrorOptions) {
    super(message, options);
    this.members = members;
  }
}

/** True when `value` is a {@link RoleInUseError} from any copy of tenantry. */
export const isRoleInUseError = hasCode<RoleInUseError>('role_in_use');
