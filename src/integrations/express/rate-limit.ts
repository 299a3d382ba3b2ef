import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { markGuard } from '../http/guard-mark.js';
import type { Tenantry } from '../../index.js';
import { enforceRateLimit } from '../http/rate-limit-flow.js';
import { resolveRateLimitOptions, type RateLimitOptions } from '../http/rate-limit-options.js';
import { assertTenantry } from '../http/tenantry-instance.js';
import { expressRequestReader } from './express-request-reader.js';

/**
 * Express middleware that limits requests per key to `limit` units per
 * fixed window of `windowMs`, counted with `tenantry.limiter` in the
 * instance's store (one atomic `hitRateLimit`) on the instance's clock, so
 * every instance sharing the store shares the limit.
 *
 * - Allowed: the `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
 *   and `RateLimit-Policy` headers (draft-ietf-httpapi-ratelimit-headers-06)
 *   are set and the next handler runs.
 * - Refused: `next(HttpProblemError)`, which `problemHandler()` answers 429
 *   `rate_limited` with `Retry-After` (seconds until the window ends) and the
 *   same headers; the handler does not run.
 * - Store failure: `next(error)`, 503 `storage_unavailable`. It fails
 *   closed: no request passes unmetered.
 *
 * The default key is the member (tenant and user) after `tenantContext()`,
 * the client address (`req.ip`, after `trust proxy`) before it. Options
 * are validated here, at start-up (`ConfigurationError` naming the option).
 *
 * @example
 * ```ts fragment
 * const aiRateLimit = rateLimit(tenantry, { name: 'ai', limit: 10, windowMs: 60_000 });
 * app.post('/tenants/:tenantId/ai', aiRateLimit, requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 100 }), handler);
 * ```
 */
export function rateLimit<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  options: RateLimitOptions<Request>,
): RequestHandler {
  assertTenantry(tenantry, 'rateLimit()');
  const resolved = resolveRateLimitOptions(options);
  const { limiter } = tenantry;
  return markGuard(
    async function rateLimitMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
      const headers = await enforceRateLimit(limiter, resolved, req, req.tenantry, expressRequestReader);
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      next();
    },
    { kind: 'rate-limit', detail: resolved.name },
  );
}
