import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { notFoundResponse } from '../http/not-found-response.js';
import { sendProblem } from './send-problem.js';

/**
 * Express middleware that answers every request reaching it with the
 * canonical 404: the very bytes `tenantContext()` sends for a non-member,
 * with no `instance` and nothing else taken from the request. Mount it after
 * all your routes (and before `problemHandler()`), so an unmatched route is
 * answered like a tenant the caller cannot see: probing paths learns nothing,
 * and Express's default HTML page, which echoes the path, is never sent.
 *
 * When the response has already started (a middleware wrote headers and
 * then called `next()`), it defers to Express's default handler, which is
 * the only safe thing left to do (close the connection).
 *
 * @example
 * ```ts
 * app.use('/tenants/:tenantId', tenantRoutes);
 * app.use(notFoundHandler());
 * app.use(problemHandler());
 * ```
 */
export function notFoundHandler(): RequestHandler {
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return function notFoundMiddleware(_req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) {
      next();
      return;
    }
    sendProblem(res, notFoundResponse());
  };
}
