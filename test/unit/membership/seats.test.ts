import { describe, expect, it } from 'vitest';
import { createEntitlements, createTenantry, LimitExceededError, seatPolicy, systemActor, ValidationError } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../support/catalog.js';
import { packages } from '../../support/entitlements.js';

const user = (userId: string) => ({ type: 'user', userId }) as const;

async function seatedWorld() {
  const store = memoryStore();
  const entitlements = createEntitlements({ packages, store });
  const tenantry = createTenantry({ capabilities, roles, store, seats: seatPolicy(entitlements, 'seats') });
  const { tenant } = await tenantry.tenants.create({ ownerId: 'alice' });
  await entitlements.provisioning.assignPackage({ actor: systemActor('billing'), tenantId: tenant.id, package: 'free' });
  const seatsUsed = async () => (await entitlements.usage.usage(tenant.id)).find((u) => u.feature === 'seats')?.used;
  return { store, tenantry, entitlements, tenantId: tenant.id, seatsUsed };
}

describe('seats', () => {
  it('adding members takes seats and refuses beyond the limit without adding anyone', async () => {
    const { tenantry, tenantId, seatsUsed, store } = await seatedWorld();
    for (const name of ['b', 'c', 'd']) await tenantry.members.add({ actor: user('alice'), tenantId, userId: name, role: 'readonly' });
    expect(await seatsUsed()).toBe(3);
    await expect(tenantry.members.add({ actor: user('alice'), tenantId, userId: 'e', role: 'readonly' })).rejects.toThrow(LimitExceededError);
    expect(await store.findMembership(tenantId, 'e')).toBeUndefined();
    expect(await seatsUsed()).toBe(3);
    const { items } = await tenantry.audit.list({ actor: user('alice'), tenantId });
    expect(items.filter((e) => e.action === 'tenant_membership.add')).toHaveLength(3);
  });

  it('removing or leaving gives the seat back in the same transaction', async () => {
    const { tenantry, tenantId, seatsUsed } = await seatedWorld();
    await tenantry.members.add({ actor: user('alice'), tenantId, userId: 'b', role: 'readonly' });
    await tenantry.members.add({ actor: user('alice'), tenantId, userId: 'c', role: 'readonly' });
    await tenantry.members.remove({ actor: user('alice'), tenantId, userId: 'b' });
    await tenantry.members.leave({ actor: user('c'), tenantId });
    expect(await seatsUsed()).toBe(0);
  });

  it('a refused last-owner removal gives back no seat', async () => {
    const { tenantry, tenantId, seatsUsed } = await seatedWorld();
    await tenantry.members.add({ actor: user('alice'), tenantId, userId: 'b', role: 'readonly' });
    await expect(tenantry.members.leave({ actor: user('alice'), tenantId })).rejects.toThrow();
    expect(await seatsUsed()).toBe(1);
  });

  it('removing a member who never took a seat (added before seats were on) still works', async () => {
    const { store, tenantId, seatsUsed, entitlements } = await seatedWorld();
    const plain = createTenantry({ capabilities, roles, store });
    await plain.members.add({ actor: user('alice'), tenantId, userId: 'old', role: 'readonly' });
    const seated = createTenantry({ capabilities, roles, store, seats: seatPolicy(entitlements, 'seats') });
    await seated.members.remove({ actor: user('alice'), tenantId, userId: 'old' });
    expect(await seatsUsed()).toBe(0);
  });

  it('refuses a feature that is not a gauge', () => {
    const entitlements = createEntitlements({ packages, store: memoryStore() });
    expect(() => seatPolicy(entitlements, 'ai.tokens')).toThrow(ValidationError);
  });
});
