import { randomUUID } from 'node:crypto';
import { Migrator } from 'kysely';
import { expect, it } from 'vitest';
import { resolveDialect } from '../../../src/adapters/kysely/dialects/resolve-dialect.js';
import { kyselyStore, tenantryMigrations } from '../../../src/kysely.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';
import type { TestKysely } from '../../support/db-config.js';

const at = new Date('2024-05-01T12:00:00.000Z');
const tablePrefix = 'prov_';

/** A Migrator over tenantry's migrations with their own history table. */
function migrator(db: TestKysely): Migrator {
  return new Migrator({
    db,
    provider: tenantryMigrations({ tablePrefix }),
    migrationTableName: 'prov_migration',
    migrationLockTableName: 'prov_migration_lock',
  });
}

/** Rows as a 0004 schema holds them: provenance is only `created_by`. */
async function seed0004(db: TestKysely) {
  const ts = resolveDialect(db, undefined).writeTimestamp(at);
  const ids = { systemTenant: randomUUID(), spoofTenant: randomUUID(), rawSystem: randomUUID(), rawUser: randomUUID(), upperCase: randomUUID() };
  const tenant = (id: string, createdBy: string) => db.insertInto(`${tablePrefix}tenants`).values({ id, created_by: createdBy, created_at: ts }).execute();
  const member = (tenantId: string, userId: string, createdBy: string, source: string) =>
    db
      .insertInto(`${tablePrefix}memberships`)
      .values({ id: randomUUID(), tenant_id: tenantId, user_id: userId, role: 'owner', created_by: createdBy, created_at: ts, source })
      .execute();
  const creation = (tenantId: string, actorType: string, actorId: string) =>
    db
      .insertInto(`${tablePrefix}audit_log`)
      .values({
        id: randomUUID(),
        tenant_id: tenantId,
        action: 'tenant.create',
        actor_type: actorType,
        actor_id: actorId,
        subject_user_id: null,
        metadata: '{}',
        created_at: ts,
      })
      .execute();

  // Created by systemActor('seed') through tenantry: the audit entry says so.
  await tenant(ids.systemTenant, 'system:seed');
  await member(ids.systemTenant, 'olivia', 'system:seed', 'tenant_create');
  await creation(ids.systemTenant, 'system', 'system:seed');
  // Created by a *user* whose id is "system:seed", who then added a member; the system actor added another.
  await tenant(ids.spoofTenant, 'system:seed');
  await member(ids.spoofTenant, 'system:seed', 'system:seed', 'tenant_create');
  await member(ids.spoofTenant, 'bob', 'system:seed', 'member_add');
  await member(ids.spoofTenant, 'carl', 'system:import', 'system');
  await creation(ids.spoofTenant, 'user', 'system:seed');
  // Written straight through the store, without audit entries: the prefix decides, case-sensitively.
  await tenant(ids.rawSystem, 'system:raw');
  await member(ids.rawSystem, 'dora', 'system:raw', 'tenant_create');
  await tenant(ids.rawUser, 'alice');
  await member(ids.rawUser, 'alice', 'alice', 'tenant_create');
  await member(ids.rawUser, 'erin', 'alice', 'system');
  await tenant(ids.upperCase, 'SYSTEM:raw');
  return ids;
}

await describeSqlDatabases(
  SQL_DATABASE_NAMES,
  (database) => {
    it('0005 backfills created_by_type of rows written under 0004, and new rows keep their type', async () => {
      const db = database.db;
      const migrations = migrator(db);
      expect((await migrations.migrateTo('0004_rate_limits')).error).toBeUndefined();
      const ids = await seed0004(db);
      const up = await migrations.migrateToLatest();
      expect(up.error).toBeUndefined();
      // 0005 runs first, then every later migration (the store below reads the latest schema).
      expect(up.results?.[0]).toMatchObject({ migrationName: '0005_provenance_actor_type', status: 'Success' });
      expect(up.results?.every((r) => r.status === 'Success')).toBe(true);

      const store = kyselyStore(db, { tablePrefix });
      const tenantType = async (id: string) => {
        const found = await store.findTenant(id);
        return [found?.createdByType, found?.createdBy];
      };
      const memberTypes = async (id: string) => (await store.listMembers(id, { limit: 10 })).map((m) => [m.userId, m.createdByType, m.createdBy]);
      expect(await tenantType(ids.systemTenant)).toEqual(['system', 'system:seed']);
      expect(await memberTypes(ids.systemTenant)).toEqual([['olivia', 'system', 'system:seed']]);
      expect(await tenantType(ids.spoofTenant)).toEqual(['user', 'system:seed']);
      expect(await memberTypes(ids.spoofTenant)).toEqual([
        ['bob', 'user', 'system:seed'],
        ['carl', 'system', 'system:import'],
        ['system:seed', 'user', 'system:seed'],
      ]);
      expect(await tenantType(ids.rawSystem)).toEqual(['system', 'system:raw']);
      expect(await memberTypes(ids.rawSystem)).toEqual([['dora', 'system', 'system:raw']]);
      expect(await tenantType(ids.rawUser)).toEqual(['user', 'alice']);
      // Source "system" without the prefix is not a system actor's row.
      expect(await memberTypes(ids.rawUser)).toEqual([
        ['alice', 'user', 'alice'],
        ['erin', 'user', 'alice'],
      ]);
      expect(await tenantType(ids.upperCase)).toEqual(['user', 'SYSTEM:raw']);
      // The audit log is left as it was.
      expect((await store.listAudit(ids.spoofTenant, { limit: 10 })).map((e) => [e.actorType, e.actorId])).toEqual([['user', 'system:seed']]);

      // After the migration the store writes the type itself.
      const fresh = randomUUID();
      await store.createTenant(
        { id: fresh, createdByType: 'system', createdBy: 'system:seed', createdAt: at },
        {
          id: randomUUID(),
          tenantId: fresh,
          userId: 'system:seed',
          role: 'owner',
          createdByType: 'user',
          createdBy: 'system:seed',
          createdAt: at,
          source: 'tenant_create',
        },
      );
      expect(await tenantType(fresh)).toEqual(['system', 'system:seed']);
      expect(await memberTypes(fresh)).toEqual([['system:seed', 'user', 'system:seed']]);

      // Down to 0004 (0005 and every later migration undone) drops the column; up again backfills the same way.
      expect((await migrations.migrateTo('0004_rate_limits')).error).toBeUndefined();
      const columns = (await db.introspection.getTables()).find((t) => t.name === `${tablePrefix}tenants`)?.columns.map((c) => c.name);
      expect(columns).not.toContain('created_by_type');
      expect((await migrations.migrateToLatest()).error).toBeUndefined();
      expect(await tenantType(ids.spoofTenant)).toEqual(['user', 'system:seed']);
      expect(await tenantType(ids.systemTenant)).toEqual(['system', 'system:seed']);
    });
  },
  { migrate: false },
);
