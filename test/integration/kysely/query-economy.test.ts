import { randomUUID } from 'node:crypto';
import type { LogEvent } from 'kysely';
import { expect, it } from 'vitest';
import { kyselyStore } from '../../../src/kysely.js';
import type { NewMembership } from '../../../src/store/records.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';

const at = new Date('2024-05-01T12:00:00.000Z');

function owner(tenantId: string, userId: string): NewMembership {
  return { id: randomUUID(), tenantId, userId, role: 'owner', createdBy: userId, createdAt: at, source: 'tenant_create' };
}

await describeSqlDatabases(SQL_DATABASE_NAMES, (database) => {
  /** A store whose every statement is recorded, on the file's database. */
  function recordedStore() {
    const statements: string[] = [];
    const db = database.connect({
      log: (event: LogEvent) => {
        if (event.level === 'query') statements.push(event.query.sql);
      },
    });
    return { store: kyselyStore(db), statements };
  }

  it('findMembership, findTenant and listMembers are one statement each', async () => {
    const tenantId = `qe-${randomUUID()}`;
    await database.store().createTenant({ id: tenantId, createdBy: 'u', createdAt: at }, owner(tenantId, 'u'));
    const { store, statements } = recordedStore();

    await store.findMembership(tenantId, 'u');
    expect(statements).toHaveLength(1);
    await store.findMembership(tenantId, 'nobody');
    expect(statements).toHaveLength(2);
    await store.findTenant(tenantId);
    expect(statements).toHaveLength(3);
    await store.listMembers(tenantId, { limit: 10, afterUserId: 'a' });
    expect(statements).toHaveLength(4);
  });

  it('listMembershipsOfUser is one statement however many tenants the user belongs to', async () => {
    const userId = `qe-user-${randomUUID()}`;
    const seed = database.store();
    for (let i = 0; i < 25; i += 1) {
      const tenantId = `qe-${String(i).padStart(2, '0')}-${randomUUID()}`;
      await seed.createTenant({ id: tenantId, createdBy: userId, createdAt: at }, owner(tenantId, userId));
    }
    const { store, statements } = recordedStore();
    const memberships = await store.listMembershipsOfUser(userId);
    expect(memberships).toHaveLength(25);
    expect(statements).toHaveLength(1);
  });
});
