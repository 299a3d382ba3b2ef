import { describe, expect, it } from 'vitest';
import { ConfigurationError, createTenantry, LastOwnerError, LimitExceededError, type Store } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../support/catalog.js';
import { billing, packages } from '../../support/entitlements.js';

/** An instance that counts members as seats, over `store`. */
const seated = (store: Store) => createTenantry({ capabilities, roles, store, entitlements: { packages, seats: 'seats' } });

async function seatedWorld() {
  const store = memoryStore();
  const tenantry = seated(store);
  const system = tenantry.as(billing);
  const { tenant } = await tenantry.forRequest({ userId: 'alice' }).tenants.create();
  await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
  const seatsUsed = async () => (await system.usage.report({ tenantId: tenant.id })).features.find((u) => u.featureKey === 'seats')?.used;
  return { store, tenantry, alice: tenantry.forRequest({ userId: 'alice' }), tenantId: tenant.id, seatsUsed };
}

describe('seats', () => {
  it('the founding owner takes a seat: 3 seats admit exactly 3 people, and the refusal adds nobody', async () => {
    const { alice, tenantId, seatsUsed, store } = await seatedWorld();
    expect(await seatsUsed()).toBe(1);
    for (const name of ['b', 'c']) await alice.members.add({ tenantId, userId: name, role: 'readonly' });
    expect(await seatsUsed()).toBe(3);
    const refused = await alice.members.add({ tenantId, userId: 'd', role: 'readonly' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LimitExceededError);
    expect(refused).toMatchObject({ featureKey: 'seats', limit: 3, used: 3, requested: 1 });
    expect(await store.findMembership(tenantId, 'd')).toBeUndefined();
    expect(await seatsUsed()).toBe(3);
    expect((await store.listMembers(tenantId, { limit: 10 })).map((m) => m.userId)).toEqual(['alice', 'b', 'c']);
    const { items } = await alice.audit.list({ tenantId });
    expect(items.filter((e) => e.action === 'tenant_membership.add')).toHaveLength(2);
  });

  it('with countFoundingOwner: false the founding owner takes no seat (and gives none back)', async () => {
    const store = memoryStore();
    const tenantry = createTenantry({ capabilities, roles, store, entitlements: { packages, seats: { feature: 'seats', countFoundingOwner: false } } });
    const alice = tenantry.forRequest({ userId: 'alice' });
    const { tenant } = await alice.tenants.create();
    const system = tenantry.as(billing);
    await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
    for (const name of ['b', 'c', 'd']) await alice.members.add({ tenantId: tenant.id, userId: name, role: 'readonly' });
    await expect(alice.members.add({ tenantId: tenant.id, userId: 'e', role: 'readonly' })).rejects.toThrow(LimitExceededError);
    await alice.members.transferOwnership({ tenantId: tenant.id, toUserId: 'b' });
    await alice.members.leave({ tenantId: tenant.id });
    const report = await system.usage.report({ tenantId: tenant.id });
    expect(report.features.find((u) => u.featureKey === 'seats')?.used).toBe(3);
  });

  it('removing or leaving gives the seat back in the same transaction, the founding owner included', async () => {
    const { tenantry, alice, tenantId, seatsUsed } = await seatedWorld();
    await alice.members.add({ tenantId, userId: 'b', role: 'owner' });
    await alice.members.add({ tenantId, userId: 'c', role: 'readonly' });
    await tenantry.forRequest({ userId: 'b' }).members.remove({ tenantId, userId: 'alice' });
    await tenantry.forRequest({ userId: 'c' }).members.leave({ tenantId });
    expect(await seatsUsed()).toBe(1);
  });

  it('a refused last-owner removal gives back no seat', async () => {
    const { alice, tenantId, seatsUsed } = await seatedWorld();
    await alice.members.add({ tenantId, userId: 'b', role: 'readonly' });
    await expect(alice.members.leave({ tenantId })).rejects.toThrow(LastOwnerError);
    expect(await seatsUsed()).toBe(2);
  });

  it('removing a member who never took a seat (added before seats were on) still works', async () => {
    const { store, tenantId, seatsUsed } = await seatedWorld();
    const plain = createTenantry({ capabilities, roles, store });
    await plain.forRequest({ userId: 'alice' }).members.add({ tenantId, userId: 'old', role: 'readonly' });
    await seated(store).forRequest({ userId: 'alice' }).members.remove({ tenantId, userId: 'old' });
    // Lenient: it gives back a seat it never took (the owner's, here); documented in docs/membership.md.
    expect(await seatsUsed()).toBe(0);
    expect(await store.findMembership(tenantId, 'old')).toBeUndefined();
  });

  it('refuses a seats feature that is not a gauge when the instance is created', () => {
    expect(() => createTenantry({ capabilities, roles, store: memoryStore(), entitlements: { packages, seats: 'ai.tokens' } })).toThrow(ConfigurationError);
  });
});
