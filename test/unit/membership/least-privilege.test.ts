import { describe, expect, it } from 'vitest';
import { createEntitlements, createTenantry, defineRoles, ForbiddenError, LimitExceededError, NotFoundError, seatPolicy, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, tenantWith } from '../../support/catalog.js';
import { packages } from '../../support/entitlements.js';

const user = (userId: string) => ({ type: 'user', userId }) as const;

/** Managers may manage members here, which is exactly when escalation must be stopped. */
const delegating = defineRoles(
  capabilities,
  { owner: capabilities.all(), manager: ['tenant.read', 'membership.manage'], readonly: ['tenant.read'] },
  { ownerRole: 'owner' },
);

describe('delegated member management', () => {
  it('lets a non-owner manager manage ordinary members but never grant, change or remove the owner role', async () => {
    const tenantry = createTenantry({ capabilities, roles: delegating, store: memoryStore(), manageMembersCapability: 'membership.manage' });
    const { tenant } = await tenantry.tenants.create({ ownerId: 'olivia' });
    const tenantId = tenant.id;
    await tenantry.members.add({ actor: user('olivia'), tenantId, userId: 'max', role: 'manager' });
    await tenantry.members.add({ actor: user('max'), tenantId, userId: 'rita', role: 'readonly' });
    await tenantry.members.changeRole({ actor: user('max'), tenantId, userId: 'rita', role: 'manager' });
    await expect(tenantry.members.changeRole({ actor: user('max'), tenantId, userId: 'max', role: 'owner' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.add({ actor: user('max'), tenantId, userId: 'eve', role: 'owner' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.changeRole({ actor: user('max'), tenantId, userId: 'olivia', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.remove({ actor: user('max'), tenantId, userId: 'olivia' })).rejects.toThrow(ForbiddenError);
    await tenantry.members.changeRole({ actor: user('olivia'), tenantId, userId: 'max', role: 'owner' });
    expect((await tenantry.members.list({ actor: user('olivia'), tenantId })).items.map((m) => [m.userId, m.role])).toEqual([
      ['max', 'owner'],
      ['olivia', 'owner'],
      ['rita', 'manager'],
    ]);
  });

  it('answers a non-member naming a real owner in a transfer with 404, like any other non-member', async () => {
    const tenantry = createTenantry({ capabilities, roles: delegating, store: memoryStore() });
    const tenantId = await tenantWith(tenantry, 'olivia', { rita: 'readonly' });
    await expect(tenantry.members.transferOwnership({ actor: user('mallory'), tenantId, fromUserId: 'olivia', toUserId: 'rita' })).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('seats and the founding owner', () => {
  it('the owner created with the tenant took no seat, so leaving later frees none', async () => {
    const store = memoryStore();
    const entitlements = createEntitlements({ packages, store });
    const tenantry = createTenantry({ capabilities, roles: delegating, store, seats: seatPolicy(entitlements, 'seats') });
    const { tenant } = await tenantry.tenants.create({ ownerId: 'olivia' });
    await entitlements.provisioning.assignPackage({ actor: systemActor('billing'), tenantId: tenant.id, package: 'free' });
    for (const name of ['a', 'b', 'c']) await tenantry.members.add({ actor: user('olivia'), tenantId: tenant.id, userId: name, role: 'readonly' });
    await tenantry.members.transferOwnership({ actor: user('olivia'), tenantId: tenant.id, toUserId: 'a' });
    await tenantry.members.leave({ actor: user('olivia'), tenantId: tenant.id });
    await expect(tenantry.members.add({ actor: user('a'), tenantId: tenant.id, userId: 'd', role: 'readonly' })).rejects.toThrow(LimitExceededError);
  });
});
