/**
 * Marks every {@link HttpProblemError}. `Symbol.for` shares the brand with
 * every copy of the package loaded in one process, as the core errors' brand.
 */
const HTTP_PROBLEM = Symbol.for('tenantry.http-problem');

/** The codes an {@link HttpProblemError} can carry, with their statuses. */
export const HTTP_PROBLEM_STATUS = Object.freeze({ unauthenticated: 401, rate_limited: 429 } as const);

/** See {@link HTTP_PROBLEM_STATUS}. */
export type HttpProblemErrorCode = keyof typeof HTTP_PROBLEM_STATUS;

/** Options of {@link HttpProblemError}. */
export interface HttpProblemErrorOptions {
  /** Response headers that belong to the problem, lower-case names: `www-authenticate` on a 401, `retry-after` and `ratelimit-*` on a 429. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A refusal that only exists at the HTTP boundary: `unauthenticated` (401)
 * when `tenantContext()` finds no user, `rate_limited` (429) when
 * `rateLimit()` refuses a request. The guards hand it to the framework's
 * error path like any other error, so `problemHandler()` renders every
 * problem of an application, with the same `typeBase` and `extend`. It
 * carries the headers of the response (`headers`, which Express's default
 * handler also applies) and `status`.
 *
 * Throw one from your own authentication middleware to answer 401 the same
 * way.
 *
 * @example
 * ```ts fragment
 * if (session === undefined) throw new HttpProblemError('unauthenticated', { headers: { 'www-authenticate': 'Bearer' } });
 * ```
 */
export class HttpProblemError extends Error {
  readonly code: HttpProblemErrorCode;
  /** 401 or 429; see {@link HTTP_PROBLEM_STATUS}. */
  readonly status: (typeof HTTP_PROBLEM_STATUS)[HttpProblemErrorCode];
  /** See {@link HttpProblemErrorOptions.headers}. */
  readonly headers: Readonly<Record<string, string>>;
  /** Brand read by {@link isHttpProblemError}. */
  readonly [HTTP_PROBLEM] = true;

  constructor(code: HttpProblemErrorCode, options: HttpProblemErrorOptions = {}) {
    super(code === 'unauthenticated' ? 'The request is not authenticated.' : 'The rate limit of the current window is used up.');
    this.name = 'HttpProblemError';
    this.code = code;
    this.status = HTTP_PROBLEM_STATUS[code];
    this.headers = Object.freeze({ ...options.headers });
  }
}

/** True when `value` is an {@link HttpProblemError} from any copy of tenantry. */
export function isHttpProblemError(value: unknown): value is HttpProblemError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[HTTP_PROBLEM] === true &&
    Object.hasOwn(HTTP_PROBLEM_STATUS, (value as { code?: unknown }).code as string)
  );
}
