import type { RateLimitHit, RateLimitResult } from '../../store/rate-limit-operations.js';
import type { Undo } from './memory-tables.js';

/** Fixed-window counters in memory; expired windows are pruned as new ones open. */
export class MemoryRateLimitTables {
  readonly #windows = new Map<string, { count: number; readonly expiresAt: number }>();

  hitRateLimit(hit: RateLimitHit, undo: Undo[]): RateLimitResult {
    const key = `${hit.key}\u0000${hit.windowStart.getTime()}`;
    const window = this.#windows.get(key);
    const count = window?.count ?? 0;
    if (count + hit.cost > hit.limit) return { allowed: false, count };
    if (window === undefined) {
      this.#prune(hit.windowStart.getTime());
      this.#windows.set(key, { count: hit.cost, expiresAt: hit.expiresAt.getTime() });
      undo.push(() => this.#windows.delete(key));
    } else {
      window.count += hit.cost;
      undo.push(() => {
        window.count -= hit.cost;
      });
    }
    return { allowed: true, count: count + hit.cost };
  }

  /** Drops windows that ended before `now`, so the map stays bounded by the live windows. */
  #prune(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.expiresAt <= now) this.#windows.delete(key);
    }
  }
}
