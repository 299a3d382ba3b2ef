import { describe, expect, it } from 'vitest';
import { ForbiddenError } from 'tenantry';
import { setup, tenantWith, type Role } from '../support/catalog.js';

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
