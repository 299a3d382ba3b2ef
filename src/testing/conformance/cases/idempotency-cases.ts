import assert from 'node:assert/strict';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

/** consume with an idempotency key. */
export const idempotencyCases = [
  {
    name: 'consume with an idempotency key replays the first result and counts once',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      const targets = [f.target('child', 10), f.target('pool', 10)];
      await store.consume(f.consumeRequest(tenantId, 1, targets));
      const first = await store.consume(f.consumeRequest(tenantId, 4, targets, ['request-1', 'fp-4']));
      const counters = [
        { before: 1, after: 5 },
        { before: 1, after: 5 },
      ];
      assert.deepEqual(first, { outcome: 'consumed', counters });
      await store.consume(f.consumeRequest(tenantId, 2, targets));
      // Replayed with the original counters and limits, although usage has moved on since.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 4, targets, ['request-1', 'fp-4'])), { outcome: 'replayed', counters, limits: [10, 10] });
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 4, targets, ['request-1', 'fp-4'])), { outcome: 'replayed', counters, limits: [10, 10] });
      assert.deepEqual(await store.readCounters(tenantId, targets), [7, 7]);
    },
  },
  {
    name: 'a reused idempotency key with a different fingerprint is an idempotency_conflict and writes nothing',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const counter = f.target('f', 10);
      await store.consume(f.consumeRequest(tenantId, 2, [counter], ['request-1', 'fp-2']));
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 3, [counter], ['request-1', 'fp-3'])), { outcome: 'idempotency_conflict' });
      // Fingerprints are compared exactly, control characters included.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 2, [counter], ['request-1', 'fp-2\u0000'])), { outcome: 'idempotency_conflict' });
      assert.deepEqual(await store.readCounters(tenantId, [counter]), [2]);
      assert.equal((await store.consume(f.consumeRequest(tenantId, 2, [counter], ['request-1', 'fp-2']))).outcome, 'replayed');
    },
  },
  {
    name: 'a recorded idempotency key replays whatever the limits of the retry, with the limits the consumption was applied under',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      const targets = [f.target('child', 10), f.target('pool', 'unlimited')];
      const counters = [
        { before: 0, after: 3 },
        { before: 0, after: 3 },
      ];
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 3, targets, ['request-1', 'fp-3'])), { outcome: 'consumed', counters });
      // The grants changed since: a limit of 0 (no longer enabled), a lower limit, a counter now unlimited.
      const retries = [
        [f.target('child', 0), f.target('pool', 0)],
        [f.target('child', 2), f.target('pool', 1)],
        [f.target('child', 'unlimited'), f.target('pool', 3)],
      ];
      for (const retry of retries) {
        assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 3, retry, ['request-1', 'fp-3'])), {
          outcome: 'replayed',
          counters,
          limits: [10, 'unlimited'],
        });
      }
      // Another request under the key is still a conflict, whatever its limits.
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 4, retries[0] ?? [], ['request-1', 'fp-4'])), { outcome: 'idempotency_conflict' });
      assert.deepEqual(await store.readCounters(tenantId, targets), [3, 3]);
    },
  },
  {
    name: 'an idempotency key whose consumption was refused stays free for a retry',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      const targets = [f.target('child', 10), f.target('pool', 3)];
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 4, targets, ['request-1', 'fp\u00004'])), { outcome: 'exceeded', index: 1, used: 0 });
      assert.deepEqual(await store.readCounters(tenantId, targets), [0, 0]);
      const retried = [f.target('child', 10), f.target('pool', 5)];
      assert.deepEqual(await store.consume(f.consumeRequest(tenantId, 4, retried, ['request-1', 'fp\u00004'])), {
        outcome: 'consumed',
        counters: [
          { before: 0, after: 4 },
          { before: 0, after: 4 },
        ],
      });
    },
  },
  {
    name: 'idempotency keys are scoped to the tenant and compared exactly',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const a = await f.seedEntitled('a');
      const b = (await f.seedTenant('b', f.userId('owner'))).id;
      const counter = f.target('f', 10);
      for (const tenantId of [a, b]) assert.equal((await store.consume(f.consumeRequest(tenantId, 1, [counter], ['key', 'fp']))).outcome, 'consumed');
      for (const key of ['Key', 'key ', 'ke']) assert.equal((await store.consume(f.consumeRequest(a, 1, [counter], [key, 'fp']))).outcome, 'consumed', key);
      assert.deepEqual(await store.readCounters(a, [counter]), [4]);
      assert.deepEqual(await store.readCounters(b, [counter]), [1]);
    },
  },
  {
    name: 'an idempotency record counts until its expiresAt: then the key is free again, for any request, and the new record replays',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const counter = f.target('f', 100);
      const t0 = new Date('2024-03-01T00:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      const request = (amount: number, fingerprint: string, now: Date, expiresAt: Date) => ({
        tenantId,
        amount,
        counters: [counter],
        now,
        idempotency: { key: 'request-1', fingerprint, expiresAt },
      });
      assert.equal((await store.consume(request(2, 'fp-2', t0, at(1000)))).outcome, 'consumed');
      assert.equal((await store.consume(request(2, 'fp-2', at(999), at(2000)))).outcome, 'replayed');
      assert.equal((await store.consume(request(3, 'fp-3', at(999), at(2000)))).outcome, 'idempotency_conflict');
      // Expired: another request under the key counts, and its record replaces the old one.
      assert.deepEqual(await store.consume(request(3, 'fp-3', at(1000), at(5000))), { outcome: 'consumed', counters: [{ before: 2, after: 5 }] });
      assert.deepEqual(await store.consume(request(3, 'fp-3', at(4999), at(9000))), {
        outcome: 'replayed',
        counters: [{ before: 2, after: 5 }],
        limits: [100],
      });
      assert.equal((await store.consume(request(2, 'fp-2', at(4999), at(9000)))).outcome, 'idempotency_conflict');
      // A record without expiresAt never expires.
      const forever = { tenantId, amount: 1, counters: [counter], now: t0, idempotency: { key: 'request-2', fingerprint: 'fp-1' } };
      await store.consume(forever);
      assert.equal((await store.consume({ ...forever, now: new Date('2999-01-01T00:00:00.000Z') })).outcome, 'replayed');
      assert.deepEqual(await store.readCounters(tenantId, [counter]), [6]);
    },
  },
  {
    name: 'concurrent consumes under one expired idempotency key: exactly one counts',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const counter = f.target('f', 'unlimited');
      const t0 = new Date('2024-03-01T00:00:00.000Z');
      const later = new Date('2024-03-02T00:00:00.000Z');
      await store.consume({ tenantId, amount: 1, counters: [counter], now: t0, idempotency: { key: 'k', fingerprint: 'fp', expiresAt: t0 } });
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.consume({
            tenantId,
            amount: 1,
            counters: [counter],
            now: later,
            idempotency: { key: 'k', fingerprint: 'fp', expiresAt: new Date('2024-03-03T00:00:00.000Z') },
          }),
        ),
      );
      assert.equal(results.filter((r) => r.outcome === 'consumed').length, 1);
      assert.equal(results.filter((r) => r.outcome === 'replayed').length, 7);
      assert.deepEqual(await store.readCounters(tenantId, [counter]), [2]);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
