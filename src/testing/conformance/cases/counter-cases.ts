import assert from 'node:assert/strict';
import { TENANT_POOL } from '../../../store/entitlement-records.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures, WINDOW } from '../entitlement-fixtures.js';

/** release and readCounters. */
export const counterCases = [
  {
    name: 'release decrements every counter and reports the value before and after',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { seats: 'pool', pool: null });
      const pool = f.target('pool', 10);
      const targets = [pool, f.target('seats', 10), f.target('seats', 'unlimited', { namespace: 'team' })];
      await store.consume(f.consumeRequest(tenantId, 5, targets));
      await store.consume(f.consumeRequest(tenantId, 2, [pool]));
      assert.deepEqual(await store.release({ tenantId, amount: 3, counters: targets }), {
        outcome: 'released',
        counters: [
          { before: 7, after: 4 },
          { before: 5, after: 2 },
          { before: 5, after: 2 },
        ],
      });
      // Down to exactly zero.
      assert.deepEqual(await store.release({ tenantId, amount: 2, counters: targets.slice(1) }), {
        outcome: 'released',
        counters: [
          { before: 2, after: 0 },
          { before: 2, after: 0 },
        ],
      });
      assert.deepEqual(await store.readCounters(tenantId, targets), [4, 0, 0]);
    },
  },
  {
    name: 'release is all or nothing: a counter holding less than the amount is insufficient and nothing changes',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { seats: 'pool', pool: null });
      const pool = f.target('pool', 10);
      const seats = f.target('seats', 10);
      await store.consume(f.consumeRequest(tenantId, 4, [pool]));
      await store.consume(f.consumeRequest(tenantId, 1, [seats]));
      assert.deepEqual(await store.release({ tenantId, amount: 2, counters: [pool, seats] }), { outcome: 'insufficient', index: 1, used: 1 });
      // A counter never written holds zero.
      assert.deepEqual(await store.release({ tenantId, amount: 1, counters: [pool, f.target('pool', 10, { namespace: 'team' })] }), {
        outcome: 'insufficient',
        index: 1,
        used: 0,
      });
      assert.deepEqual(await store.readCounters(tenantId, [pool, seats, f.target('pool', 10, { namespace: 'team' })]), [4, 1, 0]);
    },
  },
  {
    name: 'readCounters returns the values in the order asked, 0 for counters never written',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      await store.consume(f.consumeRequest(tenantId, 3, [f.target('f', 'unlimited')]));
      await store.consume(f.consumeRequest(tenantId, 5, [f.target('g', 'unlimited', { namespace: 'n' })]));
      const key = (label: string, namespace = TENANT_POOL, windowStart = WINDOW) => ({ featureKey: f.featureKey(label), namespace, windowStart });
      assert.deepEqual(
        await store.readCounters(tenantId, [
          key('g', 'n'),
          key('g'),
          key('unknown'),
          key('f'),
          key('f', TENANT_POOL, new Date(WINDOW.getTime() - 1)),
          key('f'),
        ]),
        [5, 0, 0, 3, 0, 3],
      );
      assert.deepEqual(await store.readCounters(tenantId, []), []);
      assert.deepEqual(await store.readCounters(f.tenantId('unknown'), [key('f')]), [0]);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
