import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, reportServerError, type ProblemHandlerOptions } from '../http/error-response.js';
import { fastifyRequestReader } from './fastify-request-reader.js';
import { sendProblem } from './send-problem.js';

/** Fastify's own default: log what the generic body hides, through the request logger. */
function logServerError(error: unknown, request: FastifyRequest): void {
  request.log.error({ err: error }, 'tenantry: request failed');
}

/**
 * A Fastify error handler (for `setErrorHandler`) that renders every error as
 * `application/problem+json`: each tenantry error with its catalogued
 * status and `code`, any 404 as the canonical 404, other 4xx errors (schema
 * validation, content-type parser) with their status and no message, and
 * anything else as a generic 500. `tenantryPlugin` installs it for you.
 *
 * `onServerError` defaults to `request.log.error`, which is silent unless
 * the Fastify logger is enabled.
 *
 * @example
 * ```ts
 * app.setErrorHandler(problemHandler({ onServerError: (error, request) => request.log.fatal(error) }));
 * ```
 */
export function problemHandler(
  options: ProblemHandlerOptions<FastifyRequest> = {},
): (error: unknown, request: FastifyRequest, reply: FastifyReply) => void {
  const report = options.onServerError ?? logServerError;
  // Named for stack traces, and not after the factory: esbuild (tsup, vitest) renames a
  // function expression that shadows its enclosing function, e.g. to `tenantContext2`.
  return function problemErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const response = errorResponse(error, fastifyRequestReader.path(request));
    reportServerError(response, error, request, report);
    sendProblem(reply, response);
  };
}
