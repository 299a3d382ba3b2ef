import { expect, it } from 'vitest';
import { createTenantry, isConfigurationError, systemActor } from 'tenantry';
import { capabilities, roles } from '../../../examples/catalog.js';
import { packages } from '../../../examples/plans.js';
import type { TestKysely } from '../../support/db-config.js';
import { describeRoutedDatabases, REGIONS, ROUTED_DATABASES, type Region, type RoutedDatabaseName } from '../../support/routed-databases.js';

/**
 * Data residency through the whole library: tenants created with the
 * region in their id, then members, roles, packages, boosts, consumption,
 * alerts and audit through tenantry on a routed store. Afterwards every row
 * that names a tenant, in every table of each region's database (found by
 * introspection, so tables added later are covered), belongs to a tenant of
 * that region.
 */
const byPrefix = (tenantId: string): Region => (tenantId.startsWith('us-') ? 'us' : 'eu');
const system = systemActor('residency');

/** Every (table, tenant id) in `db`: the `tenant_id` column of any table, and the tenants table's `id`. */
async function tenantIdsByTable(db: TestKysely): Promise<Map<string, string[]>> {
  const tables = await db.introspection.getTables();
  const found = new Map<string, string[]>();
  for (const table of tables) {
    const columns = table.columns.map((column) => column.name);
    const column = columns.includes('tenant_id') ? 'tenant_id' : /(^|_)tenants$/.test(table.name) && columns.includes('id') ? 'id' : undefined;
    if (column === undefined) continue;
    const rows = (await db.selectFrom(table.name).select(column).distinct().execute()) as Record<string, unknown>[];
    found.set(
      table.name,
      rows.map((row) => String(row[column])),
    );
  }
  return found;
}

await describeRoutedDatabases(Object.keys(ROUTED_DATABASES) as RoutedDatabaseName[], (database) => {
  it('no row of a tenant exists outside its region, and the tenant switcher merges both regions in tenant-id order', async () => {
    const tenantry = createTenantry({
      store: database.store(byPrefix),
      capabilities,
      roles,
      tenantIds: { pattern: /^(eu|us)-[0-9a-f-]{36}$/ },
      manageMembers: 'membership.manage',
      entitlements: { packages, onAlert: () => undefined },
    });
    const admin = tenantry.as(system);
    const ids: string[] = [];
    for (const region of ['eu', 'us', 'us', 'eu', 'us'] as const) {
      const { tenant } = await admin.tenants.create({ id: `${region}-${crypto.randomUUID()}`, ownerId: 'ada' });
      ids.push(tenant.id);
      await admin.members.add({ tenantId: tenant.id, userId: 'bob', role: 'operator' });
      await admin.members.changeRole({ tenantId: tenant.id, userId: 'bob', role: 'manager' });
      await admin.members.add({ tenantId: tenant.id, userId: 'cy', role: 'readonly' });
      await admin.members.remove({ tenantId: tenant.id, userId: 'cy' });
      await admin.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
      await admin.provisioning.addBoost({ tenantId: tenant.id, featureKey: 'ai.tokens', amount: 10 });
      // 90% of the free plan's tokens: an alert row too.
      await admin.usage.consume({ tenantId: tenant.id, featureKey: 'ai.tokens', amount: 910 });
    }

    const mine = await tenantry.forRequest({ userId: 'ada' }).tenants.mine({ limit: 50 });
    const listed = mine.items.map((item) => item.tenantId);
    expect(listed).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // The switcher leaves out an archived tenant of either region, merged in the same order.
    const [archivedEu, archivedUs] = ids as [string, string];
    for (const tenantId of [archivedEu, archivedUs]) await admin.tenants.archive({ tenantId });
    const active = (await tenantry.forRequest({ userId: 'ada' }).tenants.mine({ limit: 50 })).items.map((item) => item.tenantId);
    expect(active).toEqual(listed.filter((id) => id !== archivedEu && id !== archivedUs));
    for (const tenantId of [archivedEu, archivedUs]) await admin.tenants.restore({ tenantId });

    for (const region of REGIONS) {
      const byTable = await tenantIdsByTable(database.regions[region]);
      const misplaced = [...byTable].flatMap(([table, tenantIds]) => tenantIds.filter((id) => byPrefix(id) !== region).map((id) => `${table}: ${id}`));
      expect(misplaced).toEqual([]);
      // Not vacuous: each region holds its own tenants' rows, in several tables.
      const own = ids.filter((id) => byPrefix(id) === region);
      const populated = [...byTable].filter(([, tenantIds]) => own.some((id) => tenantIds.includes(id))).map(([table]) => table);
      expect(populated.length).toBeGreaterThanOrEqual(6);
    }
  });

  it('a route answering an unknown region fails before storage; a transaction refuses to write another region', async () => {
    const store = database.store(byPrefix);
    const wrong = database.store(() => 'mars' as Region);
    const eu = `eu-${crypto.randomUUID()}`;
    const createdAt = new Date('2026-01-01T00:00:00.000Z');
    const tenant = { id: eu, createdByType: 'system' as const, createdBy: 'system:test', createdAt };
    const owner = {
      id: crypto.randomUUID(),
      tenantId: eu,
      userId: 'ada',
      role: 'owner',
      createdByType: 'system' as const,
      createdBy: 'system:test',
      createdAt,
      source: 'tenant_create' as const,
    };
    await expect(wrong.createTenant(tenant, owner)).rejects.toSatisfy(isConfigurationError);
    expect(await store.findTenant(eu)).toBeUndefined();

    await store.createTenant(tenant, owner);
    const us = `us-${crypto.randomUUID()}`;
    await expect(
      store.transaction(
        async (tx) => {
          await tx.insertMembership({ ...owner, id: crypto.randomUUID(), userId: 'bob', role: 'manager', source: 'member_add' });
          await tx.createTenant({ ...tenant, id: us }, { ...owner, id: crypto.randomUUID(), tenantId: us });
        },
        { tenantId: eu },
      ),
    ).rejects.toSatisfy(isConfigurationError);
    // Rolled back in eu, nothing in us.
    expect(await store.findMembership(eu, 'bob')).toBeUndefined();
    expect(await store.findTenant(us)).toBeUndefined();
    expect(await database.regions.us.selectFrom('tenantry_tenants').select('id').where('id', '=', us).execute()).toEqual([]);
  });
});
