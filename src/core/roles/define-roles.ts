import { ConfigurationError, UnknownCapabilityError, UnknownRoleError } from '../errors/index.js';
import type { CapabilityRegistry } from '../capabilities/define-capabilities.js';
import { compileRoles } from './compiled-roles.js';

/** The rule for every role name, declared or tenant-defined: a lower-case identifier of at most 64 characters. */
export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** Options of {@link defineRoles}. */
export interface RoleMapOptions<R extends string> {
  /**
   * The role that owns a tenant. The creator of a tenant gets it, and a tenant
   * can never be left without a member holding it.
   */
  readonly ownerRole: R;
}

/**
 * The role -> capability map. Roles are data: host code asks the map what a
 * role grants instead of comparing role strings. Create it with
 * {@link defineRoles}.
 *
 * @typeParam C - capability names of the registry.
 * @typeParam R - role names.
 */
export interface RoleMap<C extends string = string, R extends string = string> {
  /** The registry this map was validated against. */
  readonly capabilities: CapabilityRegistry<C>;
  /** The owner role (see {@link RoleMapOptions.ownerRole}). */
  readonly ownerRole: R;
  /** Every role, in declaration order. */
  roleNames(): readonly R[];
  /** True when `role` is declared; narrows it to `R`. */
  has(role: string): role is R;
  /** Returns `role` typed as `R`, or throws {@link UnknownRoleError}. */
  assert(role: string): R;
  /** The capabilities `role` grants; throws {@link UnknownRoleError} for an undeclared role. */
  capabilitiesOf(role: R): ReadonlySet<C>;
  /**
   * True when `role` grants `capability`. A role string that is not declared
   * (for example a role removed from the map but still stored) grants nothing:
   * the check fails closed.
   */
  grants(role: string, capability: C): boolean;
  /** True when `role` is the owner role. The one sanctioned role comparison. */
  isOwner(role: string): boolean;
}

/** The role-name union of a role map: `RoleOf<typeof roles>`. */
export type RoleOf<M> = M extends RoleMap<string, infer R> ? R : never;

/**
 * Declares which capabilities each role grants. Every capability is checked
 * against the registry at definition (an unknown one throws
 * {@link UnknownCapabilityError}; at compile time it is already a type error),
 * and the result is frozen.
 *
 * Least privilege is the caller's design, but the shape makes it visible: give
 * `membership.manage`-style capabilities to the owner only.
 *
 * @example
 * ```ts
 * const roles = defineRoles(capabilities, {
 *   owner: capabilities.all(),
 *   manager: ['tenant.read', 'tenant.manage'],
 *   readonly: ['tenant.read'],
 * }, { ownerRole: 'owner' });
 * roles.grants('manager', 'membership.manage'); // false
 * ```
 */
export function defineRoles<C extends string, const M extends Readonly<Record<string, readonly C[]>>>(
  capabilities: CapabilityRegistry<C>,
  map: M,
  options: RoleMapOptions<keyof M & string>,
): RoleMap<C, keyof M & string> {
  type R = keyof M & string;
  const names = Object.keys(map) as R[];
  if (names.length === 0) throw new ConfigurationError('defineRoles() needs at least one role.');

  const grantsByRole = new Map<string, ReadonlySet<C>>();
  for (const role of names) {
    if (!ROLE_NAME_PATTERN.test(role)) {
      throw new ConfigurationError(`Invalid role name ${JSON.stringify(role)}: use a lower-case identifier of at most 64 characters.`);
    }
    const granted = map[role];
    if (!Array.isArray(granted)) {
      throw new ConfigurationError(`Role "${role}" must map to an array of capabilities.`);
    }
    for (const capability of granted as readonly string[]) {
      if (!capabilities.has(capability)) throw new UnknownCapabilityError(String(capability));
    }
    grantsByRole.set(role, Object.freeze(new Set(granted)) as ReadonlySet<C>);
  }
  if (!grantsByRole.has(options.ownerRole)) {
    throw new ConfigurationError(`ownerRole "${options.ownerRole}" is not one of the declared roles.`);
  }

  const roleList = Object.freeze([...names]);
  const has = (role: string): role is R => grantsByRole.has(role);
  const ownerRole = options.ownerRole;

  const roleMap: RoleMap<C, R> = Object.freeze({
    capabilities,
    ownerRole,
    roleNames: () => roleList,
    has,
    assert(role: string): R {
      if (!has(role)) throw new UnknownRoleError();
      return role;
    },
    capabilitiesOf(role: R): ReadonlySet<C> {
      const granted = grantsByRole.get(role);
      if (granted === undefined) throw new UnknownRoleError();
      return granted;
    },
    grants(role: string, capability: C): boolean {
      return grantsByRole.get(role)?.has(capability) ?? false;
    },
    isOwner: (role: string) => role === ownerRole,
  });
  // Role → capability bitmask, once, for the synchronous per-tenant checks (`scope.access()`).
  compileRoles(roleMap);
  return roleMap;
}
