import { randomUUID } from 'node:crypto';
import type { LogEvent } from 'kysely';
import { expect, it } from 'vitest';
import { kyselyStore } from '../../../src/kysely.js';
import type { NewMembership } from '../../../src/store/records.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';

const at = new Date('2024-05-01T12:00:00.000Z');

function owner(tenantId: string, userId: string): NewMembership {
  return { id: randomUUID(), tenantId, userId, role: 'owner', createdByType: 'user', createdBy: userId, createdAt: at, source: 'tenant_create' };
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

  it('findMembership, findActiveMembership, findTenant and listMembers are one statement each', async () => {
    const tenantId = `qe-${randomUUID()}`;
    await database.store().createTenant({ id: tenantId, createdByType: 'user', createdBy: 'u', createdAt: at }, owner(tenantId, 'u'));
    const { store, statements } = recordedStore();

    await store.findMembership(tenantId, 'u');
    expect(statements).toHaveLength(1);
    await store.findMembership(tenantId, 'nobody');
    expect(statements).toHaveLength(2);
    await store.findTenant(tenantId);
    expect(statements).toHaveLength(3);
    await store.listMembers(tenantId, { limit: 10, afterUserId: 'a' });
    expect(statements).toHaveLength(4);
    // The lookup behind every access decision, archived tenants included.
    expect(await store.findActiveMembership(tenantId, 'u')).toBeDefined();
    expect(statements).toHaveLength(5);
  });

  it('a consume of one counter without an idempotency key is one statement on PostgreSQL and MySQL', async () => {
    const tenantId = `qe-${randomUUID()}`;
    const seed = database.store();
    await seed.createTenant({ id: tenantId, createdByType: 'user', createdBy: 'u', createdAt: at }, owner(tenantId, 'u'));
    await seed.syncFeatures([{ key: 'qe.calls', kind: 'limit', parentKey: null }]);
    const { store, statements } = recordedStore();
    const counter = { featureKey: 'qe.calls', namespace: '', windowStart: at, limit: 2 };
    const consume = () => store.consume({ tenantId, amount: 1, counters: [counter], now: at });
    expect((await consume()).outcome).toBe('consumed');
    expect((await consume()).outcome).toBe('consumed');
    const writes = statements.filter((statement) => statement.includes('tenantry_usage_counters'));
    expect(writes).toHaveLength(2);
    // SQLite waits for its write lock in an immediate transaction (begin, commit, busy_timeout pragmas).
    if (database.dialect !== 'sqlite') expect(statements).toHaveLength(2);
    expect(writes[0]).toMatch(
      database.dialect === 'mysql'
        ? /^insert into .*\son duplicate key update used = if\(used \+ \? <= \?/s
        : /^insert into .*\son conflict .* do update set used = .* where .*\sreturning used$/s,
    );
    // A refusal is the slow path: a transaction that reads the refusing value under the row lock.
    expect(await consume()).toEqual({ outcome: 'exceeded', index: 0, used: 2 });
  });

  it('a consume of two counters with an idempotency key is one transaction of four statements', async () => {
    const tenantId = `qe-${randomUUID()}`;
    const seed = database.store();
    await seed.createTenant({ id: tenantId, createdByType: 'user', createdBy: 'u', createdAt: at }, owner(tenantId, 'u'));
    await seed.syncFeatures([
      { key: 'qe.child', kind: 'limit', parentKey: 'qe.pool' },
      { key: 'qe.pool', kind: 'limit', parentKey: null },
    ]);
    const { store, statements } = recordedStore();
    const counters = [
      { featureKey: 'qe.child', namespace: '', windowStart: at, limit: 10 },
      { featureKey: 'qe.pool', namespace: '', windowStart: at, limit: 10 },
    ];
    await store.consume({ tenantId, amount: 1, counters, now: at, idempotency: { key: 'k', fingerprint: 'f' } });
    // Claim the key, one guarded write per counter, record the result.
    const inTransaction = statements.filter((statement) => !/^(begin|start transaction|commit|pragma)/.test(statement));
    expect(inTransaction).toHaveLength(4);
    expect(statements.filter((statement) => /^(begin|start transaction)/.test(statement))).toHaveLength(1);
  });

  it('listMembershipsOfUser is one statement however many tenants the user belongs to', async () => {
    const userId = `qe-user-${randomUUID()}`;
    const seed = database.store();
    for (let i = 0; i < 25; i += 1) {
      const tenantId = `qe-${String(i).padStart(2, '0')}-${randomUUID()}`;
      await seed.createTenant({ id: tenantId, createdByType: 'user', createdBy: userId, createdAt: at }, owner(tenantId, userId));
    }
    const { store, statements } = recordedStore();
    const memberships = await store.listMembershipsOfUser(userId);
    expect(memberships).toHaveLength(25);
    expect(statements).toHaveLength(1);
  });

  it('listActiveMembershipsOfUser is one statement however many tenants, archived ones left out', async () => {
    const userId = `qe-user-${randomUUID()}`;
    const seed = database.store();
    const tenantIds: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const tenantId = `qe-${String(i).padStart(2, '0')}-${randomUUID()}`;
      await seed.createTenant({ id: tenantId, createdByType: 'user', createdBy: userId, createdAt: at }, owner(tenantId, userId));
      tenantIds.push(tenantId);
    }
    for (const tenantId of tenantIds.slice(0, 5)) await seed.updateTenant({ tenantId, archivedAt: at });
    const { store, statements } = recordedStore();
    const memberships = await store.listActiveMembershipsOfUser(userId);
    expect(memberships.map((m) => m.tenantId)).toEqual(tenantIds.slice(5));
    expect(statements).toHaveLength(1);
  });
});

