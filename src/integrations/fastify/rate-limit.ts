import type { FastifyReply, FastifyRequest } from 'fastify';
import { enforceRateLimit } from '../http/rate-limit-flow.js';
import { resolveRateLimitOptions, type RateLimitOptions } from '../http/rate-limit-options.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * A Fastify hook that limits requests per key to `limit` units per fixed
 * window of `windowMs`, counted in `store` with one atomic `hitRateLimit`
 * call, so every instance sharing the store shares the limit.
 *
 * - Allowed: the `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
 *   and `RateLimit-Policy` headers (draft-ietf-httpapi-ratelimit-headers-06)
 *   are set on the reply and the request goes on.
 * - Refused: 429 `rate_limited` problem with `Retry-After` (seconds until the
 *   window ends) and the same headers; the handler does not run.
 * - Store failure: `StorageUnavailableError` is thrown to the error handler,
 *   which answers 503. It fails closed: no request passes unmetered.
 *
 * Use it as a route `preHandler` after `tenantContext()` to count per member
 * (the default key: tenant and user), or as an `onRequest` hook to count per
 * client address (`request.ip`, after `trustProxy`) before any other work.
 * Options are validated here, at start-up (`ConfigurationError` naming the
 * option).
 *
 * @example
 * ```ts
 * const aiRateLimit = rateLimit({ store, limit: 10, windowMs: 60_000 });
 * tenantRoutes.post('/ai', { preHandler: [aiRateLimit, requireEntitlement(entitlements, 'ai.tokens', 100)] }, handler);
 * ```
 */
export function rateLimit(options: RateLimitOptions<FastifyRequest>): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const resolved = resolveRateLimitOptions(options);
  return async function rateLimitHook(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const outcome = await enforceRateLimit(resolved, request, request.tenantry, fastifyRequestReader);
    if (!outcome.ok) return sendProblem(reply, outcome.response);
    reply.headers(outcome.headers);
    return undefined;
  };
}
