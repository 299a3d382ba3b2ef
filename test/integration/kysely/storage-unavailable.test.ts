import Database from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { isStorageUnavailableError, StorageUnavailableError } from '../../../src/core/errors/index.js';
import { kyselyStore } from '../../../src/kysely.js';
import type { TestKysely } from '../../support/db-config.js';

/** Port 1 on loopback: nothing listens there, so connecting is refused at once. */
const CLOSED_PORT = 1;

const instances: TestKysely[] = [];
function track(db: TestKysely): TestKysely {
  instances.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(instances.splice(0).map((db) => db.destroy()));
});

async function expectUnavailable(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StorageUnavailableError);
  expect(isStorageUnavailableError(error)).toBe(true);
  expect((error as Error).cause).toBeDefined();
}

describe('an unreachable backend is StorageUnavailableError with the driver error as cause', () => {
  it('postgres', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: CLOSED_PORT, user: 'nobody', connectionTimeoutMillis: 2000 });
    const store = kyselyStore(track(new Kysely({ dialect: new PostgresDialect({ pool }) })));
    await expectUnavailable(store.findTenant('t'));
    await expectUnavailable(store.updateMembershipRole({ tenantId: 't', userId: 'u', role: 'member', ownerRole: 'owner' }));
    await expectUnavailable(store.transaction(() => Promise.resolve()));
  });

  it('mysql', async () => {
    const pool = createPool({ host: '127.0.0.1', port: CLOSED_PORT, user: 'nobody', connectTimeout: 2000 });
    const store = kyselyStore(track(new Kysely({ dialect: new MysqlDialect({ pool }) })));
    await expectUnavailable(store.findMembership('t', 'u'));
    await expectUnavailable(store.deleteMembership({ tenantId: 't', userId: 'u', ownerRole: 'owner' }));
  });

  it('sqlite, once the connection is closed', async () => {
    const connection = new Database(':memory:');
    const store = kyselyStore(track(new Kysely({ dialect: new SqliteDialect({ database: connection }) })));
    connection.close();
    await expectUnavailable(store.listMembershipsOfUser('u'));
    await expectUnavailable(
      store.insertMembership({
        id: 'm',
        tenantId: 't',
        userId: 'u',
        role: 'owner',
        createdByType: 'user',
        createdBy: 'u',
        createdAt: new Date(),
        source: 'system',
      }),
    );
  });
});
