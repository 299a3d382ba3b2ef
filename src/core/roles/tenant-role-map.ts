import { UnknownRoleError } from '../errors/index.js';
import type { RoleMap } from './define-roles.js';

/** A role a tenant defined for itself, as the pure core sees it: a name and the capabilities it grants. */
export interface TenantRoleDefinition {
  readonly name: string;
  readonly capabilities: readonly string[];
}

/**
 * The role map one tenant sees: the declared roles plus the tenant's own.
 * Every rule written against a {@link RoleMap} (the delegation rule, the
 * managing-capability checks) then treats custom and declared roles the
 * same way, with no second code path.
 *
 * Declared roles win: a custom role whose name is declared (the role service
 * never lets one be created, but a role map may gain a role after a tenant
 * defined one of that name) is ignored, so it can never redefine the owner
 * role. A capability no longer in the registry grants nothing (fail closed).
 * The owner role stays the declared one. Pure; frozen.
 */
export function withTenantRoles<C extends string>(declared: RoleMap<C>, custom: readonly TenantRoleDefinition[]): RoleMap<C> {
  if (custom.length === 0) return declared;
  const registry = declared.capabilities;
  const grantsByRole = new Map<string, ReadonlySet<C>>();
  for (const role of custom) {
    if (declared.has(role.name)) continue;
    const granted = role.capabilities.filter((capability): capability is C => registry.has(capability));
    grantsByRole.set(role.name, Object.freeze(new Set(granted)));
  }
  const names = Object.freeze([...declared.roleNames(), ...grantsByRole.keys()]);
  const has = (role: string): role is string => declared.has(role) || grantsByRole.has(role);
  return Object.freeze({
    capabilities: registry,
    ownerRole: declared.ownerRole,
    roleNames: () => names,
    has,
    assert(role: string): string {
      if (!has(role)) throw new UnknownRoleError();
      return role;
    },
    capabilitiesOf(role: string): ReadonlySet<C> {
      if (declared.has(role)) return declared.capabilitiesOf(role);
      const granted = grantsByRole.get(role);
      if (granted === undefined) throw new UnknownRoleError();
      return granted;
    },
    grants(role: string, capability: C): boolean {
      return declared.has(role) ? declared.grants(role, capability) : (grantsByRole.get(role)?.has(capability) ?? false);
    },
    isOwner: (role: string) => declared.isOwner(role),
  });
}
