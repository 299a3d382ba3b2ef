import { notFoundResponse } from './not-found-response.js';
import { problemDetailsFor } from './problem-details.js';
import { renderProblem, type ProblemResponse } from './problem-response.js';

/** Options shared by the Express and Fastify problem handlers. */
export interface ProblemHandlerOptions<Request> {
  /**
   * Called with every error that is answered with a 5xx status (including
   * `storage_unavailable` and non-tenantry errors), before the response is
   * written, so the host can log what the generic body hides. An exception it
   * throws is swallowed: reporting must not change the response.
   *
   * Default is framework-specific: nothing on Express, `request.log.error` on
   * Fastify (silent unless the Fastify logger is enabled).
   */
  readonly onServerError?: (error: unknown, request: Request) => void;
}

/**
 * The response for any thrown value (see `problemDetailsFor` for the mapping).
 * Every 404 is the canonical one.
 *
 * @param instance - the request path, without query string.
 */
export function errorResponse(error: unknown, instance: string): ProblemResponse {
  const details = problemDetailsFor(error, instance);
  return details.code === 'not_found' ? notFoundResponse() : renderProblem(details);
}

/** Calls the host's reporter for a 5xx response, shielding the response from a faulty reporter. */
export function reportServerError<Request>(
  response: ProblemResponse,
  error: unknown,
  request: Request,
  report: ((error: unknown, request: Request) => void) | undefined,
): void {
  if (response.status < 500 || report === undefined) return;
  try {
    report(error, request);
  } catch {
    // A broken logger must not turn a problem response into a crashed request.
  }
}
