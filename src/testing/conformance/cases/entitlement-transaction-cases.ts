import assert from 'node:assert/strict';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

/** Audit and entitlement operations inside transaction(). */
export const entitlementTransactionCases = [
  {
    name: 'audit and entitlement writes inside a transaction roll back with it',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const counter = f.target('f', 10);
      await store.consume(f.consumeRequest(tenantId, 1, [counter]));
      const failure = new Error('work failed');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.appendAudit(f.auditEntry(tenantId, 'entitlement.package_assign'));
          await tx.assignPackage(f.assignment(tenantId, 'pro'));
          await tx.addBoost(f.boost(tenantId, 'f', 5));
          await tx.setNamespaceLimit({ tenantId, namespace: 'n', featureKey: f.featureKey('f'), limit: 2 });
          assert.equal((await tx.consume(f.consumeRequest(tenantId, 2, [counter], ['k', 'fp']))).outcome, 'consumed');
          assert.equal((await tx.release({ tenantId, amount: 1, counters: [counter] })).outcome, 'released');
          assert.equal(await tx.recordAlert(f.alert(tenantId, 'f', 80)), true);
          await tx.syncFeatures([{ key: f.featureKey('h'), kind: 'boolean', parentKey: null }]);
          // The transaction reads its own writes.
          assert.deepEqual(await tx.readCounters(tenantId, [counter]), [2]);
          assert.equal((await tx.readGrants(tenantId)).packages.length, 1);
          throw failure;
        }),
        (error: unknown) => error === failure,
      );
      assert.deepEqual(await store.listAudit(tenantId, { limit: 10 }), []);
      assert.deepEqual(await store.readGrants(tenantId), { packages: [], boosts: [], namespaceLimits: [] });
      assert.deepEqual(await store.readCounters(tenantId, [counter]), [1]);
      assert.deepEqual(await store.listAlerts(tenantId), []);
      assert.equal(
        (await store.listFeatures()).some((feature) => feature.key === f.featureKey('h')),
        false,
      );
      // The idempotency key was rolled back too.
      assert.equal((await store.consume(f.consumeRequest(tenantId, 2, [counter], ['k', 'fp']))).outcome, 'consumed');
    },
  },
  {
    name: 'refused and failed entitlement writes inside a transaction undo only themselves and leave it usable',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      const child = f.target('child', 10);
      const pool = f.target('pool', 3);
      await store.transaction(async (tx) => {
        assert.equal((await tx.consume(f.consumeRequest(tenantId, 2, [child, pool]))).outcome, 'consumed');
        // Refused at the pool after the child was incremented: the child's increment is undone.
        assert.deepEqual(await tx.consume(f.consumeRequest(tenantId, 2, [child, pool], ['k', 'fp'])), { outcome: 'exceeded', index: 1, used: 2 });
        assert.deepEqual(await tx.release({ tenantId, amount: 5, counters: [child] }), { outcome: 'insufficient', index: 0, used: 2 });
        await rejectsWithCode(tx.consume(f.consumeRequest(tenantId, 1, [child, f.target('missing', 'unlimited')])), 'feature_not_found');
        await rejectsWithCode(tx.assignPackage(f.assignment(f.tenantId('missing'), 'pro')), 'not_found');
        await tx.assignPackage(f.assignment(tenantId, 'pro'));
        await rejectsWithCode(tx.assignPackage(f.assignment(tenantId, 'pro')), 'already_exists', 'package assignment');
        await rejectsWithCode(tx.addBoost(f.boost(tenantId, 'missing', 1)), 'feature_not_found');
        await rejectsWithCode(tx.recordAlert(f.alert(tenantId, 'missing', 80)), 'feature_not_found');
        await rejectsWithCode(tx.appendAudit(f.auditEntry(f.tenantId('missing'), 'tenant.create')), 'not_found');
        await rejectsWithCode(tx.syncFeatures([{ key: f.featureKey('x'), kind: 'limit', parentKey: f.featureKey('nowhere') }]), 'feature_not_found');
        // The refused key is still free inside the transaction.
        assert.equal((await tx.consume(f.consumeRequest(tenantId, 1, [child, pool], ['k', 'fp']))).outcome, 'consumed');
      });
      assert.deepEqual(await store.readCounters(tenantId, [child, pool]), [3, 3]);
      assert.equal((await store.readGrants(tenantId)).packages.length, 1);
      assert.equal(
        (await store.listFeatures()).some((feature) => feature.key === f.featureKey('x')),
        false,
      );
    },
  },
] as const satisfies readonly StoreConformanceCase[];
