import type { FastifyReply, FastifyRequest } from 'fastify';
import { markGuard } from '../http/guard-mark.js';
import type { Tenantry } from '../../index.js';
import { enforceRateLimit } from '../http/rate-limit-flow.js';
import { resolveRateLimitOptions, type RateLimitOptions } from '../http/rate-limit-options.js';
import { assertTenantry } from '../http/tenantry-instance.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import type { TenantryHook } from './hook.js';

/**
 * A Fastify hook that limits requests per key to `limit` units per fixed
 * window of `windowMs`, counted with `tenantry.limiter` in the instance's
 * store (one atomic `hitRateLimit`) on the instance's clock, so every
 * instance sharing the store shares the limit.
 *
 * - Allowed: the `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
 *   and `RateLimit-Policy` headers (draft-ietf-httpapi-ratelimit-headers-06)
 *   are set on the reply and the request goes on.
 * - Refused: an `HttpProblemError` is thrown to the error handler, which
 *   answers 429 `rate_limited` with `Retry-After` (seconds until the window
 *   ends) and the same headers; the handler does not run.
 * - Store failure: thrown to the error handler (503). It fails closed: no
 *   request passes unmetered.
 *
 * Use it as a route `preHandler` after `tenantContext()` to count per member
 * (the default key: tenant and user), or as an `onRequest` hook to count per
 * client address (`request.ip`, after `trustProxy`) before any other work.
 * Options are validated here, at start-up (`ConfigurationError` naming the
 * option).
 *
 * @example
 * ```ts fragment
 * const aiRateLimit = rateLimit(tenantry, { name: 'ai', limit: 10, windowMs: 60_000 });
 * tenantRoutes.post('/ai', { preHandler: [aiRateLimit, requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 100 })] }, handler);
 * ```
 */
export function rateLimit<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  options: RateLimitOptions<FastifyRequest>,
): TenantryHook {
  assertTenantry(tenantry, 'rateLimit()');
  const resolved = resolveRateLimitOptions(options);
  const { limiter } = tenantry;
  return markGuard(
    async function rateLimitHook(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      reply.headers(await enforceRateLimit(limiter, resolved, request, request.tenantry, fastifyRequestReader));
    },
    { kind: 'rate-limit', detail: resolved.name },
  );
}
