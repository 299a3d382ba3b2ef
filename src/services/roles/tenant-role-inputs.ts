import { z } from 'zod';
import { ROLE_NAME_PATTERN } from '../../core/roles/define-roles.js';
import type { AssignableRole, TenantRoleName } from '../../core/roles/tenant-role-name.js';

export type { AssignableRole, TenantRoleName } from '../../core/roles/tenant-role-name.js';

/** A tenant-defined role, as `scope.roles` returns it. */
export interface TenantRole<C extends string = string> {
  readonly tenantId: string;
  readonly name: TenantRoleName;
  /** The capabilities it grants, in registry order. */
  readonly capabilities: readonly C[];
  readonly description: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Input of `scope.roles.create`. */
export interface CreateTenantRoleInput<C extends string = string> {
  readonly tenantId: string;
  /** A lower-case identifier of at most 64 characters, unique in the tenant and not a declared role's name. */
  readonly name: string;
  /** Capabilities of the registry (an unknown one is `UnknownCapabilityError`); duplicates are ignored. */
  readonly capabilities: readonly C[];
  /** At most 1024 characters. */
  readonly description?: string | null;
}

/** Input of `scope.roles.update`: the capabilities are replaced; the description is kept unless given. */
export interface UpdateTenantRoleInput<C extends string = string> {
  readonly tenantId: string;
  readonly name: string;
  readonly capabilities: readonly C[];
  readonly description?: string | null;
}

/** Input of `scope.roles.delete`. */
export interface DeleteTenantRoleInput<R extends string = string> {
  readonly tenantId: string;
  readonly name: string;
  /**
   * The role the members holding this one get instead (declared or tenant
   * role, not the deleted one). Without it, deleting a role members hold is
   * `RoleInUseError`.
   */
  readonly reassignTo?: AssignableRole<R>;
}

/** Input of `scope.roles.list`. */
export interface ListTenantRolesInput {
  readonly tenantId: string;
}

/** The result of `scope.roles.delete`. */
export interface TenantRoleDeletion<C extends string = string> {
  readonly role: TenantRole<C>;
  /** How many members were moved to `reassignTo`. */
  readonly reassigned: number;
}

/** At most this many capabilities per role: more than any registry needs, and a bound on the stored JSON. */
export const MAX_ROLE_CAPABILITIES = 1000;

const tenantId = z.string();
const name = z.string().regex(ROLE_NAME_PATTERN, 'Use a lower-case identifier of at most 64 characters.');
const capabilities = z.array(z.string().min(1).max(255)).max(MAX_ROLE_CAPABILITIES);
const description = z.string().max(1024).nullable().optional();

/**
 * Boundary schemas of the tenant-role inputs. The tenant id is checked by
 * the instance's tenant-id rule first (a malformed id is a 404); capability
 * names against the registry afterwards (an unknown one is always
 * `UnknownCapabilityError`), so they are plain strings here.
 */
export const tenantRoleSchemas = Object.freeze({
  create: z.object({ tenantId, name, capabilities, description }).strict(),
  update: z.object({ tenantId, name, capabilities, description }).strict(),
  delete: z.object({ tenantId, name, reassignTo: z.string().min(1).max(64).optional() }).strict(),
  list: z.object({ tenantId }).strict(),
});
