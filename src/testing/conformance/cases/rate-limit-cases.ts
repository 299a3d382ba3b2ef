import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RateLimitHit } from '../../../store/rate-limit-operations.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';

const WINDOW_MS = 60_000;
const WINDOW = new Date('2024-03-10T12:00:00.000Z');
const NEXT_WINDOW = new Date(WINDOW.getTime() + WINDOW_MS);

/**
 * Hits under keys unique to one run of a case (`<run>:<name>`), so cases can
 * share a database; `key` names the key within the run.
 */
function hitsOfRun() {
  const run = randomUUID();
  return (key: string, options: { windowStart?: Date; limit?: number; cost?: number } = {}): RateLimitHit => {
    const windowStart = options.windowStart ?? WINDOW;
    return {
      key: `${run}:${key}`,
      windowStart,
      limit: options.limit ?? 3,
      cost: options.cost ?? 1,
      expiresAt: new Date(windowStart.getTime() + WINDOW_MS),
    };
  };
}

/** hitRateLimit: the guarded fixed-window counter behind the HTTP rate limiter. */
export const rateLimitCases = [
  {
    name: 'hitRateLimit counts hits up to the limit, then refuses without counting; keys and windows are independent',
    async run({ store }) {
      const hit = hitsOfRun();
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
      const hit = hitsOfRun();
      assert.deepEqual(await store.hitRateLimit(hit('k', { limit: 10, cost: 4 })), { allowed: true, count: 4 });
      assert.deepEqual(await store.hitRateLimit(hit('k', { limit: 10, cost: 7 })), { allowed: false, count: 4 });
      assert.deepEqual(await store.hitRateLimit(hit('k', { limit: 10, cost: 6 })), { allowed: true, count: 10 });
      assert.deepEqual(await store.hitRateLimit(hit('big', { limit: 2, cost: 3 })), { allowed: false, count: 0 });
      assert.deepEqual(await store.hitRateLimit(hit('k', { limit: 10, cost: 11 })), { allowed: false, count: 10 });
    },
  },
  {
    name: '30 concurrent hits against a limit of 10: exactly 10 are allowed',
    async run({ store }) {
      const hit = hitsOfRun();
      const results = await Promise.all(Array.from({ length: 30 }, () => store.hitRateLimit(hit('hot', { limit: 10 }))));
      assert.equal(results.filter((r) => r.allowed).length, 10);
      assert.deepEqual(await store.hitRateLimit(hit('hot', { limit: 10 })), { allowed: false, count: 10 });
    },
  },
  {
    name: 'a window outlives its end: a late hit after the next window opened still counts in it',
    async run({ store }) {
      const hit = hitsOfRun();
      for (let i = 0; i < 3; i += 1) await store.hitRateLimit(hit('k'));
      // The next window opens (the clock passed the boundary) ...
      assert.deepEqual(await store.hitRateLimit(hit('k', { windowStart: NEXT_WINDOW })), { allowed: true, count: 1 });
      // ... while a request that took its window before the boundary is still on its way: the full window refuses it.
      assert.deepEqual(await store.hitRateLimit(hit('k')), { allowed: false, count: 3 });
      assert.deepEqual(await store.hitRateLimit(hit('k', { windowStart: NEXT_WINDOW })), { allowed: true, count: 2 });
    },
  },
  {
    name: 'concurrent hits straddling a window boundary are counted exactly, each in its own window, without errors',
    async run({ store }) {
      const hit = hitsOfRun();
      const limit = 12;
      for (let i = 0; i < 4; i += 1) await store.hitRateLimit(hit('edge', { limit }));
      // 40 hits at once, alternating between the window that is ending and the one that starts.
      const windows = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? WINDOW : NEXT_WINDOW));
      const settled = await Promise.allSettled(windows.map((windowStart) => store.hitRateLimit(hit('edge', { windowStart, limit }))));
      const failures = settled.filter((outcome) => outcome.status === 'rejected');
      assert.deepEqual(failures, [], 'no hit may fail');
      const results = settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : assert.fail('unreachable')));
      const inWindow = (start: Date) => results.filter((_, i) => windows[i] === start);
      for (const [start, before] of [
        [WINDOW, 4],
        [NEXT_WINDOW, 0],
      ] as const) {
        const allowed = inWindow(start).filter((r) => r.allowed);
        // Each counted hit saw its own count: before+1 ... limit, once each.
        assert.deepEqual(
          allowed.map((r) => r.count).sort((a, b) => a - b),
          Array.from({ length: Math.min(20, limit - before) }, (_, i) => before + i + 1),
        );
        for (const refused of inWindow(start).filter((r) => !r.allowed)) assert.deepEqual(refused, { allowed: false, count: limit });
      }
      assert.deepEqual(await store.hitRateLimit(hit('edge', { limit, cost: limit + 1 })), { allowed: false, count: limit });
      assert.deepEqual(await store.hitRateLimit(hit('edge', { windowStart: NEXT_WINDOW, limit, cost: limit + 1 })), { allowed: false, count: limit });
    },
  },
  {
    name: 'hitRateLimit rejects a key with a control character or a lone surrogate, empty or over 200 characters, with ValidationError',
    async run({ store }) {
      const hit = hitsOfRun();
      const base = hit('k');
      const bad = [
        `${base.key}\u0000`,
        `${base.key}\u0007x`,
        `${base.key}\u007f`,
        `${base.key}\u0085`,
        `${base.key}\ud800`,
        `\udc00${base.key}`,
        '',
        'k'.repeat(201),
      ];
      for (const key of bad) await rejectsWithCode(store.hitRateLimit({ ...base, key }), 'validation_failed');
      // Nothing was counted under the key the bad ones started with.
      assert.deepEqual(await store.hitRateLimit(base), { allowed: true, count: 1 });
      // 200 UTF-16 code units is the limit, astral characters (two units, four UTF-8 bytes) included.
      const room = 200 - base.key.length;
      const astral = `${'\u{1f600}'.repeat(room / 2)}${base.key}`;
      assert.equal(astral.length, 200);
      assert.deepEqual(await store.hitRateLimit({ ...base, key: astral }), { allowed: true, count: 1 });
      assert.deepEqual(await store.hitRateLimit({ ...base, key: `${'k'.repeat(room)}${base.key}` }), { allowed: true, count: 1 });
    },
  },
] as const satisfies readonly StoreConformanceCase[];
