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
    const spoofer = { type: 'user', userId: 'system:seed' } as const;
    const seed = systemActor('seed');

    const byUser = await tenantry.tenants.create({ ownerId: 'system:seed' });
    const bySystem = await tenantry.tenants.create({ ownerId: 'olivia', actor: seed });
    await tenantry.members.add({ actor: spoofer, tenantId: byUser.tenant.id, userId: 'bob', role: 'readonly' });
    await tenantry.members.add({ actor: seed, tenantId: bySystem.tenant.id, userId: 'bob', role: 'readonly' });

    const provenance = (record: { createdByType: string; createdBy: string } | undefined) => [record?.createdByType, record?.createdBy];
    expect(provenance(byUser.tenant)).toEqual(['user', 'system:seed']);
    expect(provenance(bySystem.tenant)).toEqual(['system', 'system:seed']);
    expect(provenance(await store.findTenant(byUser.tenant.id))).toEqual(['user', 'system:seed']);
    expect(provenance(await store.findTenant(bySystem.tenant.id))).toEqual(['system', 'system:seed']);
    expect(provenance(await store.findMembership(byUser.tenant.id, 'system:seed'))).toEqual(['user', 'system:seed']);
    expect(provenance(await store.findMembership(bySystem.tenant.id, 'olivia'))).toEqual(['system', 'system:seed']);
    expect(provenance(await store.findMembership(byUser.tenant.id, 'bob'))).toEqual(['user', 'system:seed']);
    expect(provenance(await store.findMembership(bySystem.tenant.id, 'bob'))).toEqual(['system', 'system:seed']);

    const actors = async (tenantId: string, reader: typeof spoofer | typeof seed) =>
      (await tenantry.audit.list({ actor: reader, tenantId })).items.map((e) => [e.action, e.actorType, e.actorId]);
    expect(await actors(byUser.tenant.id, spoofer)).toEqual([
      ['tenant_membership.add', 'user', 'system:seed'],
      ['tenant.create', 'user', 'system:seed'],
    ]);
    expect(await actors(bySystem.tenant.id, seed)).toEqual([
      ['tenant_membership.add', 'system', 'system:seed'],
      ['tenant.create', 'system', 'system:seed'],
    ]);
  });
});
