/**
 * A role a tenant defined for itself (`scope.roles.create`), next to the
 * roles declared at instance definition. Keyed by (tenant, name); its name
 * never equals a declared role's (the service refuses that), so a
 * membership's role string names at most one of the two.
 */
export interface TenantRoleRecord {
  readonly tenantId: string;
  /** Lower-case identifier, unique within the tenant. */
  readonly name: string;
  /** The capabilities it grants, each a name of the capability registry; no duplicates. */
  readonly capabilities: readonly string[];
  readonly description: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A change to a tenant role: its capabilities are replaced, its description written when given. */
export interface TenantRoleChange {
  readonly tenantId: string;
  readonly name: string;
  readonly capabilities: readonly string[];
  /** `undefined` keeps the stored description; `null` clears it. */
  readonly description?: string | null;
  readonly updatedAt: Date;
}

/** A deletion of a tenant role, guarded by its use (see {@link TenantRoleDeletionResult}). */
export interface TenantRoleDeletion {
  readonly tenantId: string;
  readonly name: string;
  /**
   * The role the members holding `name` get instead, in the same unit of
   * work. Absent: the deletion is refused while any member holds `name`.
   */
  readonly reassignTo?: string;
}

/**
 * - `deleted`: the role is gone; `reassigned` members moved to `reassignTo` (0 without it).
 * - `in_use`: no `reassignTo`, and `members` members hold the role; nothing was written.
 * - `not_found`: the tenant has no such role; nothing was written.
 */
export type TenantRoleDeletionResult =
  { readonly outcome: 'deleted'; readonly reassigned: number } | { readonly outcome: 'in_use'; readonly members: number } | { readonly outcome: 'not_found' };
