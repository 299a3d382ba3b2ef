import { LRUCache } from 'lru-cache';
import type { MembershipFact } from '../../core/decisions/decision.js';

/** Options of the optional cross-request membership cache. */
export interface MembershipCacheOptions {
  /** Most entries kept (one per tenant and user); least recently used are evicted first. */
  readonly max: number;
  /** How long an entry may be served, in milliseconds. Bounds staleness for changes made outside tenantry. */
  readonly ttlMs: number;
}

/** A cached value, boxed so that `undefined` ("not a member") can be cached too. */
export interface CacheHit<V> {
  readonly value: V;
}

/**
 * Cross-request cache of membership lookups, bounded and with a TTL. The
 * instance caches the resolved per-tenant access object (role, bitmask,
 * built decisions), so a later request's check is served synchronously;
 * `V` defaults to the plain membership fact.
 *
 * Correctness under concurrency rests on a generation counter: a lookup
 * remembers the generation it started in, and stores its result only if no
 * invalidation happened meanwhile. Without it, a read that began before a
 * role was revoked could finish after the invalidation and put the revoked
 * role back for a whole TTL.
 */
export class MembershipCache<V = MembershipFact | undefined> {
  readonly #entries: LRUCache<string, CacheHit<V>>;
  #generation = 0;

  constructor(options: MembershipCacheOptions) {
    this.#entries = new LRUCache<string, CacheHit<V>>({ max: options.max, ttl: options.ttlMs });
  }

  /** The cached entry, synchronously (for the hot path), or `undefined` on a miss. */
  peek(tenantId: string, userId: string): CacheHit<V> | undefined {
    return this.#entries.get(cacheKey(tenantId, userId));
  }

  /** Returns the cached value, or loads it with `load` and caches it when no invalidation raced the load. */
  async lookup(tenantId: string, userId: string, load: () => Promise<V>): Promise<V> {
    const key = cacheKey(tenantId, userId);
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit.value;

    const generation = this.#generation;
    const value = await load();
    if (generation === this.#generation) this.#entries.set(key, Object.freeze({ value }));
    return value;
  }

  /** Forgets one (tenant, user) pair, or every entry of the tenant when `userId` is omitted. */
  invalidate(tenantId: string, userId?: string): void {
    this.#generation += 1;
    if (userId !== undefined) {
      this.#entries.delete(cacheKey(tenantId, userId));
      return;
    }
    const prefix = `${tenantId}\u0000`;
    for (const key of this.#entries.keys()) {
      if (key.startsWith(prefix)) this.#entries.delete(key);
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  /** Number of live entries (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }
}

/** NUL cannot occur in validated ids, so the key is unambiguous. */
function cacheKey(tenantId: string, userId: string): string {
  return `${tenantId}\u0000${userId}`;
}
