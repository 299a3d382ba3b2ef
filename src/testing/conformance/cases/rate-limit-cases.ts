import assert from 'node:assert/strict';
import type { StoreConformanceCase } from '../conformance-case.js';

const WINDOW = new Date('2024-03-10T12:00:00.000Z');
const NEXT_WINDOW = new Date('2024-03-10T12:01:00.000Z');
const hit = (key: string, options: { windowStart?: Date; limit?: number; cost?: number } = {}) => {
  const windowStart = options.windowStart ?? WINDOW;
  return {
    key,
    windowStart,
    limit: options.limit ?? 3,
    cost: options.cost ?? 1,
    expiresAt: new Date(windowStart.getTime() + 60_000),
  };
};

/** hitRateLimit: the guarded fixed-window counter behind the HTTP rate limiter. */
export const rateLimitCases = [
  {
    name: 'hitRateLimit counts hits up to the limit, then refuses without counting; keys and windows are independent',
    async run({ store }) {
      const results = [];
      for (let i = 0; i < 5; i += 1) results.push(await store.hitRateLimit(hit('k')));
      assert.deepEqual(results, [
        { allowed: true, count: 1 },
        { allowed: true, count: 2 },
        { allowed: true, count: 3 },
        { allowed: false, count: 3 },
        { allowed: false, count: 3 },
      ]);
      assert.deepEqual(await store.hitRateLimit(hit('other')), { allowed: true, count: 1 });
      assert.deepEqual(await store.hitRateLimit(hit('k', { windowStart: NEXT_WINDOW })), { allowed: true, count: 1 });
      assert.deepEqual(await store.hitRateLimit(hit('K')), { allowed: true, count: 1 });
    },
  },
  {
    name: 'hitRateLimit weighs hits by cost and refuses a cost that does not fit, whole',
    async run({ store }) {
      assert.deepEqual(await store.hitRateLimit(hit('k', { limit: 10, cost: 4 })), { allowed: true, count: 4 });
      assert.deepEqual(await store.hitRateLimit(hit('k', { limit: 10, cost: 7 })), { allowed: false, count: 4 });
      assert.deepEqual(await store.hitRateLimit(hit('k', { limit: 10, cost: 6 })), { allowed: true, count: 10 });
      assert.deepEqual(await store.hitRateLimit(hit('big', { limit: 2, cost: 3 })), { allowed: false, count: 0 });
    },
  },
  {
    name: '30 concurrent hits against a limit of 10: exactly 10 are allowed',
    async run({ store }) {
      const results = await Promise.all(Array.from({ length: 30 }, () => store.hitRateLimit(hit('hot', { limit: 10 }))));
      assert.equal(results.filter((r) => r.allowed).length, 10);
      assert.deepEqual(await store.hitRateLimit(hit('hot', { limit: 10 })), { allowed: false, count: 10 });
    },
  },
] as const satisfies readonly StoreConformanceCase[];
