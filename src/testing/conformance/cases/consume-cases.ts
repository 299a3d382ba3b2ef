import assert from 'node:assert/strict';
import type { Store } from '../../../store/store.js';
import type { CounterTarget } from '../../../store/entitlement-records.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

/** Current values of `targets` for `tenantId`. */
function usedOf(store: Store, tenantId: string, targets: readonly CounterTarget[]): Promise<readonly number[]> {
  return store.readCounters(tenantId, targets);
}

/** consume: increments, limits, all or nothing, missing parents. */
export const consumeCases = [
  {
    name: 'consume creates a counter, then increments it, reporting the value before and after',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const counter = f.target('f', 10);
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 3, [counter])), { outcome: 'consumed', counters: [{ before: 0, after: 3 }] });
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 7, [counter])), { outcome: 'consumed', counters: [{ before: 3, after: 10 }] });
      assert.deepEqual(await usedOf(store, tenantId, [counter]), [10]);
    },
  },
  {
    name: 'consume past the limit is exceeded with the index and value of the full counter, and writes nothing',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const counter = f.target('f', 5);
      await store.consume(f.consumeRequest(tenantId, 4, [counter]));
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 2, [counter])), { outcome: 'exceeded', index: 0, used: 4 });
      // More than the limit on a counter that does not exist yet: refused, and still not created.
      const fresh = f.target('g', 2);
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 3, [fresh])), { outcome: 'exceeded', index: 0, used: 0 });
      // A limit of zero refuses everything.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 1, [f.target('g', 0)])), { outcome: 'exceeded', index: 0, used: 0 });
      assert.deepEqual(await usedOf(store, tenantId, [counter, fresh]), [4, 0]);
      // No counter row of g exists, not even at zero: nothing references the feature.
      assert.equal(await store.deleteFeature(fresh.featureKey), 'deleted');
      // Exactly up to the limit is allowed.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 1, [counter])), { outcome: 'consumed', counters: [{ before: 4, after: 5 }] });
    },
  },
  {
    name: 'consume of several counters is all or nothing: a later counter without room leaves the earlier ones untouched',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      const child = f.target('child', 100);
      const childInTeam = f.target('child', 3, { namespace: 'team' });
      const pool = f.target('pool', 8);
      const targets = [child, childInTeam, pool];
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 2, targets)), {
        outcome: 'consumed',
        counters: [
          { before: 0, after: 2 },
          { before: 0, after: 2 },
          { before: 0, after: 2 },
        ],
      });
      // The namespace (index 1) is full.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 2, targets)), { outcome: 'exceeded', index: 1, used: 2 });
      // The pool (index 2, after two counters with room) is full.
      await store.consume(f.consumeRequest(tenantId, 6, [pool]));
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 1, targets)), { outcome: 'exceeded', index: 2, used: 8 });
      assert.deepEqual(await usedOf(store, tenantId, targets), [2, 2, 8]);
    },
  },
  {
    name: "consume of unlimited counters (limit 'unlimited') succeeds up to Number.MAX_SAFE_INTEGER",
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const unlimited = f.target('f', 'unlimited');
      const tracked = f.target('g', 'unlimited', { namespace: 'team' });
      await store.consume(f.consumeRequest(tenantId, Number.MAX_SAFE_INTEGER - 10, [unlimited]));
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 10, [unlimited, tracked])), {
        outcome: 'consumed',
        counters: [
          { before: Number.MAX_SAFE_INTEGER - 10, after: Number.MAX_SAFE_INTEGER },
          { before: 0, after: 10 },
        ],
      });
    },
  },
  {
    name: 'consume refuses to take any counter past Number.MAX_SAFE_INTEGER, unlimited ones included, and writes nothing (not even the idempotency key)',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const unlimited = f.target('f', 'unlimited');
      const limited = f.target('g', 100);
      await store.consume(f.consumeRequest(tenantId, Number.MAX_SAFE_INTEGER - 5, [unlimited]));
      // One past the ceiling: refused, on the unlimited counter, with the value it holds.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 6, [unlimited])), { outcome: 'exceeded', index: 0, used: Number.MAX_SAFE_INTEGER - 5 });
      // All or nothing: the limited counter before it (with room) is not written either; the key stays free.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 6, [limited, unlimited], ['key', 'fp-6'])), {
        outcome: 'exceeded',
        index: 1,
        used: Number.MAX_SAFE_INTEGER - 5,
      });
      // A limit at the ceiling guards the same way; a new counter cannot start past it.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 6, [f.target('f', Number.MAX_SAFE_INTEGER)])), {
        outcome: 'exceeded',
        index: 0,
        used: Number.MAX_SAFE_INTEGER - 5,
      });
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 2 ** 53, [f.target('g', 'unlimited', { namespace: 'other' })])), {
        outcome: 'exceeded',
        index: 0,
        used: 0,
      });
      // A new counter may start exactly at it.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, Number.MAX_SAFE_INTEGER, [f.target('f', 'unlimited', { namespace: 'team' })])), {
        outcome: 'consumed',
        counters: [{ before: 0, after: Number.MAX_SAFE_INTEGER }],
      });
      assert.deepEqual(
        await store.consume(
          f.consumeRequest(tenantId, 1, [f.target('g', 'unlimited', { namespace: 'team' }), f.target('f', 'unlimited', { namespace: 'team' })]),
        ),
        {
          outcome: 'exceeded',
          index: 1,
          used: Number.MAX_SAFE_INTEGER,
        },
      );
      assert.deepEqual(await store.readCounters(tenantId, [limited, unlimited]), [0, Number.MAX_SAFE_INTEGER - 5]);
      assert.deepEqual(
        await store.readCounters(tenantId, [f.target('g', 'unlimited', { namespace: 'other' }), f.target('g', 'unlimited', { namespace: 'team' })]),
        [0, 0],
      );
      // Exactly up to the ceiling is allowed, under the key the refusal left free.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 5, [limited, unlimited], ['key', 'fp-5'])), {
        outcome: 'consumed',
        counters: [
          { before: 0, after: 5 },
          { before: Number.MAX_SAFE_INTEGER - 5, after: Number.MAX_SAFE_INTEGER },
        ],
      });
      assert.deepEqual(await store.readCounters(tenantId, [unlimited, f.target('f', 'unlimited', { namespace: 'team' }), limited]), [
        Number.MAX_SAFE_INTEGER,
        Number.MAX_SAFE_INTEGER,
        5,
      ]);
    },
  },
  {
    name: 'counters are separate per tenant, feature, namespace and window',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const a = await f.seedEntitled('a', { f: null, g: null });
      const b = (await f.seedTenant('b', f.userId('owner'))).id;
      const march = f.target('f', 10);
      const targets = [
        march,
        f.target('g', 10),
        f.target('f', 10, { namespace: 'team' }),
        f.target('f', 10, { namespace: 'Team' }),
        f.target('f', 10, { windowStart: new Date(march.windowStart.getTime() + 1) }),
      ];
      for (const [index, target] of targets.entries()) await store.consume(f.consumeRequest(a, index + 1, [target]));
      await store.consume(f.consumeRequest(b, 9, [march]));
      assert.deepEqual(await usedOf(store, a, targets), [1, 2, 3, 4, 5]);
      assert.deepEqual(await usedOf(store, b, targets), [9, 0, 0, 0, 0]);
    },
  },
  {
    name: 'consume throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature, writing nothing',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const missing = f.tenantId('missing');
      await rejectsWithCode(store.consume(f.consumeRequest(missing, 1, [f.target('f', 10)])), 'not_found');
      await rejectsWithCode(store.consume(f.consumeRequest(missing, 1, [f.target('f', 10)], ['key', 'fp'])), 'not_found');
      await rejectsWithCode(store.consume(f.consumeRequest(missing, 20, [f.target('f', 10)])), 'not_found');
      await rejectsWithCode(store.consume(f.consumeRequest(tenantId, 1, [f.target('missing', 10)])), 'feature_not_found');
      await rejectsWithCode(
        store.consume(f.consumeRequest(tenantId, 1, [f.target('f', 10), f.target('missing', 'unlimited')], ['key', 'fp'])),
        'feature_not_found',
      );
      assert.deepEqual(await usedOf(store, tenantId, [f.target('f', 10)]), [0]);
      // The idempotency key of the failed call was not kept.
      assert.equal((await store.consume(f.consumeRequest(tenantId, 1, [f.target('f', 10)], ['key', 'fp']))).outcome, 'consumed');
    },
  },
] as const satisfies readonly StoreConformanceCase[];
