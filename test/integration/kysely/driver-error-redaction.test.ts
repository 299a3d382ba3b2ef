import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { isStorageUnavailableError } from '../../../src/core/errors/index.js';
import { mysqlDialect } from '../../../src/adapters/kysely/dialects/mysql.js';
import { postgresDialect } from '../../../src/adapters/kysely/dialects/postgres.js';
import type { StoreDialect } from '../../../src/adapters/kysely/dialects/store-dialect.js';
import { storageFailureOf } from '../../../src/adapters/kysely/storage-errors.js';
import { kyselyStore } from '../../../src/kysely.js';
import { defineStore } from '../../../src/store/define-store.js';
import type { ConsumeRequest } from '../../../src/store/entitlement-records.js';
import { STORE_OPERATIONS, type StoreOperations } from '../../../src/store/store-operations.js';
import { describeSqlDatabases } from '../../support/databases.js';

const at = new Date('2024-05-01T12:00:00.000Z');

/**
 * What a store over `dialect` rejects with when its driver throws
 * `driverError`: the Kysely adapter's classification, applied by the real
 * `defineStore` wrapper, on an adapter whose every operation fails that way.
 */
async function storeErrorFor(dialect: StoreDialect, driverError: Error): Promise<unknown> {
  const failing = Object.fromEntries(STORE_OPERATIONS.map((name) => [name, () => Promise.reject(driverError)])) as unknown as StoreOperations;
  const store = defineStore({
    ...failing,
    name: `kysely:${dialect.name}`,
    transaction: () => Promise.reject(driverError),
    classifyError: (error) => storageFailureOf(dialect, error),
  });
  return store.findTenant('t').then(
    () => undefined,
    (error: unknown) => error,
  );
}

/**
 * Every way a host may log the error: `console.error` (`util.inspect`, causes
 * included), `JSON.stringify`, and a serializer that walks every own
 * property, non-enumerable ones (`message`, `stack`, `cause`) included.
 */
function renderings(error: unknown): string[] {
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value !== 'object' || value === null || depth > 10) return value;
    return Object.fromEntries(Object.getOwnPropertyNames(value).map((key) => [key, walk((value as Record<string, unknown>)[key], depth + 1)]));
  };
  return [inspect(error, { depth: 10 }), JSON.stringify(error), JSON.stringify(walk(error, 0))];
}

function expectNoSecret(error: unknown, secret: string): void {
  for (const rendering of renderings(error)) expect(rendering).not.toContain(secret);
}

await describeSqlDatabases(['postgres', 'mysql'], (database) => {
  it('a consume that times out waiting for its idempotency key logs neither the key nor the statement', async () => {
    const secret = `idem-SECRET-${randomUUID()}`;
    const setup = database.store();
    const tenantId = `redact-${randomUUID()}`;
    await setup.createTenant(
      { id: tenantId, createdBy: 'u', createdByType: 'user', createdAt: at },
      { id: randomUUID(), tenantId, userId: 'u', role: 'owner', createdBy: 'u', createdByType: 'user', createdAt: at, source: 'system' },
    );
    await setup.syncFeatures([{ key: 'redact.calls', kind: 'limit', parentKey: null }]);
    const request: ConsumeRequest = {
      tenantId,
      amount: 1,
      counters: [{ featureKey: 'redact.calls', namespace: '', windowStart: at, limit: 10 }],
      now: at,
      idempotency: { key: secret, fingerprint: 'f' },
    };
    // A first consume claims the key and holds it in its open transaction ...
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimed!: () => void;
    const claim = new Promise<void>((resolve) => (claimed = resolve));
    const holder = kyselyStore(database.connect({ maxConnections: 1 })).transaction(async (tx) => {
      await tx.consume(request);
      claimed();
      await held;
      throw new Error('roll back');
    });
    await claim;
    // ... so a second one waits on that key until its session's lock timeout.
    const failure = await database
      .connect({ maxConnections: 1 })
      .connection()
      .execute(async (connection) => {
        await (database.dialect === 'mysql' ? sql`set session innodb_lock_wait_timeout = 1` : sql`set lock_timeout = '50ms'`).execute(connection);
        return kyselyStore(connection)
          .consume(request)
          .then(
            () => undefined,
            (error: unknown) => error,
          );
      });
    release();
    await expect(holder).rejects.toThrow('roll back');
    expect(isStorageUnavailableError(failure) && failure.reason).toBe('timeout');
    expectNoSecret(failure, secret);
    // What the cause keeps: the driver's identifying fields and message.
    expect((failure as Error).cause).toMatchObject(
      database.dialect === 'mysql'
        ? {
            name: 'DriverErrorCause',
            errno: 1205,
            code: 'ER_LOCK_WAIT_TIMEOUT',
            sqlState: 'HY000',
            message: 'Lock wait timeout exceeded; try restarting transaction',
          }
        : { name: 'DriverErrorCause', code: '55P03', severity: 'ERROR', message: 'canceling statement due to lock timeout' },
    );
  });
});

describe('the kept cause of StorageUnavailableError', () => {
  const secret = 'idem-SECRET-0123';

  it('drops mysql2 statement text and sqlMessage, and redacts quoted values in the message', async () => {
    const driverError = Object.assign(new Error(`Deadlock found near '${secret}'`), {
      code: 'ER_LOCK_DEADLOCK',
      errno: 1213,
      sqlState: '40001',
      sqlMessage: `Deadlock found near '${secret}'`,
      sql: `insert into tenantry_idempotency_keys values ('t', '${secret}')`,
    });
    const error = await storeErrorFor(mysqlDialect, driverError);
    expect(isStorageUnavailableError(error) && error.reason).toBe('deadlock');
    expectNoSecret(error, secret);
    expect((error as Error).cause).toMatchObject({ code: 'ER_LOCK_DEADLOCK', errno: 1213, sqlState: '40001', message: "Deadlock found near '[redacted]'" });
  });

  it("drops PostgreSQL's detail, where, internalQuery and the driver error's own cause", async () => {
    const driverError = Object.assign(new Error('deadlock detected'), {
      severity: 'ERROR',
      code: '40P01',
      detail: `Key (idempotency_key)=(${secret}) is locked`,
      where: `SQL statement "insert ... values ('${secret}')"`,
      internalQuery: `select '${secret}'`,
      cause: new Error(secret),
    });
    const error = await storeErrorFor(postgresDialect, driverError);
    expect(isStorageUnavailableError(error) && error.reason).toBe('deadlock');
    expectNoSecret(error, secret);
    expect((error as Error).cause).toMatchObject({ code: '40P01', severity: 'ERROR', message: 'deadlock detected' });
  });

  it('keeps the stack frames of the driver error, under its redacted message', async () => {
    const driverError = Object.assign(new Error(`lost '${secret}'`), { code: 'ECONNRESET' });
    const cause = ((await storeErrorFor(postgresDialect, driverError)) as Error).cause as Error;
    expect(cause.stack?.split('\n')[0]).toBe("DriverErrorCause: lost '[redacted]'");
    expect(cause.stack?.split('\n').slice(1)).toEqual(driverError.stack?.split('\n').filter((line) => line.startsWith('    at ')));
  });
});
