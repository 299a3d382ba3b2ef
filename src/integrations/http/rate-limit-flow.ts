import { ConfigurationError } from '../../core/errors/index.js';
import type { RateLimiter } from '../../index.js';
import { HttpProblemError } from './http-problem-error.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { defaultRateLimitSubject, rateLimitKey } from './rate-limit-key.js';
import type { ResolvedRateLimitOptions } from './rate-limit-options.js';
import type { TenantContext } from './request-context.js';
import type { RequestReader } from './request-reader.js';

/**
 * The framework-free body of the rate limiter, a fixed window over
 * `tenantry.limiter` (the store's atomic `hitRateLimit`, on the instance's
 * clock):
 *
 * 1. work out the request's key and cost;
 * 2. count the hit, which the store refuses when the window would go past
 *    `limit` (check and increment are one atomic write, so concurrent
 *    requests on any number of instances cannot overshoot);
 * 3. allowed: resolves with the rate-limit headers for the response;
 *    refused: rejects with `HttpProblemError('rate_limited')` (429) carrying
 *    `Retry-After` and the same headers.
 *
 * It fails closed: a failing store rejects (`StorageUnavailableError`, 503,
 * for a backend failure the store classified; anything else as it is, 500),
 * because letting requests through unmetered is exactly what a limiter
 * exists to prevent. A key or cost function that returns nonsense is a
 * `ConfigurationError` (500); a key (custom or derived) with a control
 * character or a lone surrogate is a `ValidationError` (400), checked before
 * the store is called.
 */
export async function enforceRateLimit<Request>(
  limiter: RateLimiter,
  options: ResolvedRateLimitOptions<Request>,
  request: Request,
  context: TenantContext | null | undefined,
  reader: RequestReader<Request>,
): Promise<Readonly<Record<string, string>>> {
  const subject = options.key === undefined ? defaultRateLimitSubject(context, reader.ip(request)) : await customSubject(options.key, request);
  const cost = typeof options.cost === 'number' ? options.cost : await computedCost(options.cost, request);
  const decision = await limiter.hit({ key: rateLimitKey(options.name, subject), limit: options.limit, windowMs: options.windowMs, cost });
  // Whole seconds, rounded up and at least 1: a client that waits this long lands in the next
  // window, and 0 would invite an immediate retry into the same one.
  const resetSeconds = Math.max(1, Math.ceil(decision.resetInMs / 1000));
  const headers = rateLimitHeaders({
    limit: options.limit,
    // After a refusal this can be above zero: room for a cheaper request, not for this one.
    remaining: decision.remaining,
    resetSeconds,
    windowSeconds: Math.ceil(options.windowMs / 1000),
  });
  if (decision.allowed) return headers;
  throw new HttpProblemError('rate_limited', { headers: { 'retry-after': String(resetSeconds), ...headers } });
}

/** The host's key for the request; an empty or non-string key is a wiring mistake, not the client's. */
async function customSubject<Request>(key: (request: Request) => string | Promise<string>, request: Request): Promise<string> {
  const subject: unknown = await key(request);
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new ConfigurationError('rateLimit() key must return a non-empty string.');
  }
  return subject;
}

/** The host's cost for the request, which must be a positive integer like a static `cost`. */
async function computedCost<Request>(cost: (request: Request) => number | Promise<number>, request: Request): Promise<number> {
  const value: unknown = await cost(request);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError('rateLimit() cost must return a positive integer.');
  }
  return value;
}
