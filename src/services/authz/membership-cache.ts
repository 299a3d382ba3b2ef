import { LRUCache } from 'lru-cache';
import type { MembershipFact } from '../../core/decisions/decision.js';

/** Options of the optional cross-request membership cache. */
export interface MembershipCacheOptions {
  /** Most entries kept (one per tenant and user); least recently used are evicted first. */
  readonly max: number;
  /** How long an entry may be served, in milliseconds. Bounds staleness for changes made outside tenantry. */
  readonly ttlMs: number;
}

/** What the cache remembers for a (tenant, user) pair. `null` caches "not a member". */
type Entry = { readonly role: string } | { readonly role: null };

const NOT_A_MEMBER: Entry = Object.freeze({ role: null });

/**
 * Cross-request cache of membership lookups, bounded and with a TTL.
 *
 * Correctness under concurrency rests on a generation counter: a lookup
 * remembers the generation it started in, and stores its result only if no
 * invalidation happened meanwhile. Without it, a read that began before a
 * role was revoked could finish after the invalidation and put the revoked
 * role back for a whole TTL.
 */
export class MembershipCache {
  readonly #entries: LRUCache<string, Entry>;
  #generation = 0;
  #suspended = false;

  constructor(options: MembershipCacheOptions) {
    this.#entries = new LRUCache<string, Entry>({ max: options.max, ttl: options.ttlMs });
  }

  /** Returns the cached fact, or loads it with `load` and caches it when no invalidation raced the load. */
  async lookup(tenantId: string, userId: string, load: () => Promise<MembershipFact | undefined>): Promise<MembershipFact | undefined> {
    // Suspended (the bus is down): every lookup reads storage, nothing is kept.
    if (this.#suspended) return load();
    const key = cacheKey(tenantId, userId);
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit.role === null ? undefined : hit;

    const generation = this.#generation;
    const fact = await load();
    if (generation === this.#generation) {
      this.#entries.set(key, fact === undefined ? NOT_A_MEMBER : Object.freeze({ role: fact.role }));
    }
    return fact;
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

  /** Number of live entries (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }
}

/** NUL cannot occur in validated ids, so the key is unambiguous. */
function cacheKey(tenantId: string, userId: string): string {
  return `${tenantId}\u0000${userId}`;
}
