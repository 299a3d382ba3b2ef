import { randomUUID } from 'node:crypto';
import { sql, type LogEvent } from 'kysely';
import { expect, it } from 'vitest';
import { isStorageUnavailableError, StorageUnavailableError } from '../../../src/core/errors/index.js';
import { kyselyStore } from '../../../src/kysely.js';
import type { NewMembership, NewTenant } from '../../../src/store/records.js';
import { describeSqlDatabases } from '../../support/databases.js';
import { postgresAdmin } from '../../support/db-postgres.js';

const at = new Date('2024-05-01T12:00:00.000Z');

function tenant(): NewTenant {
  return { id: `kill-${randomUUID()}`, createdByType: 'user', createdBy: 'u', createdAt: at };
}

function membership(tenantId: string, userId: string, role = 'owner'): NewMembership {
  return { id: randomUUID(), tenantId, userId, role, createdByType: 'user', createdBy: 'u', createdAt: at, source: 'member_add' };
}

await describeSqlDatabases(['postgres'], (database) => {
  let databaseName = '';

  /** Terminates every backend of this file's database that sits inside an open transaction. */
  async function terminateOpenTransactions(): Promise<number> {
    if (databaseName === '') databaseName = (await sql<{ name: string }>`select current_database() as name`.execute(database.db)).rows[0]?.name ?? '';
    const result = await postgresAdmin((client) =>
      client.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and state like 'idle in transaction%' and pid <> pg_backend_pid()`,
        [databaseName],
      ),
    );
    return result.rowCount ?? 0;
  }

  it('a backend killed inside transaction() writes nothing and fails with StorageUnavailableError', async () => {
    const store = kyselyStore(database.connect());
    const created = tenant();
    const failure = await store
      .transaction(async (tx) => {
        await tx.createTenant(created, membership(created.id, 'owner'));
        await tx.insertMembership(membership(created.id, 'second', 'member'));
        expect(await terminateOpenTransactions()).toBe(1);
        await tx.insertMembership(membership(created.id, 'third', 'member'));
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as Error).cause).toBeDefined();
    const fresh = database.store();
    expect(await fresh.findTenant(created.id)).toBeUndefined();
    expect(await fresh.listMembers(created.id, { limit: 10 })).toEqual([]);
    // The pool replaced the dead connection: the store still works.
    const next = tenant();
    await store.createTenant(next, membership(next.id, 'owner'));
    expect(await fresh.findTenant(next.id)).toBeDefined();
  });

  /** A store whose backend is killed right after the first statement matching `pattern`. */
  function storeKilledAfter(pattern: RegExp) {
    let armed = true;
    return kyselyStore(
      database.connect({
        log: async (event: LogEvent) => {
          if (event.level === 'query' && armed && pattern.test(event.query.sql)) {
            armed = false;
            await terminateOpenTransactions();
          }
        },
      }),
    );
  }

  it('a backend killed between the two inserts of createTenant leaves no tenant behind', async () => {
    const store = storeKilledAfter(/^insert into "tenantry_tenants"/);
    const created = tenant();
    await expect(store.createTenant(created, membership(created.id, 'owner'))).rejects.toSatisfy(isStorageUnavailableError);
    expect(await database.store().findTenant(created.id)).toBeUndefined();
  });

  it('a backend killed after a guarded write took its lock changes nothing', async () => {
    const setup = database.store();
    const created = tenant();
    await setup.createTenant(created, membership(created.id, 'a'));
    await setup.insertMembership(membership(created.id, 'b'));
    const store = storeKilledAfter(/for no key update$/);
    await expect(store.updateMembershipRole({ tenantId: created.id, userId: 'a', role: 'member', ownerRole: 'owner' })).rejects.toSatisfy(
      isStorageUnavailableError,
    );
    expect((await setup.findMembership(created.id, 'a'))?.role).toBe('owner');
  });

  it('a backend killed in the middle of a consume of several counters writes nothing and frees its idempotency key', async () => {
    const setup = database.store();
    const created = tenant();
    await setup.createTenant(created, membership(created.id, 'a'));
    await setup.syncFeatures([
      { key: 'kill.child', kind: 'limit', parentKey: 'kill.pool' },
      { key: 'kill.pool', kind: 'limit', parentKey: null },
    ]);
    const counters = ['kill.child', 'kill.pool'].map((featureKey) => ({ featureKey, namespace: '', windowStart: at, limit: 10 }));
    const request = { tenantId: created.id, amount: 2, counters, now: at, idempotency: { key: 'k', fingerprint: 'f' } };
    const store = storeKilledAfter(/^insert into "tenantry_usage_counters"/);
    await expect(store.consume(request)).rejects.toSatisfy(isStorageUnavailableError);
    expect(await setup.readCounters(created.id, counters)).toEqual([0, 0]);
    expect((await setup.consume(request)).outcome).toBe('consumed');
  });
});
