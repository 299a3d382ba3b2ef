import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

// Prune deletes rows of every case sharing the store, so these cases assert
// on their own rows only, and use instants far in the past.
const T0 = new Date('2001-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 3_600_000;

/** Repeats `prune` until a call deletes less than the batch everywhere; every call stays within the batch. */
async function pruneAll(
  run: () => Promise<{ readonly idempotencyKeys: number; readonly rateLimitWindows: number; readonly auditEntries: number }>,
  batchSize: number,
) {
  for (let call = 0; call < 10_000; call += 1) {
    const result = await run();
    for (const count of Object.values(result))
      assert.ok(count <= batchSize, `a prune deleted ${String(count)} rows, more than its batch of ${String(batchSize)}`);
    if (Object.values(result).every((count) => count < batchSize)) return;
  }
  assert.fail('prune never finished');
}

/** store.prune: expired idempotency records, old rate-limit windows and, when asked, old audit entries, in bounded batches. */
export const retentionCases = [
  {
    name: 'prune deletes idempotency records expired at now, in batches, and keeps live records and records without expiry',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const counter = f.target('f', 'unlimited');
      const consume = (key: string, now: Date, expiresAt?: Date) =>
        store.consume({
          tenantId,
          amount: 1,
          counters: [counter],
          now,
          idempotency: { key, fingerprint: 'fp', ...(expiresAt === undefined ? {} : { expiresAt }) },
        });
      for (const key of ['old-1', 'old-2', 'old-3']) await consume(key, T0, at(HOUR));
      await consume('live', T0, at(3 * HOUR));
      await consume('forever', T0);
      await pruneAll(() => store.prune({ now: at(2 * HOUR), batchSize: 2 }), 2);
      // Asked as of before their expiry, a pruned key counts again; a kept one still replays.
      assert.equal((await consume('old-1', at(1), at(HOUR))).outcome, 'consumed');
      assert.equal((await consume('old-3', at(1), at(HOUR))).outcome, 'consumed');
      assert.equal((await consume('live', at(1), at(HOUR))).outcome, 'replayed');
      assert.equal((await consume('forever', at(1))).outcome, 'replayed');
    },
  },
  {
    name: 'prune deletes rate-limit windows that ended more than the retention before now, and keeps the others',
    async run({ store }) {
      const key = `prune:${randomUUID()}`;
      const hit = (windowStart: Date) => store.hitRateLimit({ key, windowStart, limit: 10, cost: 1, expiresAt: new Date(windowStart.getTime() + 60_000) });
      const old = at(0);
      const recent = at(10 * HOUR);
      await hit(old);
      await hit(old);
      await hit(recent);
      await pruneAll(() => store.prune({ now: at(10 * HOUR + 30_000), batchSize: 1 }), 1);
      // The old window starts again from zero; the recent one kept its count.
      assert.deepEqual(await hit(old), { allowed: true, count: 1 });
      assert.deepEqual(await hit(recent), { allowed: true, count: 2 });
    },
  },
  {
    name: 'prune deletes audit entries older than auditOlderThan only when asked, in batches, and keeps newer ones',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const entries = [at(0), at(1), at(2), at(5 * HOUR)].map((createdAt) => f.auditEntry(tenantId, 'tenant_membership.add', {}, { createdAt }));
      for (const entry of entries) await store.appendAudit(entry);
      const ids = async () => (await store.listAudit(tenantId, { limit: 100 })).map((entry) => entry.id).sort();
      await pruneAll(() => store.prune({ now: at(10 * HOUR), batchSize: 2 }), 2);
      assert.deepEqual(await ids(), entries.map((entry) => entry.id).sort());
      await pruneAll(() => store.prune({ now: at(10 * HOUR), auditOlderThan: at(HOUR), batchSize: 2 }), 2);
      assert.deepEqual(await ids(), [entries[3]?.id]);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