await describeSqlDatabases(SQL_DATABASE_NAMES, (database) => {
  /**
   * Statements of one `consumeGranted` outside a transaction, as the store
   * sends them: PostgreSQL calls the 0012 function (one statement, keyed or
   * not, whatever the number of levels); MySQL/MariaDB and SQLite run one
   * transaction that reads the grants and writes each level.
   */
  const EXPECTED: Readonly<Record<string, { readonly one: number; readonly pool: number }>> = {
    postgres: { one: 1, pool: 1 },
    // start transaction, the grants (one union), 1 upsert, commit / the grants, claim, 3 upserts, record, commit.
    mysql: { one: 4, pool: 8 },
    // The same, inside begin immediate with its three busy-timeout pragmas (and one read of the setting).
    sqlite: { one: 7, pool: 11 },
  };

  it('consumeGranted: one statement on PostgreSQL, one transaction elsewhere', async () => {
    const tenantId = `qe-${randomUUID()}`;
    const seed = database.store();
    await seed.createTenant({ id: tenantId, createdByType: 'user', createdBy: 'u', createdAt: at }, owner(tenantId, 'u'));
    await seed.syncFeatures([
      { key: 'qe.child', kind: 'limit', parentKey: 'qe.pool' },
      { key: 'qe.pool', kind: 'limit', parentKey: null },
    ]);
    await seed.assignPackage({
      id: randomUUID(),
      tenantId,
      packageKey: 'qe.plan',
      assignedBy: 'system:b',
      assignedAt: at,
      cancelledBy: null,
      cancelledAt: null,
    });
    await seed.setCycleAnchor({ tenantId, anchor: at });
    const statements: string[] = [];
    const store = kyselyStore(
      database.connect({
        log: (event: LogEvent) => {
          if (event.level === 'query') statements.push(event.query.sql);
        },
      }),
    );
    const level = (featureKey: string, limit: number, namespace = '') => ({
      featureKey,
      namespace,
      windowStart: at,
      packageGrants: [{ packageKey: 'qe.plan', limit }],
    });
    const catalog = { packageKeys: ['qe.plan'], featureKeys: ['qe.child', 'qe.pool'] };
    const one = await store.consumeGranted({ tenantId, amount: 1, levels: [level('qe.pool', 5)], catalog, cycleAnchor: null, now: at });
    expect(one).toMatchObject({ outcome: 'anchor_moved' });
    statements.length = 0;
    const consumed = await store.consumeGranted({ tenantId, amount: 1, levels: [level('qe.pool', 5)], catalog, now: at });
    expect(consumed).toMatchObject({ outcome: 'consumed', counters: [{ before: 0, after: 1 }], levels: [{ enabled: true, limit: 5 }] });
    const expected = EXPECTED[database.dialect];
    expect(statements).toHaveLength(expected?.one ?? -1);
    statements.length = 0;
    const pool = await store.consumeGranted({
      tenantId,
      amount: 2,
      levels: [level('qe.child', 3), level('qe.child', 3, 'team'), level('qe.pool', 5)],
      catalog,
      idempotency: { key: 'qe-key', fingerprint: 'fp' },
      now: at,
    });
    expect(pool).toMatchObject({ outcome: 'consumed', levels: [{ limit: 3 }, { limit: 'unlimited' }, { limit: 5 }] });
    expect(statements).toHaveLength(expected?.pool ?? -1);
    statements.length = 0;
    // A refusal is the same single statement on PostgreSQL: the function rolls its own writes back.
    expect(await store.consumeGranted({ tenantId, amount: 5, levels: [level('qe.pool', 5)], catalog, now: at })).toMatchObject({
      outcome: 'exceeded',
      index: 0,
      used: 3,
    });
    if (database.dialect === 'postgres') expect(statements).toHaveLength(1);
  });
});
