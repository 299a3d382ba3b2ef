import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { problemDetailsFor } from '../http/problem-details.js';
import { problemRenderer, type ProblemHandlerOptions } from '../http/problem-renderer.js';
import { serverErrorLog } from '../http/server-error-log.js';
import { expressRequestReader } from './express-request-reader.js';
import { sendProblem } from './send-problem.js';

/** The default `onServerError`: one safe `console.error` (see `ProblemHandlerOptions.onServerError`). */
function logServerError(error: unknown, req: Request): void {
  const { status, code = 'internal_error' } = problemDetailsFor(error);
  const { message, detail } = serverErrorLog(error, { method: expressRequestReader.method(req), path: expressRequestReader.path(req), status, code });
  if (detail === undefined) console.error(message);
  else console.error(message, detail);
}

/**
 * Express error handler that renders every error as
 * `application/problem+json`: the guards' refusals (401, 403, 404, 409,
 * 429), each tenantry error with its status (`error.status`) and `code`, any
 * 404 as the canonical 404, other 4xx errors (body parser, `http-errors`)
 * with their status and no message, and anything else as a generic 500.
 * Register it after your routes and `notFoundHandler()`.
 *
 * 5xx errors are reported to `onServerError` before the response is
 * written; by default they are logged with `console.error`, safely (see
 * {@link ProblemHandlerOptions.onServerError}). `typeBase` and `extend`
 * shape every problem the application sends. Options are validated here
 * (`ConfigurationError`).
 *
 * When the response has already started, it defers to Express's default
 * handler, which is the only safe thing left to do (close the connection).
 *
 * @example
 * ```ts fragment
 * app.use(problemHandler({ extend: (_problem, _error, req) => ({ traceId: req.get('x-trace-id') }) }));
 * ```
 */
export function problemHandler(options: ProblemHandlerOptions<Request> = {}): ErrorRequestHandler {
  const renderer = problemRenderer(options, logServerError);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return function problemHandlerMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendProblem(res, renderer.respond(error, req, expressRequestReader.path(req)));
  };
}
