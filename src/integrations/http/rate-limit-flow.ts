import { ConfigurationError, isTenantryError, StorageUnavailableError } from '../../core/errors/index.js';
import type { RateLimitResult } from '../../store/rate-limit-operations.js';
import { catalogDetails } from './problem-details.js';
import { renderProblem, type ProblemResponse } from './problem-response.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { defaultRateLimitSubject, rateLimitKey } from './rate-limit-key.js';
import type { ResolvedRateLimitOptions } from './rate-limit-options.js';
import { fixedWindow, secondsUntilEnd, type FixedWindow } from './rate-limit-window.js';
import type { TenantryRequestContext } from './request-context.js';
import type { RequestReader } from './tenant-context-flow.js';

/** Either the headers to add to the response on the way through, or the 429 to answer instead. */
export type RateLimitOutcome =
  | { readonly ok: true; readonly headers: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly response: ProblemResponse };

/**
 * The framework-free body of the rate limiter, a fixed window over the
 * store's atomic `hitRateLimit`:
 *
 * 1. take the window of `now` and the request's key and cost;
 * 2. count the hit in the store, which refuses it when the window would go
 *    past `limit` (check and increment are one atomic write, so concurrent
 *    requests on any number of instances cannot overshoot);
 * 3. allowed: the rate-limit headers for the response; refused: the 429
 *    `rate_limited` problem with `Retry-After` and the same headers.
 *
 * A failing store rejects with `StorageUnavailableError`, which the
 * problem handler renders 503: the limiter fails closed, because letting
 * requests through unmetered is exactly what it exists to prevent. A key or
 * cost function that returns nonsense is a `ConfigurationError` (500); a
 * key (custom or derived) with a control character or a lone surrogate is a
 * `ValidationError` (400), checked before the store is called.
 */
export async function enforceRateLimit<Request>(
  options: ResolvedRateLimitOptions<Request>,
  request: Request,
  context: TenantryRequestContext | null | undefined,
  reader: RequestReader<Request>,
): Promise<RateLimitOutcome> {
  const now = options.now().getTime();
  const window = fixedWindow(now, options.windowMs);
  const subject = options.key === undefined ? defaultRateLimitSubject(context, reader.ip(request)) : await customSubject(options.key, request);
  const cost = typeof options.cost === 'number' ? options.cost : await computedCost(options.cost, request);
  const result = await hit(options, rateLimitKey(options.name, subject), window, cost);
  const resetSeconds = secondsUntilEnd(window, now);
  const headers = rateLimitHeaders({
    limit: options.limit,
    // After a refusal this can be above zero: room for a cheaper request, not for this one.
    remaining: Math.max(0, options.limit - result.count),
    resetSeconds,
    windowSeconds: Math.ceil(options.windowMs / 1000),
  });
  if (result.allowed) return { ok: true, headers };
  const details = catalogDetails('rate_limited', reader.path(request));
  return { ok: false, response: renderProblem(details, { 'retry-after': String(resetSeconds), ...headers }) };
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

/**
 * The one store call. Tenantry errors (a store's `StorageUnavailableError`
 * or `ValidationError`) pass through as they are; any other failure of a
 * third-party store becomes `StorageUnavailableError` (reason `unknown`,
 * the error as `cause`), so it renders 503 rather than a generic 500.
 */
async function hit<Request>(options: ResolvedRateLimitOptions<Request>, key: string, window: FixedWindow, cost: number): Promise<RateLimitResult> {
  try {
    return await options.store.hitRateLimit({
      key,
      windowStart: new Date(window.start),
      limit: options.limit,
      cost,
      expiresAt: new Date(window.end),
    });
  } catch (error) {
    if (isTenantryError(error)) throw error;
    throw new StorageUnavailableError('The rate-limit store failed; the request was refused.', { cause: error, reason: 'unknown' });
  }
}
