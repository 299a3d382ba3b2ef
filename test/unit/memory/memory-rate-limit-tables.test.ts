import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitTables } from '../../../src/adapters/memory/memory-rate-limit-tables.js';
import { MinHeap } from '../../../src/adapters/memory/min-heap.js';
import type { RateLimitHit } from '../../../src/store/rate-limit-operations.js';
import { RATE_LIMIT_RETENTION_MS } from '../../../src/store/rate-limit-hit-rules.js';

const WINDOW_MS = 60_000;
const START = Date.parse('2024-03-10T12:00:00.000Z');

function hit(key: string, windowStart: number, windowMs = WINDOW_MS): RateLimitHit {
  return { key, windowStart: new Date(windowStart), expiresAt: new Date(windowStart + windowMs), limit: 10, cost: 1 };
}

/**
 * Counts every step of every iteration over a Map or a Set (for-of,
 * `entries()`, `keys()`, `values()`, `forEach`) while `work` runs: the
 * entries a data structure touches, whatever it does with them.
 */
function iterationSteps(work: () => void): number {
  let steps = 0;
  const restore: (() => void)[] = [];
  for (const proto of [Map.prototype, Set.prototype] as unknown as Record<PropertyKey, unknown>[]) {
    for (const name of ['entries', 'keys', 'values', Symbol.iterator] as const) {
      const original = proto[name] as (this: unknown) => Iterator<unknown>;
      proto[name] = function counted(this: unknown) {
        const iterator = original.call(this);
        return {
          next: () => {
            steps += 1;
            return iterator.next();
          },
          [Symbol.iterator]() {
            return this;
          },
        };
      };
      restore.push(() => (proto[name] = original));
    }
    const forEach = proto.forEach as (this: unknown, callback: (...args: unknown[]) => void) => void;
    proto.forEach = function counted(this: unknown, callback: (...args: unknown[]) => void) {
      forEach.call(this, (...args: unknown[]) => {
        steps += 1;
        callback(...args);
      });
    };
    restore.push(() => (proto.forEach = forEach));
  }
  try {
    work();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return steps;
}

describe('memory rate-limit tables', () => {
  it('touches no other window on a hit, however many keys the window holds', () => {
    const tables = new MemoryRateLimitTables();
    const keys = 5000;
    const perHit: number[] = [];
    for (let i = 0; i < keys; i += 1) {
      const steps = iterationSteps(() => tables.hitRateLimit(hit(`key-${String(i)}`, START), []));
      if (i % 1000 === 0 || i === keys - 1) perHit.push(steps);
    }
    expect(perHit).toEqual(Array.from({ length: perHit.length }, () => 0));
    // A second hit on an existing key is as cheap.
    let again: unknown;
    expect(
      iterationSteps(() => {
        again = tables.hitRateLimit(hit('key-42', START), []);
      }),
    ).toBe(0);
    expect(again).toEqual({ allowed: true, count: 2 });
  });

  it('prunes expired windows by visiting each once, and keeps those within the retention', () => {
    const tables = new MemoryRateLimitTables();
    for (let i = 0; i < 3000; i += 1) tables.hitRateLimit(hit(`old-${String(i)}`, START), []);
    for (let i = 0; i < 2000; i += 1) tables.hitRateLimit(hit(`recent-${String(i)}`, START + WINDOW_MS), []);
    // A hit whose window starts when the START window has been over for longer than the retention.
    const late = START + 2 * WINDOW_MS + RATE_LIMIT_RETENTION_MS;
    const steps = iterationSteps(() => tables.hitRateLimit(hit('new', late), []));
    // The 3000 expired windows, plus the end of their set.
    expect(steps).toBe(3001);
    // Nothing is left to prune: the next hit visits nothing.
    expect(iterationSteps(() => tables.hitRateLimit(hit('new', late), []))).toBe(0);
    // Pruned windows start again; kept ones kept their count.
    expect(tables.hitRateLimit(hit('old-7', START), [])).toEqual({ allowed: true, count: 1 });
    expect(tables.hitRateLimit(hit('recent-7', START + WINDOW_MS), [])).toEqual({ allowed: true, count: 2 });
  });

  it('prunes a window re-created after an undo under its new expiry only', () => {
    const tables = new MemoryRateLimitTables();
    const undo: (() => void)[] = [];
    tables.hitRateLimit(hit('k', START), undo);
    for (const step of undo.reverse()) step();
    // Same window start, longer window: a later expiry.
    tables.hitRateLimit(hit('k', START, 10 * WINDOW_MS), []);
    tables.hitRateLimit(hit('other', START + WINDOW_MS + RATE_LIMIT_RETENTION_MS + 1), []);
    expect(tables.hitRateLimit(hit('k', START, 10 * WINDOW_MS), [])).toEqual({ allowed: true, count: 2 });
  });
});

describe('MinHeap', () => {
  it('pops its values in ascending order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new MinHeap();
        for (const value of values) heap.push(value);
        const popped: number[] = [];
        for (let value = heap.pop(); value !== undefined; value = heap.pop()) popped.push(value);
        expect(popped).toEqual([...values].sort((a, b) => a - b));
        expect(heap.peek()).toBeUndefined();
      }),
    );
  });
});
