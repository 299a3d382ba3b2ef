import type { MembershipFact } from '../../core/decisions/decision.js';

/** Options of the optional cross-request membership cache. */
export interface MembershipCacheOptions {
  /**
   * Most entries kept (one per tenant and user). When full, the oldest entry
   * not read since it was last passed over is evicted first (the CLOCK
   * approximation of least recently used).
   */
  readonly max: number;
  /** How long an entry may be served, in milliseconds. Bounds staleness for changes made outside tenantry. */
  readonly ttlMs: number;
}

/** A cached value, boxed so that `undefined` ("not a member") can be cached too. */
export interface CacheHit<V> {
  readonly value: V;
}

/** A stored entry: the hit itself, its deadline, and the CLOCK reference bit. */
interface Slot<V> extends CacheHit<V> {
  readonly expiresAt: number;
  used: boolean;
}

/**
 * Cross-request cache of membership lookups, bounded and with a TTL.
 *
 * A hit is on every request's path, so it is one `Map` lookup, one clock
 * read and one flag write: no recency list to reorder and no options object
 * (a general-purpose LRU spent a quarter of the per-request path in its
 * `get`, see docs/benchmarks.md). Eviction is CLOCK (second chance): the
 * `Map` keeps insertion order, and an entry read since it was last passed
 * over is moved to the back instead of evicted. The
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
  readonly #entries = new Map<string, Slot<V>>();
  readonly #max: number;
  readonly #ttlMs: number;
  #generation = 0;
  #suspended = false;

  constructor(options: MembershipCacheOptions) {
    this.#max = options.max;
    this.#ttlMs = options.ttlMs;
  }

  /** The cached entry, synchronously (for the hot path), or `undefined` on a miss or an expired entry. */
  peek(tenantId: string, userId: string): CacheHit<V> | undefined {
    return this.#get(cacheKey(tenantId, userId));
  }

  /** Returns the cached value, or loads it with `load` and caches it when no invalidation raced the load. */
  async lookup(tenantId: string, userId: string, load: () => Promise<V>): Promise<V> {
    // Suspended (the bus is down): every lookup reads storage, nothing is kept.
    if (this.#suspended) return load();
    const key = cacheKey(tenantId, userId);
    const hit = this.#get(key);
    if (hit !== undefined) return hit.value;

    const generation = this.#generation;
    const value = await load();
    if (generation === this.#generation) this.#set(key, value);
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

  /**
   * Stops serving and storing entries and forgets every one (the bus lost
   * its connection: invalidations may be missed from now on). Lookups
   * already in flight do not store their result either (generation).
   * `peek()` finds nothing while suspended: nothing is stored.
   */
  suspend(): void {
    this.#suspended = true;
    this.clear();
  }

  /** Serves again, starting empty (what was missed while suspended cannot be in it). */
  resume(): void {
    this.clear();
    this.#suspended = false;
  }

  /** Number of entries held (expired ones included until they are read or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  #get(key: string): Slot<V> | undefined {
    const slot = this.#entries.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= performance.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    slot.used = true;
    return slot;
  }

  #set(key: string, value: V): void {
    const entries = this.#entries;
    entries.delete(key);
    entries.set(key, { value, expiresAt: performance.now() + this.#ttlMs, used: false });
    while (entries.size > this.#max) this.#evictOne();
  }

  /** Evicts the oldest entry not read since it was last passed over; read ones get a second chance at the back. */
  #evictOne(): void {
    const entries = this.#entries;
    const now = performance.now();
    for (const [key, slot] of entries) {
      entries.delete(key);
      if (!slot.used || slot.expiresAt <= now) return;
      slot.used = false;
      entries.set(key, slot);
    }
  }
}

/** NUL cannot occur in validated ids, so the key is unambiguous. */
function cacheKey(tenantId: string, userId: string): string {
  return `${tenantId}\u0000${userId}`;
}
