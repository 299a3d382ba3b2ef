import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TtlClock } from '../../src/services/authz/coarse-clock.js';
import { MembershipCache } from '../../src/services/authz/membership-cache.js';

/**
 * The reference: the cache as it was before the nested-map rewrite, one
 * `Map` keyed by `${tenantId}\0${userId}` in insertion order, CLOCK eviction
 * over that order, expiry on read and when the hand passes. The nested
 * cache (dead slots in its queue, one-delete tenant invalidation, sweeps)
 * must hold exactly the same entries after any sequence of operations.
 */
class ReferenceCache {
  readonly entries = new Map<string, { value: string; expiresAt: number; used: boolean }>();
  constructor(
    readonly max: number,
    readonly ttlMs: number,
    readonly clock: { t: number },
  ) {}
  peek(tenantId: string, userId: string): string | undefined {
    const key = `${tenantId}\u0000${userId}`;
    const slot = this.entries.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= this.clock.t) {
      this.entries.delete(key);
      return undefined;
    }
    slot.used = true;
    return slot.value;
  }
  set(tenantId: string, userId: string, value: string): void {
    const key = `${tenantId}\u0000${userId}`;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock.t + this.ttlMs, used: false });
    while (this.entries.size > this.max) {
      for (const [k, slot] of this.entries) {
        this.entries.delete(k);
        if (!slot.used || slot.expiresAt <= this.clock.t) break;
        slot.used = false;
        this.entries.set(k, slot);
      }
    }
  }
  invalidate(tenantId: string, userId?: string): void {
    if (userId !== undefined) this.entries.delete(`${tenantId}\u0000${userId}`);
    else for (const key of this.entries.keys()) if (key.startsWith(`${tenantId}\u0000`)) this.entries.delete(key);
  }
}

const tenantArb = fc.constantFrom('t1', 't2', 't3', 't4');
const userArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const operationArb = fc.oneof(
  fc.record({ op: fc.constant('set' as const), tenantId: tenantArb, userId: userArb, value: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant('peek' as const), tenantId: tenantArb, userId: userArb }),
  fc.record({ op: fc.constant('invalidateUser' as const), tenantId: tenantArb, userId: userArb }),
  fc.record({ op: fc.constant('invalidateTenant' as const), tenantId: tenantArb }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('clear' as const) }),
);

describe('membership cache (nested maps, CLOCK queue with dead slots)', () => {
  it('holds exactly the entries of the single-map reference after any sequence of operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(operationArb, { maxLength: 120, size: 'max' }), async (max, operations) => {
        const time = { t: 1_000 };
        const clock: TtlClock = { now: () => time.t, fresh: () => time.t };
        const cache = new MembershipCache<string>({ max, ttlMs: 50 }, clock);
        const reference = new ReferenceCache(max, 50, time);
        for (const operation of operations) {
          switch (operation.op) {
            case 'set':
              // A lookup that misses stores what it loaded (a hit returns the cached value instead, as the reference's peek would).
              if (reference.peek(operation.tenantId, operation.userId) === undefined) reference.set(operation.tenantId, operation.userId, operation.value);
              await cache.lookup(operation.tenantId, operation.userId, () => Promise.resolve(operation.value));
              break;
            case 'peek':
              expect(cache.peek(operation.tenantId, operation.userId)?.value).toBe(reference.peek(operation.tenantId, operation.userId));
              break;
            case 'invalidateUser':
              cache.invalidate(operation.tenantId, operation.userId);
              reference.invalidate(operation.tenantId, operation.userId);
              break;
            case 'invalidateTenant':
              cache.invalidate(operation.tenantId);
              reference.invalidate(operation.tenantId);
              break;
            case 'tick':
              time.t += operation.ms;
              break;
            case 'clear':
              cache.clear();
              reference.entries.clear();
              break;
          }
          expect(cache.size).toBe(reference.entries.size);
          expect(cache.size).toBeLessThanOrEqual(max);
        }
        // Same live entries (reading them all, in the same order, on both sides).
        for (const key of [...reference.entries.keys()]) {
          const [tenantId, userId] = key.split('\u0000') as [string, string];
          const expected = reference.entries.get(key)!;
          if (expected.expiresAt > time.t) expect(cache.peek(tenantId, userId)?.value).toBe(expected.value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its eviction queue bounded when entries are invalidated and stored again without ever filling up', async () => {
    const cache = new MembershipCache<string>({ max: 4, ttlMs: 60_000 });
    for (let i = 0; i < 1_000; i += 1) {
      await cache.lookup('t', 'u', () => Promise.resolve('owner'));
      cache.invalidate('t');
    }
    expect(cache.size).toBe(0);
    // The queue is private; its bound shows in behaviour: a full cache still evicts the right (unread) entry.
    for (const user of ['a', 'b', 'c', 'd']) await cache.lookup('t', user, () => Promise.resolve(user));
    cache.peek('t', 'a');
    await cache.lookup('t', 'e', () => Promise.resolve('e'));
    expect(cache.peek('t', 'b')).toBeUndefined();
    expect(cache.peek('t', 'a')?.value).toBe('a');
  });

  it('an invalidated entry frees its place at once (no live entry is evicted for a dead slot)', async () => {
    const cache = new MembershipCache<string>({ max: 3, ttlMs: 60_000 });
    for (const user of ['a', 'b', 'c']) await cache.lookup('t', user, () => Promise.resolve(user));
    cache.invalidate('t', 'b');
    await cache.lookup('t', 'd', () => Promise.resolve('d'));
    expect(cache.size).toBe(3);
    for (const user of ['a', 'c', 'd']) expect(cache.peek('t', user)?.value).toBe(user);
  });

  it('tenant invalidation leaves other tenants and a later entry of the same tenant intact', async () => {
    const cache = new MembershipCache<string>({ max: 10, ttlMs: 60_000 });
    await cache.lookup('t1', 'a', () => Promise.resolve('1a'));
    await cache.lookup('t2', 'a', () => Promise.resolve('2a'));
    cache.invalidate('t1');
    await cache.lookup('t1', 'b', () => Promise.resolve('1b'));
    expect(cache.peek('t1', 'a')).toBeUndefined();
    expect(cache.peek('t1', 'b')?.value).toBe('1b');
    expect(cache.peek('t2', 'a')?.value).toBe('2a');
    expect(cache.size).toBe(2);
  });
});
