import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createTenantry, NotFoundError, systemActor } from 'tenantry';
import { countingStore } from 'tenantry/testing';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { capabilities, roles } from '../../support/catalog.js';

const unique = () => randomUUID().slice(0, 8);
const system = systemActor('test');

/**
 * Regression: `tenants.mine()` primed the request's memo from every
 * membership of the user, archived tenants included, so a check on an
 * archived tenant after it answered allowed where a fresh scope answers 404.
 */
await describeDatabases(DATABASE_NAMES, (database) => {
  it('after tenants.mine(), an archived tenant is left out and every decision on it is 404', async () => {
    const store = countingStore(database.store());
    const tenantry = createTenantry({ capabilities, roles, store });
    const user = `mia-${unique()}`;
    const active = (await tenantry.as(system).tenants.create({ ownerId: user })).tenant.id;
    const archived = (await tenantry.as(system).tenants.create({ ownerId: user })).tenant.id;
    await tenantry.as(system).tenants.archive({ tenantId: archived });

    store.reset();
    const scope = tenantry.forRequest({ userId: user });
    const { items } = await scope.tenants.mine();
    expect(items.map((m) => m.tenantId)).toEqual([active]);
    expect(await scope.check(archived, 'tenant.read')).toMatchObject({ allowed: false, status: 404 });
    expect(await scope.can(archived, 'tenant.read')).toBe(false);
    await expect(scope.authorize(archived, 'tenant.read')).rejects.toBeInstanceOf(NotFoundError);
    expect(await scope.can(active, 'tenant.read')).toBe(true);
    expect(await scope.tenantIds()).toEqual([active]);
    // mine() is one query; tenantIds() another; the archived tenant cost its own (cold) lookup.
    expect(store.counts.listActiveMembershipsOfUser).toBe(2);
    expect(store.counts.listMembershipsOfUser).toBe(0);

    // Restored, it is listed and allowed again.
    await tenantry.as(system).tenants.restore({ tenantId: archived });
    const restored = tenantry.forRequest({ userId: user });
    expect((await restored.tenants.mine()).items.map((m) => m.tenantId)).toEqual([active, archived].sort());
    expect(await restored.can(archived, 'tenant.read')).toBe(true);
  });
});
