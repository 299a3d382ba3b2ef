import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { isStorageUnavailableError } from '../../../src/core/errors/index.js';
import { kyselyStore, migrateToLatest } from '../../../src/kysely.js';
import type { NewMembership, NewTenant } from '../../../src/store/records.js';
import { describeSqlDatabases } from '../../support/databases.js';
import { postgresAdmin } from '../../support/db-postgres.js';

const at = new Date('2024-05-01T12:00:00.000Z');

function tenant(): NewTenant {
  return { id: `prep-${randomUUID()}`, createdByType: 'user', createdBy: 'u', createdAt: at };
}

function owner(tenantId: string, userId: string): NewMembership {
  return { id: randomUUID(), tenantId, userId, role: 'owner', createdByType: 'user', createdBy: userId, createdAt: at, source: 'tenant_create' };
}

/**
 * The membership lookup behind every cold access decision is a named
 * prepared statement on PostgreSQL (`pg`): parsed and planned once per
 * connection, then only bound and executed. These tests look at the
 * server's own list of the session's prepared statements, on a pool of one
 * connection so that every statement runs on the same session.
 */
await describeSqlDatabases(['postgres'], (database) => {
  const prepared = (db: ReturnType<typeof database.connect>) =>
    sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db).then((result) => result.rows);

  it('is prepared once per connection and reused, with the same answers as an unprepared store', async () => {
    const created = tenant();
    await database.store().createTenant(created, owner(created.id, 'alice'));
    const db = database.connect({ maxConnections: 1 });
    const store = kyselyStore(db);
    const plain = kyselyStore(database.connect({ maxConnections: 1 }), { preparedStatements: false });
    try {
      for (let i = 0; i < 3; i += 1) {
        expect(await store.findActiveMembership(created.id, 'alice')).toEqual(await plain.findActiveMembership(created.id, 'alice'));
        expect(await store.findActiveMembership(created.id, 'nobody')).toBeUndefined();
      }
      const statements = await prepared(db);
      expect(statements).toHaveLength(1);
      expect(statements[0]!.name).toBe('tenantry_active_membership_tenantry_memberships');
      expect(statements[0]!.statement).toMatch(/^select .* from "tenantry_memberships" where "tenant_id" = \$1/s);
      // Archived tenants still answer "no membership" through the prepared statement.
      await database.store().updateTenant({ tenantId: created.id, archivedAt: at });
      expect(await store.findActiveMembership(created.id, 'alice')).toBeUndefined();
    } finally {
      await db.destroy();
    }
  });

  it('preparedStatements: false sends the same statement unnamed', async () => {
    const created = tenant();
    await database.store().createTenant(created, owner(created.id, 'alice'));
    const db = database.connect({ maxConnections: 1 });
    try {
      const store = kyselyStore(db, { preparedStatements: false });
      expect((await store.findActiveMembership(created.id, 'alice'))?.role).toBe('owner');
      expect(await prepared(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('stores with different table prefixes on one connection prepare different statements', async () => {
    const db = database.connect({ maxConnections: 1 });
    try {
      await migrateToLatest(db, { tablePrefix: 'prep_' });
      const created = tenant();
      await kyselyStore(db).createTenant(created, owner(created.id, 'alice'));
      const other = tenant();
      await kyselyStore(db, { tablePrefix: 'prep_' }).createTenant(other, owner(other.id, 'bob'));
      expect((await kyselyStore(db).findActiveMembership(created.id, 'alice'))?.userId).toBe('alice');
      expect((await kyselyStore(db, { tablePrefix: 'prep_' }).findActiveMembership(other.id, 'bob'))?.userId).toBe('bob');
      expect(await kyselyStore(db, { tablePrefix: 'prep_' }).findActiveMembership(created.id, 'alice')).toBeUndefined();
      expect((await prepared(db)).map((row) => row.name).sort()).toEqual([
        'tenantry_active_membership_prep_memberships',
        'tenantry_active_membership_tenantry_memberships',
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('is prepared again on a new connection after the old one was lost', async () => {
    const created = tenant();
    await database.store().createTenant(created, owner(created.id, 'alice'));
    const db = database.connect({ maxConnections: 1 });
    try {
      const store = kyselyStore(db);
      expect(await store.findActiveMembership(created.id, 'alice')).toBeDefined();
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
      await postgresAdmin((client) => client.query('select pg_terminate_backend($1)', [pid]));
      // pg forgets what it prepared on the dead connection, so the new session gets a Parse again instead of an unknown name.
      expect((await store.findActiveMembership(created.id, 'alice'))?.role).toBe('owner');
      expect((await prepared(db)).map((row) => row.name)).toEqual(['tenantry_active_membership_tenantry_memberships']);
    } finally {
      await db.destroy();
    }
  });

  it('fails with StorageUnavailableError through the store classification, like every other operation', async () => {
    const created = tenant();
    await database.store().createTenant(created, owner(created.id, 'alice'));
    const db = database.connect({ maxConnections: 1 });
    const store = kyselyStore(db);
    expect(await store.findActiveMembership(created.id, 'alice')).toBeDefined();
    await db.destroy();
    await expect(store.findActiveMembership(created.id, 'alice')).rejects.toSatisfy(isStorageUnavailableError);
  });
});
