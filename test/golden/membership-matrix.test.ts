import { describe, expect, it } from 'vitest';
import { createTenantry, defineRoles, DelegationDeniedError, ForbiddenError, OwnerRequiredError, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, setup, tenantWith, type Role } from '../support/catalog.js';

/** Golden matrix for membership operations: only the owner manages members. */
describe('membership operations by role', () => {
  it.each(['manager', 'operator', 'readonly'] as const satisfies readonly Role[])('%s cannot add, change roles or remove members', async (role) => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'olivia', { actor: role, target: 'readonly' });
    const actor = tenantry.forRequest({ userId: 'actor' });
    await expect(actor.members.add({ tenantId, userId: 'new', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(actor.members.changeRole({ tenantId, userId: 'target', role: 'operator' })).rejects.toThrow(ForbiddenError);
    await expect(actor.members.remove({ tenantId, userId: 'target' })).rejects.toThrow(ForbiddenError);
    await expect(actor.members.transferOwnership({ tenantId, fromUserId: 'olivia', toUserId: 'target' })).rejects.toThrow(OwnerRequiredError);
    expect(await store.findMembership(tenantId, 'new')).toBeUndefined();
    expect((await store.findMembership(tenantId, 'target'))?.role).toBe('readonly');
    expect((await store.findMembership(tenantId, 'olivia'))?.role).toBe('owner');
  });

  it('owner can add, change roles, remove and transfer ownership', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'olivia', { target: 'readonly' });
    const olivia = tenantry.forRequest({ userId: 'olivia' });
    await olivia.members.add({ tenantId, userId: 'new', role: 'readonly' });
    await olivia.members.changeRole({ tenantId, userId: 'target', role: 'operator' });
    await olivia.members.remove({ tenantId, userId: 'new' });
    await olivia.members.transferOwnership({ tenantId, toUserId: 'target' });
    expect((await store.findMembership(tenantId, 'target'))?.role).toBe('owner');
  });
});

/**
 * Golden matrix of the delegation rule: a manager who also manages members,
 * acting on every role of a catalog where one role ("billing") holds a
 * capability the manager lacks. Each cell is the outcome, with the
 * error code, with the reason and the capability a refusal names.
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
      (error: unknown) => {
        if (error instanceof OwnerRequiredError) return `owner_required ${error.reason}`;
        if (error instanceof DelegationDeniedError) return `delegation_denied ${error.reason} ${String(error.capability)}`;
        if (error instanceof ForbiddenError) return `forbidden ${error.capability}`;
        return String(error);
      },
    );

  it('grants, changes and removes exactly the roles within the manager’s own capabilities', async () => {
    const tenantry = createTenantry({ capabilities, roles: delegated, store: memoryStore(), manageMembers: 'membership.manage' });
    const golden = tenantry.as(systemActor('golden'));
    const { tenant } = await golden.tenants.create({ ownerId: 'olivia' });
    const tenantId = tenant.id;
    await golden.members.add({ tenantId, userId: 'max', role: 'manager' });
    await golden.members.add({ tenantId, userId: 'subject', role: 'readonly' });
    const max = tenantry.forRequest({ userId: 'max' });
    const matrix: Record<string, Record<string, string>> = {};
    for (const role of delegated.roleNames()) {
      const target = `target-${role}`;
      if (!delegated.isOwner(role)) await golden.members.add({ tenantId, userId: target, role });
      matrix[role] = {
        add: await outcome(max.members.add({ tenantId, userId: `new-${role}`, role })),
        changeRoleTo: await outcome(max.members.changeRole({ tenantId, userId: 'subject', role })),
        changeRoleOf: await outcome(max.members.changeRole({ tenantId, userId: delegated.isOwner(role) ? 'olivia' : target, role: 'readonly' })),
        remove: await outcome(max.members.remove({ tenantId, userId: delegated.isOwner(role) ? 'olivia' : target })),
      };
      // The subject goes back to readonly for the next row.
      await golden.members.changeRole({ tenantId, userId: 'subject', role: 'readonly' });
    }
    expect(matrix).toEqual({
      owner: {
        add: 'owner_required owner_role',
        changeRoleTo: 'owner_required owner_role',
        changeRoleOf: 'owner_required owner_role',
        remove: 'owner_required owner_role',
      },
      manager: { add: 'allowed', changeRoleTo: 'allowed', changeRoleOf: 'allowed', remove: 'allowed' },
      operator: { add: 'allowed', changeRoleTo: 'allowed', changeRoleOf: 'allowed', remove: 'allowed' },
      readonly: { add: 'allowed', changeRoleTo: 'allowed', changeRoleOf: 'allowed', remove: 'allowed' },
      billing: {
        add: 'delegation_denied role_exceeds_actor billing.manage',
        changeRoleTo: 'delegation_denied role_exceeds_actor billing.manage',
        changeRoleOf: 'delegation_denied target_exceeds_actor billing.manage',
        remove: 'delegation_denied target_exceeds_actor billing.manage',
      },
    });
  });
});
