import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ActorNotAllowedError, createTenantry, NotFoundError, OwnerRequiredError, type Store } from 'tenantry';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { capabilities, roles } from '../../support/catalog.js';
import { billing, packages } from '../../support/entitlements.js';

const unique = () => randomUUID().slice(0, 8);

function instance(store: Store) {
  return createTenantry({ capabilities, roles, store, deleteTenant: 'tenant.manage', entitlements: { packages, seats: 'seats' } });
}

/** A tenant owned by `owner` on `pro`, with a reader, some consumption and an idempotency key. */
async function world(store: Store) {
  const tenantry = instance(store);
  const owner = `owner-${unique()}`;
  const reader = `reader-${unique()}`;
  const { tenant } = await tenantry.as(billing).tenants.create({ ownerId: owner, slug: `s-${unique()}` });
  await tenantry.as(billing).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'pro' });
  await tenantry.forRequest({ userId: owner }).members.add({ tenantId: tenant.id, userId: reader, role: 'readonly' });
  await tenantry.forRequest({ userId: owner }).usage.consume({ tenantId: tenant.id, featureKey: 'ai.tokens', amount: 5, idempotencyKey: 'k-1' });
  return { tenantry, owner, reader, tenantId: tenant.id, slug: (await store.findTenant(tenant.id))?.slug ?? '' };
}

