import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { expect, it } from 'vitest';
import { isStorageUnavailableError, StorageUnavailableError } from '../../../src/core/errors/index.js';
import { kyselyStore } from '../../../src/kysely.js';
import type { RateLimitHit } from '../../../src/store/rate-limit-operations.js';
import type { Store } from '../../../src/store/store.js';
import type { TestKysely } from '../../support/db-config.js';
import { describeSqlDatabases, type SqlTestDatabase } from '../../support/databases.js';

const at = new Date('2024-05-01T12:00:00.000Z');

function rateLimitHit(): RateLimitHit {
  return { key: `timeout:${randomUUID()}`, windowStart: at, expiresAt: new Date(at.getTime() + 60_000), limit: 5, cost: 1 };
}

/**
 * Runs `work` while another connection holds `lock` (a locking select) in
 * an open transaction, with a store bound to one connection on which
 * `settings` ran first (a session's short timeout).
 */
async function whileLocked(
  database: SqlTestDatabase,
  lock: RawBuilder<unknown>,
  settings: readonly RawBuilder<unknown>[],
  work: (store: Store) => Promise<void>,
) {
  const holder: TestKysely = database.connect({ maxConnections: 1 });
  await holder.connection().execute(async (connection) => {
    await sql.raw(database.dialect === 'mysql' ? 'start transaction' : 'begin').execute(connection);
    try {
      await lock.execute(connection);
      await database
        .connect({ maxConnections: 1 })
        .connection()
        .execute(async (waiter) => {
          for (const setting of settings) await setting.execute(waiter);
          await work(kyselyStore(waiter));
        });
    } finally {
      await sql`rollback`.execute(connection);
    }
  });
}

/** Asserts a `StorageUnavailableError` with reason `timeout` whose sanitized cause keeps the driver's `code`. */
async function expectTimeout(promise: Promise<unknown>, code: string | number): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StorageUnavailableError);
  expect(isStorageUnavailableError(error) && error.reason).toBe('timeout');
  const cause = (error as Error).cause as { code?: unknown; errno?: unknown };
  // PostgreSQL's SQLSTATE is `code`; MySQL/MariaDB's error number is `errno`.
  expect(typeof code === 'number' ? cause.errno : cause.code).toBe(code);
}

/** A rate-limit window with one hit, and the select that locks its row. */
async function lockedWindow(db: SqlTestDatabase) {
  const hit = rateLimitHit();
  await db.store().hitRateLimit(hit);
  const lock = sql`select hits from tenantry_rate_limits where limiter_key = ${hit.key} for update`;
  return { hit, lock };
}

/** A tenant with two owners, and the select that locks its row. */
async function lockedTenant(db: SqlTestDatabase) {
  const tenantId = `timeout-${randomUUID()}`;
  const owner = (userId: string) => ({
    id: randomUUID(),
    tenantId,
    userId,
    role: 'owner',
    createdBy: 'u',
    createdByType: 'user' as const,
    createdAt: at,
    source: 'system' as const,
  });
  await db.store().createTenant({ id: tenantId, createdBy: 'u', createdByType: 'user', createdAt: at }, owner('a'));
  await db.store().insertMembership(owner('b'));
  return { tenantId, lock: sql`select id from tenantry_tenants where id = ${tenantId} for update` };
}

await describeSqlDatabases(['postgres'], (db) => {
  it('a lock wait past lock_timeout (55P03) is StorageUnavailableError with reason timeout, and nothing is written', async () => {
    const { hit, lock } = await lockedWindow(db);
    await whileLocked(db, lock, [sql`set lock_timeout = '50ms'`], async (store) => {
      await expectTimeout(store.hitRateLimit(hit), '55P03');
      await expectTimeout(
        store.transaction((tx) => tx.hitRateLimit(hit)),
        '55P03',
      );
    });
    expect(await db.store().hitRateLimit({ ...hit, cost: hit.limit + 1 })).toEqual({ allowed: false, count: 1 });
  });

  it('a statement past statement_timeout (57014) is StorageUnavailableError with reason timeout, and nothing is written', async () => {
    const { tenantId, lock } = await lockedTenant(db);
    await whileLocked(db, lock, [sql`set statement_timeout = '100ms'`], async (store) => {
      await expectTimeout(store.updateMembershipRole({ tenantId, userId: 'a', role: 'member', ownerRole: 'owner' }), '57014');
    });
    expect((await db.store().findMembership(tenantId, 'a'))?.role).toBe('owner');
  });
});

await describeSqlDatabases(['mysql'], (db) => {
  it('a lock wait past innodb_lock_wait_timeout (1205) is StorageUnavailableError with reason timeout, and nothing is written', async () => {
    const { hit, lock } = await lockedWindow(db);
    const { tenantId, lock: tenantLock } = await lockedTenant(db);
    // One second is InnoDB's shortest lock wait timeout.
    await whileLocked(db, lock, [sql`set session innodb_lock_wait_timeout = 1`], async (store) => {
      await expectTimeout(store.hitRateLimit(hit), 1205);
    });
    await whileLocked(db, tenantLock, [sql`set session innodb_lock_wait_timeout = 1`], async (store) => {
      await expectTimeout(store.updateMembershipRole({ tenantId, userId: 'a', role: 'member', ownerRole: 'owner' }), 1205);
    });
    expect(await db.store().hitRateLimit({ ...hit, cost: hit.limit + 1 })).toEqual({ allowed: false, count: 1 });
    expect((await db.store().findMembership(tenantId, 'a'))?.role).toBe('owner');
  });

  it("a statement past MariaDB's max_statement_time (1969) is StorageUnavailableError with reason timeout", async () => {
    const { hit, lock } = await lockedWindow(db);
    await whileLocked(db, lock, [sql`set session max_statement_time = 0.1`], async (store) => {
      await expectTimeout(store.hitRateLimit(hit), 1969);
    });
    expect(await db.store().hitRateLimit({ ...hit, cost: hit.limit + 1 })).toEqual({ allowed: false, count: 1 });
  });
});
