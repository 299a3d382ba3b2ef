import assert from 'node:assert/strict';
import { isStorageUnavailableError } from '../../../core/errors/index.js';
import type { StoreOperations } from '../../../store/store-operations.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER, OWNER } from '../fixtures.js';

/** Asserts that `promise` rejects, and not with `StorageUnavailableError`: a caller must never retry a bug. */
async function rejectsAsItself(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(!isStorageUnavailableError(error), `a programming error must surface as itself, not as StorageUnavailableError (${String(error)})`);
    return true;
  });
}

/**
 * Honest error classification: only failures of the backend are
 * `StorageUnavailableError` (retryable); a programming error or a misuse of
 * the port surfaces as itself.
 */
export const errorClassificationCases = [
  {
    name: 'a record with an invalid Date is refused with an error that is not StorageUnavailableError, and nothing is written',
    async run({ store }) {
      const f = new Fixtures(store);
      const invalid = new Date(Number.NaN);
      const tenant = { ...f.tenant('invalid'), createdAt: invalid };
      await rejectsAsItself(store.createTenant(tenant, f.membership(tenant.id, f.userId('owner'), OWNER, { source: 'tenant_create' })));
      assert.equal(await store.findTenant(tenant.id), undefined);
      const existing = await f.seedTenant('existing', f.userId('owner'));
      await store.transaction(async (tx) => {
        await rejectsAsItself(tx.insertMembership(f.membership(existing.id, f.userId('invalid'), MEMBER, { createdAt: invalid })));
        // The refused write leaves the transaction usable.
        await tx.insertMembership(f.membership(existing.id, f.userId('after'), MEMBER));
      });
      assert.equal(await store.findMembership(existing.id, f.userId('invalid')), undefined);
      assert.equal((await store.findMembership(existing.id, f.userId('after')))?.role, MEMBER);
    },
  },
  {
    name: 'tx used after its transaction settled rejects with ConfigurationError, never StorageUnavailableError, and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      let committed: StoreOperations | undefined;
      await store.transaction((tx) => {
        committed = tx;
        return Promise.resolve();
      });
      let rolledBack: StoreOperations | undefined;
      const failure = new Error('work failed');
      await assert.rejects(
        store.transaction((tx) => {
          rolledBack = tx;
          return Promise.reject(failure);
        }),
        (error: unknown) => error === failure,
      );
      // Started but not awaited by work: its turn comes after work has settled.
      let queued: Promise<unknown> | undefined;
      await store.transaction((tx) => {
        void tx.findTenant(tenant.id);
        queued = tx.insertMembership(f.membership(tenant.id, f.userId('queued'), MEMBER));
        queued.catch(() => undefined);
        return Promise.resolve();
      });
      assert.ok(committed !== undefined && rolledBack !== undefined && queued !== undefined);
      await rejectsWithCode(committed.insertMembership(f.membership(tenant.id, f.userId('late'), MEMBER)), 'configuration_invalid');
      await rejectsWithCode(committed.findTenant(tenant.id), 'configuration_invalid');
      await rejectsWithCode(rolledBack.insertMembership(f.membership(tenant.id, f.userId('late'), MEMBER)), 'configuration_invalid');
      await rejectsWithCode(queued, 'configuration_invalid');
      assert.deepEqual(
        (await store.listMembers(tenant.id, { limit: 10 })).map((m) => m.userId),
        [f.userId('owner')],
      );
    },
  },
] as const satisfies readonly StoreConformanceCase[];
