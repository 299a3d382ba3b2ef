import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { enforceRateLimit } from '../http/rate-limit-flow.js';
import { resolveRateLimitOptions, type RateLimitOptions } from '../http/rate-limit-options.js';
import { expressRequestReader } from './express-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * Express middleware that limits requests per key to `limit` units per
 * fixed window of `windowMs`, counted in `store` with one atomic
 * `hitRateLimit` call, so every instance sharing the store shares the limit.
 *
 * - Allowed: the `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
 *   and `RateLimit-Policy` headers (draft-ietf-httpapi-ratelimit-headers-06)
 *   are set and the next handler runs.
 * - Refused: 429 `rate_limited` problem with `Retry-After` (seconds until the
 *   window ends) and the same headers; the handler does not run.
 * - Store failure: `next(StorageUnavailableError)`, which `problemHandler()`
 *   answers 503. It fails closed: no request passes unmetered.
 *
 * The default key is the member (tenant and user) after `tenantContext()`,
 * the client address (`req.ip`, after `trust proxy`) before it. Options
 * are validated here, at start-up (`ConfigurationError` naming the option).
 *
 * @example
 * ```ts
 * const aiRateLimit = rateLimit({ store, limit: 10, windowMs: 60_000 });
 * app.post('/tenants/:tenantId/ai', aiRateLimit, requireEntitlement(entitlements, 'ai.tokens', 100), handler);
 * ```
 */
export function rateLimit(options: RateLimitOptions<Request>): RequestHandler {
  const resolved = resolveRateLimitOptions(options);
  return async function rateLimitMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    const outcome = await enforceRateLimit(resolved, req, req.tenantry, expressRequestReader);
    if (!outcome.ok) {
      sendProblem(res, outcome.response);
      return;
    }
    for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
    next();
  };
}
