import { NotFoundError } from '../../core/errors/index.js';

/**
 * A Fastify not-found handler (for `setNotFoundHandler`) that throws a
 * `NotFoundError` to the error handler, which `problemHandler()` (installed
 * by `tenantryPlugin`) answers with the canonical 404: the very bytes
 * `tenantContext()` gets for a non-member, with no `instance` and nothing
 * else taken from the request. An unmatched route is then answered like a
 * tenant the caller cannot see: probing paths learns nothing, and Fastify's
 * default body, which echoes the method and the URL, is never sent.
 *
 * Install it yourself, or let `tenantryPlugin` do it with
 * `{ notFoundHandler: true }`. Fastify allows one not-found handler per
 * prefix: set at the root it answers every unmatched path, set in a context
 * registered with a prefix it answers that prefix only.
 *
 * @example
 * ```ts fragment
 * await app.register(tenantryPlugin);
 * app.setNotFoundHandler(notFoundHandler());
 * ```
 */
export function notFoundHandler(): () => never {
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return function notFoundRouteHandler(): never {
    throw new NotFoundError();
  };
}
