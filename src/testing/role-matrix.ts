import type { DecisionStatus } from '../core/decisions/decision.js';
import { systemActor } from '../core/actors/actor.js';
import type { Tenantry } from '../tenantry/create-tenantry.js';

/**
 * Golden expectations: for each role, the status expected for each listed
 * capability (200 allowed, 403 denied). Capabilities a role does not list are
 * not checked for it.
 */
export type RoleMatrix<C extends string, R extends string> = {
  readonly [Role in R]?: { readonly [Capability in C]?: 200 | 403 };
};

/** One golden check, ready for `it.each`. */
export interface RoleMatrixCase<C extends string, R extends string> {
  /** E.g. `manager -> membership.manage = 403`. */
  readonly title: string;
  readonly role: R;
  readonly capability: C;
  readonly expected: 200 | 403;
}

/** Flattens a {@link RoleMatrix} into cases, in declaration order. */
export function roleMatrixCases<C extends string, R extends string>(matrix: RoleMatrix<C, R>): RoleMatrixCase<C, R>[] {
  const cases: RoleMatrixCase<C, R>[] = [];
  for (const [role, row] of Object.entries(matrix) as [R, Readonly<Record<C, 200 | 403>>][]) {
    for (const [capability, expected] of Object.entries(row) as [C, 200 | 403][]) {
      cases.push({ title: `${role} -> ${capability} = ${expected}`, role, capability, expected });
    }
  }
  return cases;
}

/** A tenant with one member per role, and an outsider; see {@link roleMatrixFixture}. */
export interface RoleMatrixFixture<C extends string, R extends string> {
  readonly tenantId: string;
  /** The user id holding each role in the fixture tenant. */
  readonly userOf: (role: R) => string;
  /** Status of `capability` for the member holding `role`, or for a non-member with `'non-member'`. */
  status(role: R | 'non-member', capability: C): Promise<DecisionStatus>;
}

/**
 * Creates a tenant through `tenantry` (with the system actor) holding one
 * member per declared role, so a role matrix can be checked against the real
 * resolver and whatever store the instance uses.
 *
 * @example
 * ```ts
 * const fixture = await roleMatrixFixture(tenantry);
 * it.each(roleMatrixCases(matrix))('$title', async ({ role, capability, expected }) => {
 *   expect(await fixture.status(role, capability)).toBe(expected);
 * });
 * ```
 */
export async function roleMatrixFixture<C extends string, R extends string>(
  tenantry: Pick<Tenantry<C, R, string, string, string>, 'roles' | 'as' | 'forRequest'>,
  options: { readonly userIdPrefix?: string } = {},
): Promise<RoleMatrixFixture<C, R>> {
  const prefix = options.userIdPrefix ?? 'role-matrix';
  const userOf = (role: R) => `${prefix}-${role}`;
  const { ownerRole } = tenantry.roles;
  const system = tenantry.as(systemActor('role-matrix'));
  const { tenant } = await system.tenants.create({ ownerId: userOf(ownerRole) });
  for (const role of tenantry.roles.roleNames()) {
    if (tenantry.roles.isOwner(role)) continue;
    await system.members.add({ tenantId: tenant.id, userId: userOf(role), role });
  }
  return {
    tenantId: tenant.id,
    userOf,
    async status(role, capability) {
      const userId = role === 'non-member' ? `${prefix}-outsider` : userOf(role);
      return (await tenantry.forRequest({ userId }).check(tenant.id, capability)).status;
    },
  };
}
