import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { NotFoundError } from '../../core/errors/index.js';

/**
 * Express middleware that hands every request reaching it to the error
 * handler as a `NotFoundError`, which `problemHandler()` answers with the
 * canonical 404: the very bytes `tenantContext()` gets for a non-member,
 * with no `instance` and nothing else taken from the request. Mount it after
 * all your routes and before `problemHandler()`, so an unmatched route is
 * answered like a tenant the caller cannot see: probing paths learns
 * nothing, and Express's default HTML page, which echoes the path, is never
 * sent.
 *
 * @example
 * ```ts fragment
 * app.use('/tenants/:tenantId', tenantRoutes);
 * app.use(notFoundHandler());
 * app.use(problemHandler());
 * ```
 */
export function notFoundHandler(): RequestHandler {
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return function notFoundMiddleware(_req: Request, _res: Response, next: NextFunction): void {
    next(new NotFoundError());
  };
}
