import assert from 'node:assert/strict';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

/**
 * The store takes a request's counters in the global lock order (feature
 * key, namespace, window start; code-unit order) and answers in the
 * caller's order. The order is observable through refusals: when several
 * counters have no room, the first in lock order decides.
 */
export const lockOrderCases = [
  {
    name: "consume and release take counters in the global lock order and answer in the caller's order",
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { a: null, b: null });
      // Lock order: a < b (feature), then '' < 'team' (namespace). Every request below lists them the other way round.
      const a = f.target('a', 100);
      const b = f.target('b', 100);
      const bTeam = f.target('b', 100, { namespace: 'team' });
      await store.consume(f.consumeRequest(tenantId, 1, [a]));
      await store.consume(f.consumeRequest(tenantId, 5, [b]));
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 2, [bTeam, b, a])), {
        outcome: 'consumed',
        counters: [
          { before: 0, after: 2 },
          { before: 5, after: 7 },
          { before: 1, after: 3 },
        ],
      });
      // Two counters without room (b holds 7, a holds 3): a, first in lock order, decides, at its index in the caller's order.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 1, [f.target('b', 7), f.target('a', 3)])), { outcome: 'exceeded', index: 1, used: 3 });
      assert.deepEqual(await store.release({ tenantId, amount: 1, counters: [bTeam, b, a] }), {
        outcome: 'released',
        counters: [
          { before: 2, after: 1 },
          { before: 7, after: 6 },
          { before: 3, after: 2 },
        ],
      });
      // bTeam (1) and a (2) hold less than 3: a decides.
      assert.deepEqual(await store.release({ tenantId, amount: 3, counters: [bTeam, b, a] }), { outcome: 'insufficient', index: 2, used: 2 });
      // A replay answers in the order of the retry, limits included.
      const first = await store.consume(f.consumeRequest(tenantId, 1, [f.target('b', 50), f.target('a', 40)], ['key', 'fp']));
      assert.deepEqual(first, {
        outcome: 'consumed',
        counters: [
          { before: 6, after: 7 },
          { before: 2, after: 3 },
        ],
      });
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 1, [f.target('b', 50), f.target('a', 40)], ['key', 'fp'])), {
        outcome: 'replayed',
        counters: [
          { before: 6, after: 7 },
          { before: 2, after: 3 },
        ],
        limits: [50, 40],
      });
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 1, [f.target('a', 40), f.target('b', 50)], ['key', 'fp'])), {
        outcome: 'replayed',
        counters: [
          { before: 2, after: 3 },
          { before: 6, after: 7 },
        ],
        limits: [40, 50],
      });
      assert.deepEqual(await store.readCounters(tenantId, [bTeam, b, a]), [1, 7, 3]);
    },
  },
  {
    name: 'consume and release naming the same counter twice are a ConfigurationError and write nothing',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { a: null, b: null });
      const a = f.target('a', 100);
      const b = f.target('b', 100);
      await store.consume(f.consumeRequest(tenantId, 4, [a, b]));
      // The same counter under another limit is still the same counter.
      const again = { ...a, windowStart: new Date(a.windowStart.getTime()), limit: 'unlimited' as const };
      await rejectsWithCode(store.consume(f.consumeRequest(tenantId, 1, [a, b, again])), 'configuration_invalid');
      await rejectsWithCode(store.consume(f.consumeRequest(tenantId, 1, [b, again, a], ['key', 'fp'])), 'configuration_invalid');
      await rejectsWithCode(store.release({ tenantId, amount: 1, counters: [again, b, a] }), 'configuration_invalid');
      await store.transaction(async (tx) => {
        await rejectsWithCode(tx.consume(f.consumeRequest(tenantId, 1, [a, again])), 'configuration_invalid');
      });
      assert.deepEqual(await store.readCounters(tenantId, [a, b]), [4, 4]);
      // The key of the refused call was not kept.
      assert.equal((await store.consume(f.consumeRequest(tenantId, 1, [a], ['key', 'fp']))).outcome, 'consumed');
    },
  },
] as const satisfies readonly StoreConformanceCase[];
