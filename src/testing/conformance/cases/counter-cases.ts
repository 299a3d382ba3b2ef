import assert from 'node:assert/strict';
import { TENANT_POOL } from '../../../store/entitlement-records.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures, WINDOW } from '../entitlement-fixtures.js';

/** release, readCounters and listCounters. */
export const counterCases = [
  {
    name: 'release decrements every counter and reports the value before and after',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { seats: 'pool', pool: null });
      const pool = f.target('pool', 10);
      const targets = [pool, f.target('seats', 10), f.target('seats', null, { namespace: 'team' })];
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
      assert.deepEqual(await store.readCounters(tenantId, [pool, seats]), [4, 1]);
      assert.equal((await store.listCounters(tenantId)).length, 2);
    },
  },
  {
    name: 'readCounters returns the values in the order asked, 0 for counters never written',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      await store.consume(f.consumeRequest(tenantId, 3, [f.target('f', null)]));
      await store.consume(f.consumeRequest(tenantId, 5, [f.target('g', null, { namespace: 'n' })]));
      const key = (label: string, namespace = TENANT_POOL, windowStart = WINDOW) => ({ featureKey: f.featureKey(label), namespace, windowStart });
      assert.deepEqual(
        await store.readCounters(tenantId, [key('g', 'n'), key('g'), key('unknown'), key('f'), key('f', TENANT_POOL, new Date(WINDOW.getTime() - 1)), key('f')]),
        [5, 0, 0, 3, 0, 3],
      );
      assert.deepEqual(await store.readCounters(tenantId, []), []);
      assert.deepEqual(await store.readCounters(f.tenantId('unknown'), [key('f')]), [0]);
    },
  },
  {
    name: 'listCounters returns every counter of the tenant ordered by feature, namespace and window',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { b: null, a: null, B: null });
      const other = (await f.seedTenant('other', f.userId('owner'))).id;
      const early = new Date('1999-12-31T23:59:59.999Z');
      const late = new Date('2038-01-19T03:14:08.123Z');
      const writes = [
        f.target('b', null, { namespace: 'y' }),
        f.target('a', null, { windowStart: late }),
        f.target('b', null),
        f.target('B', null, { namespace: 'x' }),
        f.target('a', null, { windowStart: early }),
        f.target('b', null, { namespace: 'Y' }),
      ];
      for (const [index, target] of writes.entries()) await store.consume(f.consumeRequest(tenantId, index + 1, [target]));
      await store.consume(f.consumeRequest(other, 1, [f.target('a', null)]));
      const row = (label: string, namespace: string, windowStart: Date, used: number) => ({ tenantId, featureKey: f.featureKey(label), namespace, windowStart, used });
      assert.deepEqual(await store.listCounters(tenantId), [
        row('B', 'x', WINDOW, 4),
        row('a', TENANT_POOL, early, 5),
        row('a', TENANT_POOL, late, 2),
        row('b', TENANT_POOL, WINDOW, 3),
        row('b', 'Y', WINDOW, 6),
        row('b', 'y', WINDOW, 1),
      ]);
      assert.deepEqual(await store.listCounters(f.tenantId('unknown')), []);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
