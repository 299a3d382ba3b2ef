import { randomUUID } from 'node:crypto';
import { CamelCasePlugin, Migrator, NO_MIGRATIONS, sql, type Migration } from 'kysely';
import { expect, it } from 'vitest';
import { isConfigurationError } from '../../../src/core/errors/index.js';
import { kyselyStore, migrateToLatest, tenantryMigrations } from '../../../src/kysely.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES, type SqlTestDatabase } from '../../support/databases.js';
import type { TestKysely } from '../../support/db-config.js';

const at = new Date('2024-05-01T12:00:00.000Z');

/** Every migration tenantry ships, in order. */
// prettier-ignore
const MIGRATIONS = [
  '0001_tenants_and_memberships',
  '0002_audit_log',
  '0003_entitlements',
  '0004_rate_limits',
  '0005_provenance_actor_type',
  '0006_billing_cycles',
  '0007_tenant_lifecycle',
  '0008_invitations',
  '0009_two_factor',
  '0010_webhooks',
  '0011_idempotent_responses',
  '0012_consume_function',
  '0013_quota_leases',
  '0014_tenant_roles',
];

/** Every table they create, without the prefix. */
const TABLES = [
  'audit_log',
  'billing_cycles',
  'boosts',
  'features',
  'idempotency_keys',
  'invitations',
  'memberships',
  'namespace_limits',
  'package_assignments',
  'quota_leases',
  'rate_limits',
  'recovery_codes',
  'tenant_roles',
  'tenants',
  'two_factor',
  'usage_alerts',
  'usage_counters',
  'webhook_attempts',
  'webhook_deliveries',
  'webhook_endpoints',
];

async function tableNames(db: TestKysely): Promise<string[]> {
  return (await db.introspection.getTables()).map((table) => table.name).sort();
}

async function createAndFind(database: SqlTestDatabase, tablePrefix: string): Promise<void> {
  const store = kyselyStore(database.db, { tablePrefix });
  const id = `mig-${randomUUID()}`;
  await store.createTenant(
    { id, createdByType: 'user', createdBy: 'u', createdAt: at },
    { id: randomUUID(), tenantId: id, userId: 'u', role: 'owner', createdByType: 'user', createdBy: 'u', createdAt: at, source: 'tenant_create' },
  );
  expect((await store.findTenant(id))?.id).toBe(id);
}

await describeSqlDatabases(
  SQL_DATABASE_NAMES,
  (database) => {
    it('migrateToLatest creates the schema once; running it again is a no-op', async () => {
      const first = await migrateToLatest(database.db);
      expect(first.map((r) => [r.migrationName, r.status])).toEqual(MIGRATIONS.map((name) => [name, 'Success']));
      expect(await migrateToLatest(database.db)).toEqual([]);
      expect(await tableNames(database.db)).toEqual([...TABLES.map((table) => `tenantry_${table}`), 'tenantry_migration', 'tenantry_migration_lock'].sort());
      await createAndFind(database, 'tenantry_');
    });

    it('tablePrefix gives a separate set of tables, tracked separately', async () => {
      await migrateToLatest(database.db, { tablePrefix: 'acme_' });
      const tables = await tableNames(database.db);
      expect(tables).toEqual(expect.arrayContaining(['acme_memberships', 'acme_migration', 'acme_migration_lock', 'acme_tenants']));
      await createAndFind(database, 'acme_');
      // Tenants written with one prefix are invisible through the other.
      const acme = kyselyStore(database.db, { tablePrefix: 'acme_' });
      const id = `only-default-${randomUUID()}`;
      await kyselyStore(database.db).createTenant(
        { id, createdByType: 'user', createdBy: 'u', createdAt: at },
        { id: randomUUID(), tenantId: id, userId: 'u', role: 'owner', createdByType: 'user', createdBy: 'u', createdAt: at, source: 'tenant_create' },
      );
      expect(await acme.findTenant(id)).toBeUndefined();
      expect(await acme.listMembershipsOfUser('u')).toHaveLength(1);
    });

    it('tenantryMigrations merges into a host Migrator, and its down migration drops the tables', async () => {
      const host: Record<string, Migration> = {
        '2024_01_01_host_table': {
          up: async (db) => {
            await db.schema
              .createTable('host_things')
              .addColumn('id', 'integer', (col) => col.primaryKey())
              .execute();
          },
          down: async (db) => {
            await db.schema.dropTable('host_things').execute();
          },
        },
      };
      const ours = tenantryMigrations({ tablePrefix: 'merged_' });
      const migrator = new Migrator({
        db: database.db,
        migrationTableName: 'host_migration',
        migrationLockTableName: 'host_migration_lock',
        allowUnorderedMigrations: true,
        provider: { getMigrations: async () => ({ ...host, ...(await ours.getMigrations()) }) },
      });
      const up = await migrator.migrateToLatest();
      expect(up.error).toBeUndefined();
      expect(up.results?.map((r) => r.migrationName).sort()).toEqual([...MIGRATIONS, '2024_01_01_host_table']);
      await createAndFind(database, 'merged_');
      const down = await migrator.migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      const tables = await tableNames(database.db);
      for (const table of TABLES) expect(tables).not.toContain(`merged_${table}`);
      expect(tables).not.toContain('host_things');
    });

    it('the longest table prefix keeps every identifier whole, within PostgreSQL and MySQL limits', async () => {
      const tablePrefix = `${'p'.repeat(29)}_`;
      await migrateToLatest(database.db, { tablePrefix });
      await createAndFind(database, tablePrefix);
      if (database.dialect !== 'sqlite') {
        // PostgreSQL would silently truncate a name over 63 characters; MySQL refuses one over 64.
        const { rows } = await sql<{
          name: string;
        }>`select constraint_name as name from information_schema.table_constraints where constraint_name like ${`${tablePrefix}%`}`.execute(database.db);
        expect(rows.map((row) => row.name)).toEqual(
          expect.arrayContaining([`${tablePrefix}package_assignments_tenant_fkey`, `${tablePrefix}namespace_limits_feature_fkey`]),
        );
      }
    });

    it("ignores the host instance's plugins, in the migrations and in the store", async () => {
      const camel = database.db.withPlugin(new CamelCasePlugin());
      await migrateToLatest(camel, { tablePrefix: 'camel_' });
      const columns = (await database.db.introspection.getTables()).find((t) => t.name === 'camel_memberships')?.columns.map((c) => c.name);
      expect(columns).toEqual(expect.arrayContaining(['tenant_id', 'user_id', 'created_at']));
      const store = kyselyStore(camel, { tablePrefix: 'camel_' });
      const id = `camel-${randomUUID()}`;
      await store.createTenant(
        { id, createdByType: 'user', createdBy: 'u', createdAt: at },
        { id: randomUUID(), tenantId: id, userId: 'u', role: 'owner', createdByType: 'user', createdBy: 'u', createdAt: at, source: 'tenant_create' },
      );
      expect((await store.findMembership(id, 'u'))?.tenantId).toBe(id);
    });

    it('rejects invalid options with ConfigurationError before touching the database', async () => {
      for (const options of [
        { tablePrefix: 'Acme_' },
        { tablePrefix: 'a-b' },
        { tablePrefix: 'x'.repeat(31) },
        { dialect: 'oracle' },
        { migrationTableName: '' },
        { unknown: true },
      ]) {
        await expect(migrateToLatest(database.db, options as never)).rejects.toSatisfy(isConfigurationError);
      }
      const { rows } = await sql<{ n: number }>`select 1 as n`.execute(database.db);
      expect(rows).toHaveLength(1);
    });
  },
  { migrate: false },
);
