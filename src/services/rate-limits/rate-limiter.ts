import { z } from 'zod';
import { parseInput } from '../../core/validation/parse-input.js';
import type { RateLimitOperations } from '../../store/index.js';

/** Input of `tenantry.limiter.hit`. */
export interface RateLimitHitInput {
  /** What is limited, e.g. `invitations:<selector>` or `login:<ip>`. At most 200 characters; see the rate-limit key rule. */
  readonly key: string;
  /** Most hits (counting `cost`) allowed per window. */
  readonly limit: number;
  /** Length of the fixed window, in milliseconds. */
  readonly windowMs: number;
  /** Weight of this hit, a positive integer. Default is 1. */
  readonly cost?: number;
}

/** Outcome of a rate-limited hit. */
export interface RateLimitDecision {
  /** True when the hit was counted (the window had room). */
  readonly allowed: boolean;
  readonly limit: number;
  /** The window's count after this call (unchanged when refused). */
  readonly count: number;
  /** Hits left in the window. */
  readonly remaining: number;
  /** When the current window ends (and the count starts again). */
  readonly resetAt: Date;
  /**
   * Milliseconds from the hit (on the instance clock) until `resetAt`: how
   * long a refused caller must wait before the count starts again. Read it
   * rather than `resetAt - Date.now()`, which disagrees with a test clock.
   */
  readonly resetInMs: number;
}

const hitSchema = z
  .object({
    key: z.string(),
    limit: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    windowMs: z
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 3_600_000),
    cost: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

/**
 * Store-backed fixed-window rate limiting: the limit holds across every
 * instance that shares the store, because the count and its guard are one
 * atomic store write. Used by the HTTP `rateLimit()` guard and by the
 * attempt limits of security-sensitive operations.
 */
export class RateLimiter {
  readonly #store: RateLimitOperations;
  readonly #now: () => Date;

  constructor(store: RateLimitOperations, now: () => Date) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Counts one hit of `cost` against the window `now` falls into, if the
   * window stays within `limit`. A key that breaks the rate-limit key rule is
   * a `ValidationError`; a failing store is `StorageUnavailableError` (fail
   * closed: treat it as a refusal).
   */
  async hit(input: RateLimitHitInput): Promise<RateLimitDecision> {
    const { key, limit, windowMs, cost = 1 } = parseInput(hitSchema, input, 'rate-limit hit');
    const now = this.#now().getTime();
    const start = Math.floor(now / windowMs) * windowMs;
    const end = start + windowMs;
    const result = await this.#store.hitRateLimit({ key, windowStart: new Date(start), limit, cost, expiresAt: new Date(end) });
    return Object.freeze({
      allowed: result.allowed,
      limit,
      count: result.count,
      remaining: Math.max(0, limit - result.count),
      resetAt: new Date(end),
      resetInMs: end - now,
    });
  }
}
