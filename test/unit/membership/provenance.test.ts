import { expect, it } from 'vitest';
import { createTenantry, systemActor } from 'tenantry';
import { capabilities, roles } from '../../support/catalog.js';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';

/**
 * A host user whose id is "system:seed" and the system actor "seed" leave the
 * same id in provenance and audit; the stored actor type tells them apart on
 * every store, through the public API.
 */
await describeDatabases(DATABASE_NAMES, (database) => {
  it('a user "system:seed" never passes for systemActor("seed") in tenants, memberships and the audit log', async () => {
    const store = database.store();
    const tenantry = createTenantry({ capabilities, roles, store });
    const spoofer = tenantry.forRequest({ userId: 'system:seed' });
    const seed = tenantry.as(systemActor('seed'));

    const byUser = await spoofer.tenants.create();
    const bySystem = await seed.tenants.create({ ownerId: 'olivia' });
    const addedByUser = await spoofer.members.add({ tenantId: byUser.tenant.id, userId: 'bob', role: 'readonly' });
    const addedBySystem = await seed.members.add({ tenantId: bySystem.tenant.id, userId: 'bob', role: 'readonly' });

    // The views: an ActorRef with the type, and the bare label for a system actor.
    const asUser = { type: 'user', id: 'system:seed' };
    const asSystem = { type: 'system', id: 'seed' };
    expect([byUser.tenant.createdBy, byUser.owner.addedBy, addedByUser.addedBy]).toEqual([asUser, asUser, asUser]);
    expect([bySystem.tenant.createdBy, bySystem.owner.addedBy, addedBySystem.addedBy]).toEqual([asSystem, asSystem, asSystem]);
    expect((await spoofer.tenants.get(byUser.tenant.id)).createdBy).toEqual(asUser);
    expect((await seed.tenants.get(bySystem.tenant.id)).createdBy).toEqual(asSystem);
    expect((await seed.members.list({ tenantId: byUser.tenant.id })).items.map((m) => [m.userId, m.addedBy])).toEqual([
      ['bob', asUser],
      ['system:seed', asUser],
    ]);
    expect((await seed.members.list({ tenantId: bySystem.tenant.id })).items.map((m) => [m.userId, m.addedBy])).toEqual([
      ['bob', asSystem],
      ['olivia', asSystem],
    ]);

    // The stored records: the same id, told apart by the stored type.
    const provenance = (record: { createdByType: string; createdBy: string } | undefined) => [record?.createdByType, record?.createdBy];
    expect(provenance(await store.findTenant(byUser.tenant.id))).toEqual(['user', 'system:seed']);
    expect(provenance(await store.findTenant(bySystem.tenant.id))).toEqual(['system', 'system:seed']);
    expect(provenance(await store.findMembership(byUser.tenant.id, 'system:seed'))).toEqual(['user', 'system:seed']);
    expect(provenance(await store.findMembership(bySystem.tenant.id, 'olivia'))).toEqual(['system', 'system:seed']);
    expect(provenance(await store.findMembership(byUser.tenant.id, 'bob'))).toEqual(['user', 'system:seed']);
    expect(provenance(await store.findMembership(bySystem.tenant.id, 'bob'))).toEqual(['system', 'system:seed']);

    const actors = async (tenantId: string, reader: typeof spoofer) => (await reader.audit.list({ tenantId })).items.map((e) => [e.action, e.actor]);
    expect(await actors(byUser.tenant.id, spoofer)).toEqual([
      ['tenant_membership.add', asUser],
      ['tenant.create', asUser],
    ]);
    expect(await actors(bySystem.tenant.id, seed)).toEqual([
      ['tenant_membership.add', asSystem],
      ['tenant.create', asSystem],
    ]);
    // And the user "system:seed" is a member of its own tenant only: the system actor's tenant is a 404 to it.
    await expect(spoofer.members.list({ tenantId: bySystem.tenant.id })).rejects.toMatchObject({ code: 'not_found' });
  });
});
