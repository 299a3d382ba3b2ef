import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, createTenantry, type Store } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';
import { capabilities, roles } from '../../support/catalog.js';
import { billing, packages } from '../../support/entitlements.js';

const unique = () => randomUUID().slice(0, 8);

function instance(store: Store) {
  return createTenantry({ capabilities, roles, store, entitlements: { packages } });
}

interface HostDatabase {
  [table: string]: { tenant_id: string; name: string };
}

await describeSqlDatabases(SQL_DATABASE_NAMES, (database) => {
  async function hostTable(): Promise<string> {
    const table = `host_orgs_${unique()}`;
    await sql`create table ${sql.id(table)} (tenant_id varchar(64) not null primary key, name varchar(100) not null)`.execute(database.db);
    return table;
  }
  const hostRows = async (table: string) =>
    (await sql<{ tenant_id: string }>`select tenant_id from ${sql.id(table)}`.execute(database.db)).rows.map((r) => r.tenant_id);

  it('tenantry writes through t and host writes through db commit together', async () => {
    const table = await hostTable();
    const store = database.store();
    const tenantry = instance(store);
    const owner = `owner-${unique()}`;
    const tenantId = await tenantry.transaction(async (t, db) => {
      const { tenant } = await t.as(billing).tenants.create({ ownerId: owner, name: 'Acme' });
      await t.as(billing).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'pro' });
      await (db as Kysely<HostDatabase>).insertInto(table).values({ tenant_id: tenant.id, name: 'Acme' }).execute();
      return tenant.id;
    });
    expect((await store.findTenant(tenantId))?.name).toBe('Acme');
    expect((await store.readGrants(tenantId)).packages.map((p) => p.packageKey)).toEqual(['pro']);
    expect(await hostRows(table)).toEqual([tenantId]);
  });

  it('a throw rolls back both: no tenant, no grant, no audit entry, no host row', async () => {
    const table = await hostTable();
    const store = database.store();
    const tenantry = instance(store);
    const owner = `owner-${unique()}`;
    let created = '';
    await expect(
      tenantry.transaction(async (t, db) => {
        const { tenant } = await t.as(billing).tenants.create({ ownerId: owner });
        created = tenant.id;
        await t.as(billing).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'pro' });
        await (db as Kysely<HostDatabase>).insertInto(table).values({ tenant_id: tenant.id, name: 'Acme' }).execute();
        throw new Error('billing said no');
      }),
    ).rejects.toThrow('billing said no');
    expect(created).not.toBe('');
    expect(await store.findTenant(created)).toBeUndefined();
    expect(await store.listMembershipsOfUser(owner)).toEqual([]);
    expect(await store.listAudit(created, { limit: 10 })).toEqual([]);
    expect(await hostRows(table)).toEqual([]);
  });

  it('a tenantry refusal caught inside leaves the transaction usable, and only it is undone', async () => {
    const table = await hostTable();
    const store = database.store();
    const tenantry = instance(store);
    const slug = `taken-${unique()}`;
    await tenantry.as(billing).tenants.create({ ownerId: `first-${unique()}`, slug });
    const owner = `owner-${unique()}`;
    const tenantId = await tenantry.transaction(async (t, db) => {
      const refused = await t
        .as(billing)
        .tenants.create({ ownerId: owner, slug: slug.toUpperCase() })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AlreadyExistsError);
      const { tenant } = await t.as(billing).tenants.create({ ownerId: owner, slug: `${slug}-2` });
      await (db as Kysely<HostDatabase>).insertInto(table).values({ tenant_id: tenant.id, name: 'Second' }).execute();
      return tenant.id;
    });
    expect((await store.listMembershipsOfUser(owner)).map((m) => m.tenantId)).toEqual([tenantId]);
    expect(await hostRows(table)).toEqual([tenantId]);
  });
});

describe('tenantry.transaction on the memory store', () => {
  it('commits or rolls back tenantry writes together; db is undefined', async () => {
    const store = memoryStore();
    const tenantry = instance(store);
    let seen: unknown = 'unset';
    const kept = await tenantry.transaction(async (t, db) => {
      seen = db;
      return (await t.as(billing).tenants.create({ ownerId: 'ada' })).tenant.id;
    });
    expect(seen).toBeUndefined();
    expect(await store.findTenant(kept)).toBeDefined();
    let dropped = '';
    await expect(
      tenantry.transaction(async (t) => {
        dropped = (await t.as(billing).tenants.create({ ownerId: 'grace' })).tenant.id;
        await t.as(billing).provisioning.assignPackage({ tenantId: dropped, packageKey: 'pro' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.findTenant(dropped)).toBeUndefined();
    expect(await store.listMembershipsOfUser('grace')).toEqual([]);
  });
});
