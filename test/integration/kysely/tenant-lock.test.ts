import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { storeConformanceCases } from 'tenantry/testing';
import { KyselyAdapter, kyselyStore } from '../../../src/kysely.js';
import { defineStore } from '../../../src/store/define-store.js';
import type { NewMembership } from '../../../src/store/records.js';
import type { StoreAdapter } from '../../../src/store/store-adapter.js';
import { STORE_OPERATIONS, type StoreOperations } from '../../../src/store/store-operations.js';
import type { Store } from '../../../src/store/store.js';
import type { TestKysely } from '../../support/db-config.js';
import { describeSqlDatabases, type SqlTestDatabase } from '../../support/databases.js';

const at = new Date('2024-05-01T12:00:00.000Z');
const INTERLEAVING = 'a transaction locking a tenant holds off another one on the same tenant until it ends: the member it read cannot be removed under it';
const MISSING = 'a transaction locking a missing tenant throws NotFoundError before work runs, and writes nothing';

function conformanceCase(name: string) {
  const found = storeConformanceCases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no conformance case "${name}"`);
  return found;
}

function membership(tenantId: string, userId: string, role: string): NewMembership {
  return { id: randomUUID(), tenantId, userId, role, createdByType: 'user', createdBy: 'u', createdAt: at, source: 'system' };
}

/**
 * The Kysely adapter over `db` with its transactions ignoring `tenantId`:
 * the bug the tenant lock fixes (no lock on open, no existence check).
 */
function ignoringTenantId(db: TestKysely): Store {
  const adapter = new KyselyAdapter(db);
  const operations = Object.fromEntries(
    STORE_OPERATIONS.map((name) => [name, (...args: unknown[]) => (adapter[name] as (...a: unknown[]) => Promise<unknown>).apply(adapter, args)]),
  ) as unknown as StoreOperations;
  const broken: StoreAdapter = {
    ...operations,
    name: adapter.name,
    transaction: (work) => adapter.transaction(work, {}),
    classifyError: (error) => adapter.classifyError(error),
  };
  return defineStore(broken);
}

/** Opens a few pooled connections, so that a transaction started later does not wait for a connect. */
async function warmUp(store: Store): Promise<void> {
  await Promise.all(Array.from({ length: 3 }, () => store.transaction((tx) => tx.findTenant('warm-up'))));
}

/**
 * How many sessions of this test file's database the server reports as
 * blocked on a lock: PostgreSQL's `wait_event_type`; on MariaDB/MySQL, whose
 * `innodb_trx` does not list a transaction blocked in the optimizer's
 * primary-key read, the sessions still executing the tenant lock's
 * `SELECT ... FOR UPDATE`.
 */
async function lockWaits(database: SqlTestDatabase): Promise<number> {
  const query =
    database.dialect === 'postgres'
      ? sql<{ waiting: number | string }>`select count(*) as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`
      : sql<{
          waiting: number | string;
        }>`select count(*) as waiting from information_schema.processlist where db = database() and command = 'Query' and info like 'select \`id\` from \`tenantry_tenants\`%for update'`;
  const { rows } = await query.execute(database.db);
  return Number(rows[0]?.waiting ?? 0);
}

/** Polls `condition` (a server-side state, which no barrier can signal) until it holds, at most ~10 s. */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the condition never held');
}

await describeSqlDatabases(['postgres', 'mysql'], (database) => {
  it('the tenant-lock conformance cases fail on a Kysely adapter whose transactions ignore tenantId', async () => {
    const broken = ignoringTenantId(database.db);
    await warmUp(broken);
    await expect(conformanceCase(INTERLEAVING).run({ store: broken })).rejects.toBeInstanceOf(assert.AssertionError);
    await expect(conformanceCase(MISSING).run({ store: broken })).rejects.toBeInstanceOf(assert.AssertionError);
  });

  it('a second transaction locking the tenant waits on the tenant row, as the server reports, until the first ends', async () => {
    const store = kyselyStore(database.db);
    const tenantId = `lock-${randomUUID()}`;
    await store.createTenant({ id: tenantId, createdByType: 'user', createdBy: 'u', createdAt: at }, membership(tenantId, 'owner', 'owner'));
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    let opened!: () => void;
    const firstOpened = new Promise<void>((resolve) => (opened = resolve));
    const first = store.transaction(
      async (tx) => {
        opened();
        await resumed;
        await tx.insertMembership(membership(tenantId, 'first', 'member'));
      },
      { tenantId },
    );
    await firstOpened;
    const before = await lockWaits(database);
    let secondRan = false;
    const second = store.transaction(
      async (tx) => {
        secondRan = true;
        // Runs after the first committed: its write is visible.
        return (await tx.findMembership(tenantId, 'first'))?.role;
      },
      { tenantId },
    );
    try {
      await eventually(async () => (await lockWaits(database)) > before);
      expect(secondRan).toBe(false);
    } finally {
      resume();
      await Promise.allSettled([first, second]);
    }
    await first;
    expect(await second).toBe('member');
  });

  it('transactions locking different tenants do not wait for each other', async () => {
    const store = kyselyStore(database.db);
    const [a, b] = [`lock-${randomUUID()}`, `lock-${randomUUID()}`];
    for (const id of [a, b]) await store.createTenant({ id, createdByType: 'user', createdBy: 'u', createdAt: at }, membership(id, 'owner', 'owner'));
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    let opened!: () => void;
    const aOpened = new Promise<void>((resolve) => (opened = resolve));
    const holder = store.transaction(
      async () => {
        opened();
        await resumed;
      },
      { tenantId: a },
    );
    await aOpened;
    // Completes while the transaction on tenant a is still open.
    await store.transaction((tx) => tx.insertMembership(membership(b, 'other', 'member')), { tenantId: b });
    resume();
    await holder;
    expect((await store.findMembership(b, 'other'))?.role).toBe('member');
  });
});
