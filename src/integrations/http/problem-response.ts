import type { ProblemDetails } from './problem-details.js';

/** Media type of every problem response (RFC 9457). JSON defines no `charset` parameter. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A serialized problem response. Adapters write exactly these bytes and
 * headers, so a response built here is the same on every framework.
 */
export interface ProblemResponse {
  readonly status: number;
  /** Lower-case header names: `content-type`, `content-length`, `cache-control`, sometimes `www-authenticate`, `retry-after`, `ratelimit-*`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body. */
  readonly body: string;
}

/** Options of {@link renderProblem}. */
export interface RenderProblemOptions {
  /** Added after the standard headers (which they cannot replace), lower-case names. Default is none. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Serializes problem details into a response. Every problem response is
 * `Cache-Control: no-store`: a denial is specific to the caller, and a 404
 * is cacheable by default, so a shared cache could otherwise serve one
 * member's 404 to another.
 */
export function renderProblem(details: ProblemDetails, options: RenderProblemOptions = {}): ProblemResponse {
  const body = JSON.stringify(details);
  return Object.freeze({
    status: details.status,
    headers: Object.freeze({
      ...options.headers,
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
    }),
    body,
  });
}
