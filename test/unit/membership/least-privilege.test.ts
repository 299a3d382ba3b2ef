import { describe, expect, it } from 'vitest';
import { createTenantry, defineRoles, DelegationDeniedError, LimitExceededError, NotFoundError, OwnerRequiredError, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities } from '../../support/catalog.js';
import { billing, packages } from '../../support/entitlements.js';

/** Managers may manage members here, which is exactly when escalation must be stopped. */
const delegating = defineRoles(
  capabilities,
  { owner: capabilities.all(), manager: ['tenant.read', 'membership.manage'], readonly: ['tenant.read'] },
  { ownerRole: 'owner' },
);

/** The refusal `promise` rejects with, or `undefined` when it resolves. */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('delegated member management', () => {
  it('lets a non-owner manager manage ordinary members but never grant, change or remove the owner role', async () => {
    const tenantry = createTenantry({ capabilities, roles: delegating, store: memoryStore(), manageMembers: 'membership.manage' });
    const olivia = tenantry.forRequest({ userId: 'olivia' });
    const max = tenantry.forRequest({ userId: 'max' });
    const { tenant } = await olivia.tenants.create();
    const tenantId = tenant.id;
    await olivia.members.add({ tenantId, userId: 'max', role: 'manager' });
    await max.members.add({ tenantId, userId: 'rita', role: 'readonly' });
    await max.members.changeRole({ tenantId, userId: 'rita', role: 'manager' });
    // Granting the owner role to oneself is changing one's own role: refused by the delegation rule first.
    expect(await refusal(max.members.changeRole({ tenantId, userId: 'max', role: 'owner' }))).toMatchObject({ code: 'delegation_denied', reason: 'own_role' });
    for (const attempt of [
      max.members.add({ tenantId, userId: 'eve', role: 'owner' }),
      max.members.changeRole({ tenantId, userId: 'olivia', role: 'readonly' }),
      max.members.remove({ tenantId, userId: 'olivia' }),
    ]) {
      const error = await refusal(attempt);
      expect(error).toBeInstanceOf(OwnerRequiredError);
      expect(error).toMatchObject({ code: 'owner_required', reason: 'owner_role' });
    }
    await olivia.members.changeRole({ tenantId, userId: 'max', role: 'owner' });
    expect((await olivia.members.list({ tenantId })).items.map((m) => [m.userId, m.role])).toEqual([
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
    const tenantry = createTenantry({ capabilities, roles: staffed, store: memoryStore(), manageMembers: 'membership.manage' });
    const olivia = tenantry.forRequest({ userId: 'olivia' });
    const { tenant } = await olivia.tenants.create();
    const tenantId = tenant.id;
    for (const [userId, role] of [
      ['lena', 'lead'],
      ['carl', 'clerk'],
      ['vic', 'viewer'],
      ['lou', 'lead'],
    ] as const) {
      await tenantry.as(systemActor('seed')).members.add({ tenantId, userId, role });
    }
    const lena = tenantry.forRequest({ userId: 'lena' });

    // Granting a role with a capability the actor lacks, by add or changeRole.
    const beyond = await refusal(lena.members.add({ tenantId, userId: 'new', role: 'clerk' }));
    expect(beyond).toBeInstanceOf(DelegationDeniedError);
    expect(beyond).toMatchObject({ code: 'delegation_denied', reason: 'role_exceeds_actor', capability: 'billing.manage' });
    expect(await refusal(lena.members.changeRole({ tenantId, userId: 'vic', role: 'clerk' }))).toMatchObject({
      reason: 'role_exceeds_actor',
      capability: 'billing.manage',
    });
    // Changing or removing a member whose current role holds more than the actor.
    expect(await refusal(lena.members.changeRole({ tenantId, userId: 'carl', role: 'viewer' }))).toMatchObject({
      reason: 'target_exceeds_actor',
      capability: 'billing.manage',
    });
    expect(await refusal(lena.members.remove({ tenantId, userId: 'carl' }))).toMatchObject({ reason: 'target_exceeds_actor', capability: 'billing.manage' });
    // Never their own role, upwards or downwards; re-adding themselves is the same attempt.
    expect(await refusal(lena.members.changeRole({ tenantId, userId: 'lena', role: 'viewer' }))).toMatchObject({
      code: 'delegation_denied',
      reason: 'own_role',
      capability: null,
    });
    expect(await refusal(lena.members.add({ tenantId, userId: 'lena', role: 'viewer' }))).toMatchObject({
      code: 'delegation_denied',
      reason: 'own_role',
      capability: null,
    });

    // Within their own capabilities everything works: equal or smaller roles, on others.
    await lena.members.add({ tenantId, userId: 'new', role: 'viewer' });
    await lena.members.changeRole({ tenantId, userId: 'vic', role: 'lead' });
    await lena.members.changeRole({ tenantId, userId: 'lou', role: 'viewer' });
    await lena.members.remove({ tenantId, userId: 'new' });
    // Removing themselves is leaving, which every member may do.
    await lena.members.remove({ tenantId, userId: 'lena' });
    expect((await olivia.members.list({ tenantId })).items.map((m) => [m.userId, m.role])).toEqual([
      ['carl', 'clerk'],
      ['lou', 'viewer'],
      ['olivia', 'owner'],
      ['vic', 'lead'],
    ]);
    // Owners are exempt from the subset rule.
    await olivia.members.changeRole({ tenantId, userId: 'vic', role: 'clerk' });
  });

  it('keeps the owner role for owners even when it holds no more than a manager', async () => {
    const flat = defineRoles(capabilities, { owner: ['tenant.read'], admin: capabilities.all() }, { ownerRole: 'owner' });
    const tenantry = createTenantry({ capabilities, roles: flat, store: memoryStore(), manageMembers: 'membership.manage' });
    const { tenant } = await tenantry.forRequest({ userId: 'olivia' }).tenants.create();
    await tenantry.as(systemActor('seed')).members.add({ tenantId: tenant.id, userId: 'ada', role: 'admin' });
    const ada = tenantry.forRequest({ userId: 'ada' });
    await expect(ada.members.add({ tenantId: tenant.id, userId: 'eve', role: 'owner' })).rejects.toMatchObject({
      code: 'owner_required',
      reason: 'owner_role',
    });
    await expect(ada.members.remove({ tenantId: tenant.id, userId: 'olivia' })).rejects.toThrow(OwnerRequiredError);
  });

  it('answers a non-member naming a real owner in a transfer with 404, like any other non-member', async () => {
    const tenantry = createTenantry({ capabilities, roles: delegating, store: memoryStore() });
    const system = tenantry.as(systemActor('seed'));
    const { tenant } = await system.tenants.create({ ownerId: 'olivia' });
    await system.members.add({ tenantId: tenant.id, userId: 'rita', role: 'readonly' });
    await expect(
      tenantry.forRequest({ userId: 'mallory' }).members.transferOwnership({ tenantId: tenant.id, fromUserId: 'olivia', toUserId: 'rita' }),
    ).rejects.toThrow(NotFoundError);
  });
});

describe('seats and the founding owner', () => {
  it('the owner created with the tenant took a seat, so leaving later frees one', async () => {
    const tenantry = createTenantry({ capabilities, roles: delegating, store: memoryStore(), entitlements: { packages, seats: 'seats' } });
    const olivia = tenantry.forRequest({ userId: 'olivia' });
    const { tenant } = await olivia.tenants.create();
    await tenantry.as(billing).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
    for (const name of ['a', 'b']) await olivia.members.add({ tenantId: tenant.id, userId: name, role: 'readonly' });
    await expect(olivia.members.add({ tenantId: tenant.id, userId: 'c', role: 'readonly' })).rejects.toThrow(LimitExceededError);
    await olivia.members.transferOwnership({ tenantId: tenant.id, toUserId: 'a' });
    await olivia.members.leave({ tenantId: tenant.id });
    const a = tenantry.forRequest({ userId: 'a' });
    await a.members.add({ tenantId: tenant.id, userId: 'c', role: 'readonly' });
    await expect(a.members.add({ tenantId: tenant.id, userId: 'd', role: 'readonly' })).rejects.toThrow(LimitExceededError);
  });
});
