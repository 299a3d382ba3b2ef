import { describe, expect, it } from 'vitest';
import { createTenantry, defineRoles, ForbiddenError, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, setup, tenantWith, type Role } from '../support/catalog.js';

const user = (userId: string) => ({ type: 'user', userId }) as const;

/** Golden matrix for membership operations: only the owner manages members. */
describe('membership operations by role', () => {
  it.each(['manager', 'operator', 'readonly'] as const satisfies readonly Role[])('%s cannot add, change roles or remove members', async (role) => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'olivia', { actor: role, target: 'readonly' });
    await expect(tenantry.members.add({ actor: user('actor'), tenantId, userId: 'new', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.changeRole({ actor: user('actor'), tenantId, userId: 'target', role: 'operator' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.remove({ actor: user('actor'), tenantId, userId: 'target' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.transferOwnership({ actor: user('actor'), tenantId, fromUserId: 'olivia', toUserId: 'target' })).rejects.toThrow(ForbiddenError);
    expect(await store.findMembership(tenantId, 'new')).toBeUndefined();
    expect((await store.findMembership(tenantId, 'target'))?.role).toBe('readonly');
  });

  it('owner can add, change roles, remove and transfer ownership', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'olivia', { target: 'readonly' });
    await tenantry.members.add({ actor: user('olivia'), tenantId, userId: 'new', role: 'readonly' });
    await tenantry.members.changeRole({ actor: user('olivia'), tenantId, userId: 'target', role: 'operator' });
    await tenantry.members.remove({ actor: user('olivia'), tenantId, userId: 'new' });
    await tenantry.members.transferOwnership({ actor: user('olivia'), tenantId, toUserId: 'target' });
    expect((await store.findMembership(tenantId, 'target'))?.role).toBe('owner');
  });
});

/**
 * Golden matrix of the delegation rule: a manager who also manages members,
 * acting on every role of a catalog where one role ("billing") holds a
 * capability the manager lacks. Each cell is the outcome, with the
 * capability a ForbiddenError names.
 */
describe('delegated management by role', () => {
  const delegated = defineRoles(
    capabilities,
    {
      owner: capabilities.all(),
      manager: ['tenant.read', 'tenant.manage', 'membership.manage', 'billing.read', 'project.read', 'project.write', 'project.delete', 'audit.read'],
      operator: ['tenant.read', 'project.read', 'project.write'],
      readonly: ['tenant.read', 'project.read'],
      billing: ['tenant.read', 'billing.manage'],
    },
    { ownerRole: 'owner' },
  );
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'allowed',
      (error: unknown) => (error instanceof ForbiddenError ? `forbidden ${error.capability}` : String(error)),
    );

  it('grants, changes and removes exactly the roles within the manager’s own capabilities', async () => {
    const tenantry = createTenantry({ capabilities, roles: delegated, store: memoryStore(), manageMembersCapability: 'membership.manage' });
    const { tenant } = await tenantry.tenants.create({ ownerId: 'olivia' });
    const tenantId = tenant.id;
    await tenantry.members.add({ actor: systemActor('golden'), tenantId, userId: 'max', role: 'manager' });
    await tenantry.members.add({ actor: systemActor('golden'), tenantId, userId: 'subject', role: 'readonly' });
    const max = user('max');
    const matrix: Record<string, Record<string, string>> = {};
    for (const role of delegated.roleNames()) {
      const target = `target-${role}`;
      if (!delegated.isOwner(role)) await tenantry.members.add({ actor: systemActor('golden'), tenantId, userId: target, role });
      matrix[role] = {
        add: await outcome(tenantry.members.add({ actor: max, tenantId, userId: `new-${role}`, role })),
        changeRoleTo: await outcome(tenantry.members.changeRole({ actor: max, tenantId, userId: 'subject', role })),
        changeRoleOf: await outcome(tenantry.members.changeRole({ actor: max, tenantId, userId: delegated.isOwner(role) ? 'olivia' : target, role: 'readonly' })),
        remove: await outcome(tenantry.members.remove({ actor: max, tenantId, userId: delegated.isOwner(role) ? 'olivia' : target })),
      };
      // The subject goes back to readonly for the next row.
      await tenantry.members.changeRole({ actor: systemActor('golden'), tenantId, userId: 'subject', role: 'readonly' });
    }
    expect(matrix).toEqual({
      owner: { add: 'forbidden role:owner', changeRoleTo: 'forbidden role:owner', changeRoleOf: 'forbidden role:owner', remove: 'forbidden role:owner' },
      manager: { add: 'allowed', changeRoleTo: 'allowed', changeRoleOf: 'allowed', remove: 'allowed' },
      operator: { add: 'allowed', changeRoleTo: 'allowed', changeRoleOf: 'allowed', remove: 'allowed' },
      readonly: { add: 'allowed', changeRoleTo: 'allowed', changeRoleOf: 'allowed', remove: 'allowed' },
      billing: { add: 'forbidden billing.manage', changeRoleTo: 'forbidden billing.manage', changeRoleOf: 'forbidden billing.manage', remove: 'forbidden billing.manage' },
    });
  });
});
