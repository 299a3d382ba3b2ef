import { assertValidRateLimitHit, rateLimitPruneCutoff } from '../../store/rate-limit-hit-rules.js';
import type { RateLimitHit, RateLimitResult } from '../../store/rate-limit-operations.js';
import type { Undo } from './memory-tables.js';
import { MinHeap } from './min-heap.js';
import { assertValidDates } from './valid-date.js';

interface Window {
  count: number;
  readonly expiresAt: number;
}

/**
 * Fixed-window counters in memory. Every hit costs O(1) map operations
 * whatever the number of live windows (plus O(log e) for a window with a new
 * expiry instant, e being the number of distinct instants, one per window
 * length in use): windows are indexed by expiry instant, so pruning visits
 * only the windows it deletes, each once. Windows are pruned by the same rule
 * as the Kysely store's (`RATE_LIMIT_RETENTION_MS` after they end).
 */
export class MemoryRateLimitTables {
  readonly #windows = new Map<string, Window>();
  /** The keys of `#windows` by expiry instant; may still name windows an undo removed. */
  readonly #keysByExpiry = new Map<number, Set<string>>();
  /** The instants of `#keysByExpiry`. */
  readonly #expiries = new MinHeap();

  hitRateLimit(hit: RateLimitHit, undo: Undo[]): RateLimitResult {
    assertValidRateLimitHit(hit);
    assertValidDates(hit.windowStart, hit.expiresAt);
    this.#prune(rateLimitPruneCutoff(hit).getTime());
    // Validated keys hold no control character, so NUL cannot occur inside one.
    const key = `${hit.key}\u0000${String(hit.windowStart.getTime())}`;
    const window = this.#windows.get(key);
    const count = window?.count ?? 0;
    if (count + hit.cost > hit.limit) return { allowed: false, count };
    if (window === undefined) {
      const expiresAt = hit.expiresAt.getTime();
      this.#windows.set(key, { count: hit.cost, expiresAt });
      this.#index(key, expiresAt);
      undo.push(() => this.#windows.delete(key));
    } else {
      window.count += hit.cost;
      undo.push(() => {
        window.count -= hit.cost;
      });
    }
    return { allowed: true, count: count + hit.cost };
  }

  #index(key: string, expiresAt: number): void {
    const keys = this.#keysByExpiry.get(expiresAt);
    if (keys !== undefined) {
      keys.add(key);
      return;
    }
    this.#keysByExpiry.set(expiresAt, new Set([key]));
    this.#expiries.push(expiresAt);
  }

  /** `store.prune`: deletes at most `max` windows that ended before `cutoff`; returns how many. Pruning is never undone (as on a hit). */
  pruneBefore(cutoff: Date, max: number): number {
    let deleted = 0;
    for (const [key, window] of this.#windows) {
      if (deleted >= max) break;
      if (window.expiresAt >= cutoff.getTime()) continue;
      this.#windows.delete(key);
      deleted += 1;
    }
    return deleted;
  }

  /** Deletes the windows that ended before `cutoff`, visiting nothing else. */
  #prune(cutoff: number): void {
    for (let earliest = this.#expiries.peek(); earliest !== undefined && earliest < cutoff; earliest = this.#expiries.peek()) {
      this.#expiries.pop();
      for (const key of this.#keysByExpiry.get(earliest) ?? []) {
        // A key re-created (after an undo) with another expiry belongs to that instant.
        if (this.#windows.get(key)?.expiresAt === earliest) this.#windows.delete(key);
      }
      this.#keysByExpiry.delete(earliest);
    }
  }
}
