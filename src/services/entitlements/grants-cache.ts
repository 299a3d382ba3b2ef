import { LRUCache } from 'lru-cache';
import type { TenantGrants } from '../../store/entitlement-records.js';

/** Options of the optional grants cache. */
export interface GrantsCacheOptions {
  /** Most tenants kept; least recently used are evicted first. */
  readonly max: number;
  /**
   * How long a tenant's grants may be served, in milliseconds. Provisioning
   * through this instance invalidates at once; the TTL bounds how late this
   * instance sees provisioning done by other instances.
   */
  readonly ttlMs: number;
}

/**
 * Caches each tenant's grants (packages, boosts, namespace limits) between
 * consumptions. Caches the promise, so concurrent consumptions share one
 * read, and drops it on failure. The promise is stored synchronously when the
 * read starts, so an invalidation always removes it: a read that began before
 * a provisioning change is never served after it.
 */
export class GrantsCache {
  readonly #entries: LRUCache<string, Promise<TenantGrants>>;
  #suspended = false;

  constructor(options: GrantsCacheOptions) {
    this.#entries = new LRUCache<string, Promise<TenantGrants>>({ max: options.max, ttl: options.ttlMs });
  }

  read(tenantId: string, load: () => Promise<TenantGrants>): Promise<TenantGrants> {
    // Suspended (the bus is down): read storage every time, keep nothing.
    if (this.#suspended) return load();
    const hit = this.#entries.get(tenantId);
    if (hit !== undefined) return hit;
    const pending: Promise<TenantGrants> = load().catch((error: unknown) => {
      if (this.#entries.get(tenantId) === pending) this.#entries.delete(tenantId);
      throw error;
    });
    this.#entries.set(tenantId, pending);
    return pending;
  }

  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
  }

  /** Stops serving and storing, and forgets everything (the bus lost its connection). */
  suspend(): void {
    this.#suspended = true;
    this.#entries.clear();
  }

  /** Serves again, starting empty. */
  resume(): void {
    this.#entries.clear();
    this.#suspended = false;
  }
}
