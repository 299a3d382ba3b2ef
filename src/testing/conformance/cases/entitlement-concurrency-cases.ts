import assert from 'node:assert/strict';
import type { ConsumeResult } from '../../../store/entitlement-records.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

/** Outcome counts of `results`. */
function outcomes(results: readonly { readonly outcome: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of results) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** Sum of the amounts of the consumed results among `results` (requests of `amounts`). */
function consumedAmount(results: readonly ConsumeResult[], amounts: readonly number[]): number {
  return results.reduce((sum, result, index) => sum + (result.outcome === 'consumed' ? (amounts[index] ?? 0) : 0), 0);
}

/** Atomicity of consume, release and recordAlert under concurrent calls on one store. */
export const entitlementConcurrencyCases = [
  {
    name: '20 concurrent consumes of 1 against a limit of 7: exactly 7 succeed',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const counter = f.target('f', 7);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.consume(f.consumeRequest(tenantId, 1, [counter]))));
      assert.deepEqual(outcomes(results), { consumed: 7, exceeded: 13 });
      const afters = results.flatMap((r) => (r.outcome === 'consumed' ? [r.counters[0]?.after] : [])).sort((a, b) => (a ?? 0) - (b ?? 0));
      assert.deepEqual(afters, [1, 2, 3, 4, 5, 6, 7]);
      assert.ok(results.every((r) => r.outcome !== 'exceeded' || r.used + 1 > 7));
      assert.deepEqual(await store.readCounters(tenantId, [counter]), [7]);
    },
  },
  {
    name: 'concurrent consumes of a child, its pool and a namespace never exceed any level',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      const child = f.target('child', 9);
      const childInTeam = f.target('child', 5, { namespace: 'team' });
      const pool = f.target('pool', 12);
      const plans = [[child, pool], [child, childInTeam, pool], [pool]] as const;
      const amounts = Array.from({ length: 24 }, (_, i) => (i % 3) + 1);
      const requests = amounts.map((amount, i) => f.consumeRequest(tenantId, amount, plans[i % plans.length] ?? [pool]));
      const results = await Promise.all(requests.map((request) => store.consume(request)));
      const sumOver = (counter: typeof child) =>
        requests.reduce((sum, request, i) => sum + (results[i]?.outcome === 'consumed' && request.counters.includes(counter) ? request.amount : 0), 0);
      const used = await store.readCounters(tenantId, [child, childInTeam, pool]);
      assert.deepEqual(used, [sumOver(child), sumOver(childInTeam), sumOver(pool)]);
      assert.ok((used[0] ?? 0) <= 9 && (used[1] ?? 0) <= 5 && (used[2] ?? 0) <= 12, `used ${used.join(', ')}`);
      assert.ok(consumedAmount(results, amounts) > 0);
    },
  },
  {
    name: 'concurrent consumes with the same idempotency key count once',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      const targets = [f.target('child', 100), f.target('pool', 100)];
      const results = await Promise.all(Array.from({ length: 8 }, () => store.consume(f.consumeRequest(tenantId, 3, targets, ['retry', 'fp']))));
      assert.deepEqual(outcomes(results), { consumed: 1, replayed: 7 });
      const counters = [
        { before: 0, after: 3 },
        { before: 0, after: 3 },
      ];
      assert.ok(results.every((r) => (r.outcome === 'consumed' || r.outcome === 'replayed') && JSON.stringify(r.counters) === JSON.stringify(counters)));
      assert.deepEqual(await store.readCounters(tenantId, targets), [3, 3]);
    },
  },
  {
    name: 'concurrent releases never take a counter below zero',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { seats: 'pool', pool: null });
      const targets = [f.target('pool', 10), f.target('seats', 10)];
      await store.consume(f.consumeRequest(tenantId, 5, targets));
      const results = await Promise.all(Array.from({ length: 12 }, () => store.release({ tenantId, amount: 1, counters: targets })));
      assert.deepEqual(outcomes(results), { released: 5, insufficient: 7 });
      assert.deepEqual(await store.readCounters(tenantId, targets), [0, 0]);
    },
  },
  {
    name: 'concurrent recordAlert calls for the same alert: exactly one records it',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const results = await Promise.all(Array.from({ length: 8 }, () => store.recordAlert(f.alert(tenantId, 'f', 90))));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await store.listAlerts(tenantId)).length, 1);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
