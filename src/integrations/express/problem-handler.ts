import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { errorResponse, reportServerError, type ProblemHandlerOptions } from '../http/error-response.js';
import { expressRequestReader } from './express-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * Express error handler that renders every error as
 * `application/problem+json`: each tenantry error with its catalogued
 * status and `code`, any 404 as the canonical 404, other 4xx errors (body
 * parser, `http-errors`) with their status and no message, and anything else
 * as a generic 500. Register it after your routes.
 *
 * When the response has already started, it defers to Express's default
 * handler, which is the only safe thing left to do (close the connection).
 *
 * @example
 * ```ts
 * app.use(problemHandler({ onServerError: (error) => logger.error(error) }));
 * ```
 */
export function problemHandler(options: ProblemHandlerOptions<Request> = {}): ErrorRequestHandler {
  const report = options.onServerError;
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return function problemHandlerMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) {
      next(error);
      return;
    }
    const response = errorResponse(error, expressRequestReader.path(req));
    reportServerError(response, error, req, report);
    sendProblem(res, response);
  };
}
