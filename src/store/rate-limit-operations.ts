/** Input of `hitRateLimit`: one request counted against a fixed window. */
export interface RateLimitHit {
  /** What is limited, e.g. `entitlements:<tenantId>:<userId>`. At most 200 characters. */
  readonly key: string;
  /** Start of the fixed window the hit falls into. */
  readonly windowStart: Date;
  /** Most hits (counting `cost`) allowed in the window. */
  readonly limit: number;
  /** Weight of this hit, a positive integer; usually 1. */
  readonly cost: number;
  /** When the window's counter may be deleted (the window's end); lets adapters prune old rows. */
  readonly expiresAt: Date;
}

/** Result of `hitRateLimit`. */
export interface RateLimitResult {
  /** True when the hit was counted (the window had room). */
  readonly allowed: boolean;
  /** The window's count after this call (unchanged when refused). */
  readonly count: number;
}

/**
 * Store-backed rate limiting, so a limit holds across every instance that
 * shares the database. `hitRateLimit` uses the same guarded increment as
 * entitlement consumption: the check and the increment are one atomic write.
 */
export interface RateLimitOperations {
  /** Counts a hit if the window stays within its limit, atomically. */
  hitRateLimit(hit: RateLimitHit): Promise<RateLimitResult>;
}
