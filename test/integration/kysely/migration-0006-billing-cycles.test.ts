import { randomUUID } from 'node:crypto';
import { Migrator } from 'kysely';
import { expect, it } from 'vitest';
import { resolveDialect } from '../../../src/adapters/kysely/dialects/resolve-dialect.js';
import { kyselyStore, tenantryMigrations } from '../../../src/kysely.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';
import type { TestKysely } from '../../support/db-config.js';

const tablePrefix = 'bill_';
const JAN_10 = new Date('2024-01-10T08:00:00.010Z');
const JAN_20 = new Date('2024-01-20T08:00:00.020Z');
const MAR_01 = new Date('2024-03-01T08:00:00.030Z');

function migrator(db: TestKysely): Migrator {
  return new Migrator({
    db,
    provider: tenantryMigrations({ tablePrefix }),
    migrationTableName: 'bill_migration',
    migrationLockTableName: 'bill_migration_lock',
  });
}

/** Tenants as a 0005 schema holds them: the anchor was derived from the grants. */
async function seed0005(db: TestKysely) {
  const write = (date: Date) => resolveDialect(db, undefined).writeTimestamp(date);
  const ids = { packages: randomUUID(), cancelled: randomUUID(), boosts: randomUUID(), nothing: randomUUID() };
  await db.insertInto(`${tablePrefix}features`).values({ key: 'ai.tokens', kind: 'limit', parent_key: null }).execute();
  for (const id of Object.values(ids)) {
    await db
      .insertInto(`${tablePrefix}tenants`)
      .values({ id, created_by: 'u', created_by_type: 'user', created_at: write(JAN_10) })
      .execute();
  }
  const assign = (tenantId: string, packageKey: string, assignedAt: Date, cancelledAt: Date | null) =>
    db
      .insertInto(`${tablePrefix}package_assignments`)
      .values({
        id: randomUUID(),
        tenant_id: tenantId,
        package_key: packageKey,
        assigned_by: 'system:billing',
        assigned_at: write(assignedAt),
        cancelled_by: cancelledAt === null ? null : 'system:billing',
        cancelled_at: cancelledAt === null ? null : write(cancelledAt),
      })
      .execute();
  await assign(ids.packages, 'pro', JAN_20, null);
  await assign(ids.packages, 'addon', MAR_01, null);
  // The oldest assignment was cancelled: the anchor the old rule read was the next one.
  await assign(ids.cancelled, 'addon', JAN_10, MAR_01);
  await assign(ids.cancelled, 'pro', JAN_20, null);
  await db
    .insertInto(`${tablePrefix}boosts`)
    .values({
      id: randomUUID(),
      tenant_id: ids.boosts,
      feature_key: 'ai.tokens',
      amount: 5,
      expires_at: null,
      created_by: 'system:billing',
      created_at: write(JAN_20),
    })
    .execute();
  return ids;
}

await describeSqlDatabases(
  SQL_DATABASE_NAMES,
  (database) => {
    it('0006 backfills every tenant with the anchor the old rule derived, so no window moves; down and up again', async () => {
      const db = database.db;
      const migrations = migrator(db);
      expect((await migrations.migrateTo('0005_provenance_actor_type')).error).toBeUndefined();
      const ids = await seed0005(db);
      const up = await migrations.migrateToLatest();
      expect(up.error).toBeUndefined();
      // 0006 runs first, then every later migration (the store below reads the latest schema).
      expect(up.results?.[0]).toMatchObject({ migrationName: '0006_billing_cycles', status: 'Success' });
      expect(up.results?.every((r) => r.status === 'Success')).toBe(true);
      const store = kyselyStore(db, { tablePrefix });
      const anchors = async () => Promise.all(Object.values(ids).map(async (id) => (await store.readGrants(id)).cycleAnchor));
      expect(await anchors()).toEqual([JAN_20, JAN_20, JAN_20, undefined]);
      // Cancelling the oldest package no longer moves the anchor.
      await store.cancelPackage({ tenantId: ids.packages, packageKey: 'pro', cancelledBy: 'system:billing', cancelledAt: MAR_01 });
      expect((await store.readGrants(ids.packages)).cycleAnchor).toEqual(JAN_20);

      // Down to 0005 (0006 and every later migration undone), then up again to the latest.
      expect((await migrations.migrateTo('0005_provenance_actor_type')).error).toBeUndefined();
      const tables = (await db.introspection.getTables()).map((t) => t.name);
      expect(tables).not.toContain(`${tablePrefix}billing_cycles`);
      expect(tables.find((t) => t === `${tablePrefix}idempotency_keys`)).toBeDefined();
      expect((await migrations.migrateToLatest()).error).toBeUndefined();
      expect((await store.readGrants(ids.cancelled)).cycleAnchor).toEqual(JAN_20);
    });
  },
  { migrate: false },
);
