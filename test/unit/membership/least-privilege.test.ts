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

  it('lets a non-owner grant, change to or remove only roles whose capabilities are a subset of its own', async () => {
    // "lead" manages members and reads billing; "clerk" manages billing, which a lead does not hold.
    const staffed = defineRoles(
      capabilities,
      {
        owner: capabilities.all(),
        lead: ['tenant.read', 'membership.manage', 'billing.read'],
        clerk: ['tenant.read', 'billing.read', 'billing.manage'],
        viewer: ['tenant.read'],
      },
      { ownerRole: 'owner' },
    );
    const tenantry = createTenantry({ capabilities, roles: staffed, store: memoryStore(), manageMembersCapability: 'membership.manage' });
    const { tenant } = await tenantry.tenants.create({ ownerId: 'olivia' });
    const tenantId = tenant.id;
    for (const [userId, role] of [['lena', 'lead'], ['carl', 'clerk'], ['vic', 'viewer'], ['lou', 'lead']] as const) {
      await tenantry.members.add({ actor: systemActor('seed'), tenantId, userId, role });
    }
    const lena = user('lena');
    const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as ForbiddenError);

    // Granting a role with a capability the actor lacks, by add or changeRole.
    expect(await refusal(tenantry.members.add({ actor: lena, tenantId, userId: 'new', role: 'clerk' }))).toMatchObject({ code: 'forbidden', capability: 'billing.manage' });
    expect(await refusal(tenantry.members.changeRole({ actor: lena, tenantId, userId: 'vic', role: 'clerk' }))).toMatchObject({ capability: 'billing.manage' });
    // Changing or removing a member whose current role holds more than the actor.
    expect(await refusal(tenantry.members.changeRole({ actor: lena, tenantId, userId: 'carl', role: 'viewer' }))).toMatchObject({ capability: 'billing.manage' });
    expect(await refusal(tenantry.members.remove({ actor: lena, tenantId, userId: 'carl' }))).toMatchObject({ capability: 'billing.manage' });
    // Never their own role, upwards or downwards; re-adding themselves is the same attempt.
    expect(await refusal(tenantry.members.changeRole({ actor: lena, tenantId, userId: 'lena', role: 'viewer' }))).toMatchObject({ capability: 'role:owner' });
    expect(await refusal(tenantry.members.add({ actor: lena, tenantId, userId: 'lena', role: 'viewer' }))).toMatchObject({ capability: 'role:owner' });

    // Within their own capabilities everything works: equal or smaller roles, on others.
    await tenantry.members.add({ actor: lena, tenantId, userId: 'new', role: 'viewer' });
    await tenantry.members.changeRole({ actor: lena, tenantId, userId: 'vic', role: 'lead' });
    await tenantry.members.changeRole({ actor: lena, tenantId, userId: 'lou', role: 'viewer' });
    await tenantry.members.remove({ actor: lena, tenantId, userId: 'new' });
    // Removing themselves is leaving, which every member may do.
    await tenantry.members.remove({ actor: lena, tenantId, userId: 'lena' });
    expect((await tenantry.members.list({ actor: user('olivia'), tenantId })).items.map((m) => [m.userId, m.role])).toEqual([
      ['carl', 'clerk'],
      ['lou', 'viewer'],
      ['olivia', 'owner'],
      ['vic', 'lead'],
    ]);
    // Owners are exempt from the subset rule.
    await tenantry.members.changeRole({ actor: user('olivia'), tenantId, userId: 'vic', role: 'clerk' });
  });

  it('keeps the owner role for owners even when it holds no more than a manager', async () => {
    const flat = defineRoles(capabilities, { owner: ['tenant.read'], admin: capabilities.all() }, { ownerRole: 'owner' });
    const tenantry = createTenantry({ capabilities, roles: flat, store: memoryStore(), manageMembersCapability: 'membership.manage' });
    const { tenant } = await tenantry.tenants.create({ ownerId: 'olivia' });
    await tenantry.members.add({ actor: systemActor('seed'), tenantId: tenant.id, userId: 'ada', role: 'admin' });
    await expect(tenantry.members.add({ actor: user('ada'), tenantId: tenant.id, userId: 'eve', role: 'owner' })).rejects.toMatchObject({ capability: 'role:owner' });
    await expect(tenantry.members.remove({ actor: user('ada'), tenantId: tenant.id, userId: 'olivia' })).rejects.toThrow(ForbiddenError);
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
