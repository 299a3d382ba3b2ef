import type { TenantRoleChange, TenantRoleDeletion, TenantRoleDeletionResult, TenantRoleRecord } from './tenant-role-records.js';

/**
 * The roles tenants define for themselves. Each operation is atomic on its
 * own; the role service runs them in a transaction that holds the tenant's
 * lock, together with the authorization and the audit entry.
 */
export interface TenantRoleOperations {
  /**
   * Inserts a tenant role. `NotFoundError` when the tenant does not exist;
   * `AlreadyExistsError` (entity `tenant role`) when the tenant already has
   * a role of that name (a unique key, so two concurrent inserts cannot both
   * succeed).
   */
  insertTenantRole(role: TenantRoleRecord): Promise<void>;
  /** Every role of the tenant, by name (code-unit order); empty for an unknown tenant. */
  listTenantRoles(tenantId: string): Promise<readonly TenantRoleRecord[]>;
  /** Replaces the role's capabilities (and description when given); the role after the change, or `undefined` when it does not exist. */
  updateTenantRole(change: TenantRoleChange): Promise<TenantRoleRecord | undefined>;
  /**
   * Deletes the role unless members hold it, or moves those members to
   * `reassignTo` and deletes it, all or nothing. See {@link TenantRoleDeletionResult}.
   */
  deleteTenantRole(deletion: TenantRoleDeletion): Promise<TenantRoleDeletionResult>;
}
