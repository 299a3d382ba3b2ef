import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFoundResponse } from '../http/not-found-response.js';
import { sendProblem } from './send-problem.js';

/**
 * A Fastify not-found handler (for `setNotFoundHandler`) that answers with
 * the canonical 404: the very bytes `tenantContext()` sends for a
 * non-member, with no `instance` and nothing else taken from the request.
 * An unmatched route is then answered like a tenant the caller cannot see:
 * probing paths learns nothing, and Fastify's default body, which echoes the
 * method and the URL, is never sent.
 *
 * Install it yourself, or let `tenantryPlugin` do it with
 * `{ notFoundHandler: true }`. Fastify allows one not-found handler per
 * prefix: set at the root it answers every unmatched path, set in a context
 * registered with a prefix it answers that prefix only.
 *
 * @example
 * ```ts
 * app.setNotFoundHandler(notFoundHandler());
 * ```
 */
export function notFoundHandler(): (request: FastifyRequest, reply: FastifyReply) => void {
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return function notFoundRouteHandler(_request: FastifyRequest, reply: FastifyReply): void {
    sendProblem(reply, notFoundResponse());
  };
}
