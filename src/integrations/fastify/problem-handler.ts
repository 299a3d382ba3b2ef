import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemDetailsFor } from '../http/problem-details.js';
import { problemRenderer, type ProblemHandlerOptions } from '../http/problem-renderer.js';
import { serverErrorLog } from '../http/server-error-log.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import { sendProblem } from './send-problem.js';

/**
 * The default `onServerError`: the request logger when the Fastify logger is
 * enabled (its level is a string then, `'silent'` included, which the host
 * chose), else `console.error`, so that a 500 is never silent by default.
 * Either way only what `serverErrorLog` lets through.
 */
function logServerError(error: unknown, request: FastifyRequest): void {
  const { status, code = 'internal_error' } = problemDetailsFor(error);
  const { message, detail } = serverErrorLog(error, { method: fastifyRequestReader.method(request), path: fastifyRequestReader.path(request), status, code });
  const log = request.log as FastifyRequest['log'] | undefined;
  if (typeof log?.level === 'string') log.error(detail === undefined ? {} : { err: detail }, message);
  else if (detail === undefined) console.error(message);
  else console.error(message, detail);
}

/**
 * A Fastify error handler (for `setErrorHandler`, and for the
 * `frameworkErrors` option) that renders every error as
 * `application/problem+json`: the guards' refusals (401, 403, 404, 409,
 * 429), each tenantry error with its status (`error.status`) and `code`, any
 * 404 as the canonical 404, other 4xx errors (schema validation,
 * content-type parser) with their status and no message, and anything else
 * as a generic 500. `tenantryPlugin` installs it for you.
 *
 * 5xx errors are reported to `onServerError`; by default through the
 * request logger when the Fastify logger is enabled, else `console.error`,
 * safely (see {@link ProblemHandlerOptions.onServerError}). `typeBase` and
 * `extend` shape every problem of the context. Options are validated here
 * (`ConfigurationError`).
 *
 * @example
 * ```ts fragment
 * app.setErrorHandler(problemHandler({ extend: (_problem, _error, request) => ({ traceId: request.id }) }));
 * ```
 */
export function problemHandler(options: ProblemHandlerOptions<FastifyRequest> = {}): (error: unknown, request: FastifyRequest, reply: FastifyReply) => void {
  const renderer = problemRenderer(options, logServerError);
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return function problemErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    sendProblem(reply, renderer.respond(error, request, fastifyRequestReader.path(request)));
  };
}
