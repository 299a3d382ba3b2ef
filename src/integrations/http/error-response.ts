import { notFoundResponse } from './not-found-response.js';
import { problemDetailsFor, type ProblemDetailsOptions } from './problem-details.js';
import { renderProblem, type ProblemResponse } from './problem-response.js';
import { isHttpProblemError } from './http-problem-error.js';
import { isTwoFactorLockedError } from '../../core/errors/index.js';

/**
 * The response for any thrown value (see `problemDetailsFor` for the
 * mapping), with the headers an `HttpProblemError` carries. Every 404 is the
 * canonical one. What `problemHandler()` sends, without its `extend` hook.
 */
export function errorResponse(error: unknown, options: ProblemDetailsOptions = {}): ProblemResponse {
  const details = problemDetailsFor(error, options);
  if (details.code === 'not_found') return options.typeBase === undefined ? notFoundResponse() : notFoundResponse({ typeBase: options.typeBase });
  if (isHttpProblemError(error)) return renderProblem(details, { headers: error.headers });
  // A two-factor lockout is a 429 like a rate limit: the client learns when to try again.
  if (isTwoFactorLockedError(error)) return renderProblem(details, { headers: { 'retry-after': String(error.retryAfterSeconds) } });
  return renderProblem(details);
}
