/** The limiter's state for one response. */
export interface RateLimitState {
  readonly limit: number;
  /** Units left in the window after this request. */
  readonly remaining: number;
  /** Seconds until the window ends. */
  readonly resetSeconds: number;
  /** Window length in seconds. */
  readonly windowSeconds: number;
}

/**
 * The rate-limit header fields of draft-ietf-httpapi-ratelimit-headers-06,
 * the last revision with one field per value (later revisions merge them into
 * a structured `RateLimit` field that few clients parse yet):
 *
 * - `RateLimit-Limit`: units per window;
 * - `RateLimit-Remaining`: units left in the current window;
 * - `RateLimit-Reset`: seconds until the window ends (delta-seconds, not a timestamp);
 * - `RateLimit-Policy`: the policy, `<limit>;w=<window seconds>`.
 *
 * Lower-case names, as every header tenantry writes.
 */
export function rateLimitHeaders(state: RateLimitState): Readonly<Record<string, string>> {
  return Object.freeze({
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetSeconds),
    'ratelimit-policy': `${state.limit};w=${state.windowSeconds}`,
  });
}