await describeDatabases(DATABASE_NAMES, (database) => {
  it('archive: members get 404 decisions and cannot write or consume; the system actor keeps access; restore brings everything back', async () => {
    const store = database.store();
    const { tenantry, owner, reader, tenantId } = await world(store);
    const alice = tenantry.forRequest({ userId: owner });
    await expect(alice.tenants.archive({ tenantId })).rejects.toThrow(ActorNotAllowedError);
    const archived = await tenantry.as(billing).tenants.archive({ tenantId });
    expect(archived.archivedAt).toBeInstanceOf(Date);
    const fresh = tenantry.forRequest({ userId: owner });
    expect(await fresh.check(tenantId, 'project.read')).toMatchObject({ allowed: false, status: 404 });
    const membersBefore = await store.listMembers(tenantId, { limit: 10 });
    await expect(fresh.members.add({ tenantId, userId: `x-${unique()}`, role: 'readonly' })).rejects.toThrow(NotFoundError);
    await expect(fresh.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).rejects.toThrow(NotFoundError);
    await expect(fresh.tenants.update({ tenantId, name: 'x' })).rejects.toThrow(NotFoundError);
    await expect(fresh.tenants.get(tenantId)).rejects.toThrow(NotFoundError);
    expect(await store.listMembers(tenantId, { limit: 10 })).toEqual(membersBefore);
    expect((await tenantry.as(billing).tenants.get(tenantId)).archivedAt).toEqual(archived.archivedAt);
    // Archiving twice writes nothing more.
    await tenantry.as(billing).tenants.archive({ tenantId });
    const restored = await tenantry.as(billing).tenants.restore({ tenantId });
    expect(restored.archivedAt).toBeUndefined();
    expect(await tenantry.forRequest({ userId: reader }).check(tenantId, 'project.read')).toMatchObject({ allowed: true });
    const { items } = await tenantry.as(billing).audit.list({ tenantId });
    expect(items.filter((e) => e.action === 'tenant.archive' || e.action === 'tenant.restore').map((e) => e.action)).toEqual([
      'tenant.restore',
      'tenant.archive',
    ]);
  });

  it('delete: removes memberships, grants, counters and keys, keeps the audit log with tenant.delete last; refusals change nothing', async () => {
    const store = database.store();
    const { tenantry, owner, reader, tenantId, slug } = await world(store);
    await expect(tenantry.forRequest({ userId: reader }).tenants.delete({ tenantId })).rejects.toThrow(OwnerRequiredError);
    await expect(tenantry.forRequest({ userId: `stranger-${unique()}` }).tenants.delete({ tenantId })).rejects.toThrow(NotFoundError);
    const plain = createTenantry({ capabilities, roles, store, entitlements: { packages } });
    await expect(plain.forRequest({ userId: owner }).tenants.delete({ tenantId })).rejects.toThrow(ActorNotAllowedError);
    expect(await store.findTenant(tenantId)).toBeDefined();
    expect(await store.listMembers(tenantId, { limit: 10 })).toHaveLength(2);

    await tenantry.forRequest({ userId: owner }).tenants.delete({ tenantId });
    expect(await store.findTenant(tenantId)).toBeUndefined();
    expect(await store.listMembershipsOfUser(reader)).toEqual([]);
    const grants = await store.readGrants(tenantId);
    expect([grants.packages.length, grants.boosts.length]).toEqual([0, 0]);
    const audit = await store.listAudit(tenantId, { limit: 100 });
    expect(audit[0]).toMatchObject({ action: 'tenant.delete', actorId: owner });
    expect(audit.map((e) => e.action)).toContain('tenant.create');
    await expect(tenantry.as(billing).tenants.get(tenantId)).rejects.toThrow(NotFoundError);
    await expect(tenantry.as(billing).tenants.delete({ tenantId })).rejects.toThrow(NotFoundError);
    // The slug is free again.
    await tenantry.as(billing).tenants.create({ ownerId: owner, slug });
  });

  it('removeUserEverywhere removes the user from every tenant, refuses and reports the last-owner tenant, and a successor policy resolves it', async () => {
    const store = database.store();
    const tenantry = instance(store);
    const system = tenantry.as(billing);
    const leaver = `leaver-${unique()}`;
    const other = `other-${unique()}`;
    const onPro = async (ownerId: string) => {
      const { tenant } = await system.tenants.create({ ownerId });
      await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'pro' });
      return tenant.id;
    };
    const asMember = await onPro(other);
    await system.members.add({ tenantId: asMember, userId: leaver, role: 'readonly' });
    const coOwned = await onPro(leaver);
    await system.members.add({ tenantId: coOwned, userId: other, role: 'owner' });
    const soleOwned = await onPro(leaver);
    await system.members.add({ tenantId: soleOwned, userId: other, role: 'readonly' });

    await expect(tenantry.forRequest({ userId: leaver }).members.removeUserEverywhere({ userId: leaver })).rejects.toThrow(ActorNotAllowedError);
    const first = await system.members.removeUserEverywhere({ userId: leaver });
    expect(first.complete).toBe(false);
    const byTenant = Object.fromEntries(first.tenants.map((t) => [t.tenantId, t.outcome]));
    expect(byTenant).toEqual({ [asMember]: 'removed', [coOwned]: 'removed', [soleOwned]: 'last_owner' });
    expect((await store.listMembershipsOfUser(leaver)).map((m) => m.tenantId)).toEqual([soleOwned]);
    expect((await store.listAudit(soleOwned, { limit: 10 }))[0]).toMatchObject({ action: 'tenant_membership.last_owner_blocked', subjectUserId: leaver });
    expect((await store.listAudit(asMember, { limit: 10 }))[0]).toMatchObject({ action: 'tenant_membership.remove', metadata: { offboarding: true } });

    const seen: string[][] = [];
    const second = await system.members.removeUserEverywhere({
      userId: leaver,
      successor: ({ members }) => {
        seen.push(members.map((m) => m.userId));
        return members[0]?.userId;
      },
    });
    expect(second).toMatchObject({ complete: true, tenants: [{ tenantId: soleOwned, outcome: 'removed', successor: other }] });
    expect(seen).toEqual([[other]]);
    expect(await store.listMembershipsOfUser(leaver)).toEqual([]);
    expect((await store.findMembership(soleOwned, other))?.role).toBe('owner');
    // Every seat the leaver held was given back: one member (the other user) left in each tenant.
    for (const tenantId of [asMember, coOwned, soleOwned]) {
      const seats = (await system.usage.report({ tenantId })).features.find((f) => f.featureKey === 'seats');
      expect(seats?.used).toBe(1);
    }
    const actions = (await store.listAudit(soleOwned, { limit: 10 })).map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['tenant_membership.remove', 'tenant_membership.role_change']);
    expect(await system.members.removeUserEverywhere({ userId: leaver })).toEqual({ userId: leaver, tenants: [], complete: true });
  });
});
