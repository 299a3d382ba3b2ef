import type { MembershipFact } from '../../core/decisions/decision.js';
import { CoarseClock, type TtlClock } from './coarse-clock.js';

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

/**
 * A stored entry: the hit itself, its deadline, the CLOCK reference bit, and
 * its place in the eviction queue. It remembers the tenant's map it was put
 * in, so the queue can tell a live entry from one that was invalidated,
 * replaced or expired without being unlinked.
 */
interface Slot<V> extends CacheHit<V> {
  readonly expiresAt: number;
  readonly userId: string;
  readonly users: Map<string, Slot<V>>;
  readonly tenantId: string;
  used: boolean;
  next: Slot<V> | undefined;
}

/**
 * Cross-request cache of membership lookups, bounded and with a TTL.
 *
 * A hit is on every request's path, so it is two `Map` lookups on the
 * caller's own strings (tenant, then user: no key is concatenated, so V8
 * hashes nothing new; an id's hash is cached on the string), one read of a
 * coarse clock (see {@link CoarseClock}) and one flag write. Invalidating a
 * tenant is one `delete` of its map.
 *
 * Eviction is CLOCK (second chance) over a FIFO queue of slots: the oldest
 * slot is evicted unless it was read since it was last passed over, in which
 * case it goes to the back. Entries dropped early (invalidated, replaced,
 * expired) stay in the queue as dead slots until the hand passes them, and
 * take no place among the `max` entries; once dead slots outnumber `max`,
 * one sweep drops them all (amortized constant per insertion), so memory
 * stays bounded by twice `max` slots.
 *
 * The instance caches the resolved per-tenant access object (role, bitmask,
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
  #tenants = new Map<string, Map<string, Slot<V>>>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #clock: TtlClock;
  /** The eviction queue: oldest first. */
  #head: Slot<V> | undefined;
  #tail: Slot<V> | undefined;
  /** Slots in the queue, dead ones included (at most twice `max`). */
  #queued = 0;
  /** Live entries. */
  #size = 0;
  #generation = 0;
  #suspended = false;

  /** `clock` is for tests; the default reads `performance.now()` at most once per event-loop turn. */
  constructor(options: MembershipCacheOptions, clock: TtlClock = new CoarseClock()) {
    this.#max = options.max;
    this.#ttlMs = options.ttlMs;
    this.#clock = clock;
  }

  /** The cached entry, synchronously (for the hot path), or `undefined` on a miss or an expired entry. */
  peek(tenantId: string, userId: string): CacheHit<V> | undefined {
    const users = this.#tenants.get(tenantId);
    if (users === undefined) return undefined;
    const slot = users.get(userId);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= this.#clock.now()) {
      this.#drop(users, slot);
      return undefined;
    }
    slot.used = true;
    return slot;
  }

  /** Returns the cached value, or loads it with `load` and caches it when no invalidation raced the load. */
  async lookup(tenantId: string, userId: string, load: () => Promise<V>): Promise<V> {
    // Suspended (the bus is down): every lookup reads storage, nothing is kept.
    if (this.#suspended) return load();
    const hit = this.peek(tenantId, userId);
    if (hit !== undefined) return hit.value;

    const generation = this.#generation;
    const value = await load();
    if (generation === this.#generation) this.#set(tenantId, userId, value);
    return value;
  }

  /** Forgets one (tenant, user) pair, or every entry of the tenant when `userId` is omitted. */
  invalidate(tenantId: string, userId?: string): void {
    this.#generation += 1;
    const users = this.#tenants.get(tenantId);
    if (users === undefined) return;
    if (userId === undefined) {
      // One delete: the tenant's slots become dead in the queue.
      this.#size -= users.size;
      this.#tenants.delete(tenantId);
      return;
    }
    const slot = users.get(userId);
    if (slot !== undefined) this.#drop(users, slot);
  }

  /** Forgets everything. */
  clear(): void {
    this.#generation += 1;
    this.#tenants = new Map();
    this.#head = undefined;
    this.#tail = undefined;
    this.#queued = 0;
    this.#size = 0;
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
    return this.#size;
  }

  /** Removes a live entry from its tenant's map; its slot stays in the queue, dead. */
  #drop(users: Map<string, Slot<V>>, slot: Slot<V>): void {
    users.delete(slot.userId);
    this.#size -= 1;
    if (users.size === 0 && this.#tenants.get(slot.tenantId) === users) this.#tenants.delete(slot.tenantId);
  }

  #isLive(slot: Slot<V>): boolean {
    return slot.users.get(slot.userId) === slot && this.#tenants.get(slot.tenantId) === slot.users;
  }

  #set(tenantId: string, userId: string, value: V): void {
    let users = this.#tenants.get(tenantId);
    if (users === undefined) this.#tenants.set(tenantId, (users = new Map<string, Slot<V>>()));
    const previous = users.get(userId);
    if (previous !== undefined) this.#drop(users, previous);
    // #drop may have removed the tenant's map when it emptied it.
    if (this.#tenants.get(tenantId) !== users) this.#tenants.set(tenantId, users);
    const slot: Slot<V> = { value, expiresAt: this.#clock.fresh() + this.#ttlMs, userId, users, tenantId, used: false, next: undefined };
    users.set(userId, slot);
    this.#size += 1;
    this.#enqueue(slot);
    while (this.#size > this.#max) this.#evictOne();
    if (this.#queued > 2 * this.#max) this.#sweep();
  }

  /** Drops every dead slot from the queue, keeping the order of the live ones. */
  #sweep(): void {
    let slot = this.#head;
    this.#head = undefined;
    this.#tail = undefined;
    this.#queued = 0;
    while (slot !== undefined) {
      const next = slot.next;
      if (this.#isLive(slot)) this.#enqueue(slot);
      slot = next;
    }
  }

  #enqueue(slot: Slot<V>): void {
    slot.next = undefined;
    if (this.#tail === undefined) this.#head = slot;
    else this.#tail.next = slot;
    this.#tail = slot;
    this.#queued += 1;
  }

  #dequeue(): Slot<V> | undefined {
    const slot = this.#head;
    if (slot === undefined) return undefined;
    this.#head = slot.next;
    if (this.#head === undefined) this.#tail = undefined;
    slot.next = undefined;
    this.#queued -= 1;
    return slot;
  }

  /**
   * Evicts the oldest live entry not read since it was last passed over (or
   * expired); dead slots on the way are dropped, and a read entry gets a
   * second chance at the back.
   */
  #evictOne(): void {
    const now = this.#clock.now();
    for (let slot = this.#dequeue(); slot !== undefined; slot = this.#dequeue()) {
      if (!this.#isLive(slot)) continue;
      if (!slot.used || slot.expiresAt <= now) {
        this.#drop(slot.users, slot);
        return;
      }
      slot.used = false;
      this.#enqueue(slot);
    }
  }
}
