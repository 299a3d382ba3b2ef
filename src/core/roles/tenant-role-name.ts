declare const tenantRoleBrand: unique symbol;

/**
 * The name of a tenant-defined role. Branded so that the role parameters of
 * `members.add` and friends keep rejecting a misspelled declared role at
 * compile time while still accepting a tenant's own roles: take it from
 * `scope.roles.create`/`list`, or mark a string with {@link tenantRole}.
 */
export type TenantRoleName = string & { readonly [tenantRoleBrand]: true };

/**
 * Marks `name` as a tenant role's name. Nothing is checked here: the role is
 * looked up in the tenant where it is used, and an unknown one is
 * `UnknownRoleError` there.
 *
 * @example
 * ```ts
 * await scope.members.add({ tenantId, userId: 'user_2', role: tenantRole('billing-admin') });
 * ```
 */
export function tenantRole(name: string): TenantRoleName {
  return name as TenantRoleName;
}

/** A role a member can be given: a declared role `R`, or a tenant role. */
export type AssignableRole<R extends string> = R | TenantRoleName;
