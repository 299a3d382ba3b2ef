import assert from 'node:assert/strict';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

const at = (iso: string) => new Date(iso);
const FEB = at('2024-02-10T09:30:00.125Z');
const JAN = at('2024-01-20T09:30:00.125Z');

/** setCycleAnchor, the anchor readGrants returns, and shiftUsage. */
export const billingCycleCases = [
  {
    name: 'setCycleAnchor stores the anchor readGrants returns (to the millisecond), replaces it, and survives cancelPackage',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      assert.equal((await store.readGrants(tenantId)).cycleAnchor, undefined);
      await store.setCycleAnchor({ tenantId, anchor: at('2024-01-31T23:59:59.999Z') });
      assert.deepEqual((await store.readGrants(tenantId)).cycleAnchor, at('2024-01-31T23:59:59.999Z'));
      await store.setCycleAnchor({ tenantId, anchor: FEB });
      await store.setCycleAnchor({ tenantId, anchor: FEB });
      await store.assignPackage(f.assignment(tenantId, 'pro', JAN));
      await store.cancelPackage({ tenantId, packageKey: 'pro', cancelledBy: 'system:billing', cancelledAt: FEB });
      assert.deepEqual((await store.readGrants(tenantId)).cycleAnchor, FEB);
      // Another tenant's anchor is its own.
      const other = await f.seedEntitled('b');
      assert.equal((await store.readGrants(other)).cycleAnchor, undefined);
    },
  },
  {
    name: 'setCycleAnchor and shiftUsage on a missing tenant throw NotFoundError',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      await f.syncLimitFeatures({ f: null });
      await rejectsWithCode(store.setCycleAnchor({ tenantId: f.tenantId('missing'), anchor: FEB }), 'not_found');
      await rejectsWithCode(
        store.shiftUsage({ tenantId: f.tenantId('missing'), shifts: [{ featureKey: f.featureKey('f'), from: JAN, to: FEB }], usage: 'carry' }),
        'not_found',
      );
      assert.equal((await store.readGrants(f.tenantId('missing'))).cycleAnchor, undefined);
    },
  },
  {
    name: 'setCycleAnchor inside a transaction that throws is rolled back',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      await store.setCycleAnchor({ tenantId, anchor: JAN });
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.setCycleAnchor({ tenantId, anchor: FEB });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual((await store.readGrants(tenantId)).cycleAnchor, JAN);
    },
  },
  {
    name: 'shiftUsage carry raises every pool of the new window to the old window, keeps a larger new counter, and leaves the old window',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const old = (label: string, namespace?: string) => f.target(label, 'unlimited', { windowStart: JAN, ...(namespace === undefined ? {} : { namespace }) });
      const neu = (label: string, namespace?: string) => f.target(label, 'unlimited', { windowStart: FEB, ...(namespace === undefined ? {} : { namespace }) });
      await store.consume(f.consumeRequest(tenantId, 700, [old('f'), old('f', 'team')]));
      await store.consume(f.consumeRequest(tenantId, 300, [old('f')]));
      await store.consume(f.consumeRequest(tenantId, 900, [neu('f', 'team')]));
      await store.consume(f.consumeRequest(tenantId, 5, [old('g')]));
      await store.shiftUsage({ tenantId, shifts: [{ featureKey: f.featureKey('f'), from: JAN, to: FEB }], usage: 'carry' });
      assert.deepEqual(
        await store.readCounters(tenantId, [neu('f'), neu('f', 'team'), old('f'), old('f', 'team'), neu('g'), old('g')]),
        [1000, 900, 1000, 700, 0, 5],
      );
      // A carried counter is a counter like any other: the next consumption is guarded by it.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 1, [f.target('f', 1000, { windowStart: FEB })])), {
        outcome: 'exceeded',
        index: 0,
        used: 1000,
      });
      // Carrying again changes nothing: the larger value is kept, never added.
      await store.shiftUsage({ tenantId, shifts: [{ featureKey: f.featureKey('f'), from: JAN, to: FEB }], usage: 'carry' });
      assert.deepEqual(await store.readCounters(tenantId, [neu('f'), neu('f', 'team')]), [1000, 900]);
    },
  },
  {
    name: 'shiftUsage reset zeroes every pool of the new window only',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const target = (label: string, windowStart: Date, namespace?: string) =>
        f.target(label, 'unlimited', { windowStart, ...(namespace === undefined ? {} : { namespace }) });
      await store.consume(f.consumeRequest(tenantId, 4, [target('f', FEB), target('f', FEB, 'team')]));
      await store.consume(f.consumeRequest(tenantId, 6, [target('f', JAN), target('g', FEB)]));
      await store.shiftUsage({ tenantId, shifts: [{ featureKey: f.featureKey('f'), from: FEB, to: FEB }], usage: 'reset' });
      assert.deepEqual(await store.readCounters(tenantId, [target('f', FEB), target('f', FEB, 'team'), target('f', JAN), target('g', FEB)]), [0, 0, 6, 6]);
      const after = await store.consume(f.consumeRequest(tenantId, 2, [target('f', FEB)]));
      assert.deepEqual(after, { outcome: 'consumed', counters: [{ before: 0, after: 2 }] });
    },
  },
] as const satisfies readonly StoreConformanceCase[];
