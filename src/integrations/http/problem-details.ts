import { STATUS_CODES } from 'node:http';
import { isTenantryError } from '../../core/errors/index.js';
import { isHttpProblemError } from './http-problem-error.js';
import { problemExtensionsOf } from './problem-extensions.js';
import { PROBLEM_CATALOG, PROBLEM_TYPE_BASE, problemTypeOf, type ProblemCode } from './problem-catalog.js';

/**
 * An RFC 9457 problem details object as tenantry sends it. Members appear in
 * the body in this order; extension members follow `code`.
 */
export interface ProblemDetails {
  /** URI of the problem type: `<typeBase><code in kebab case>`, or `about:blank` for plain HTTP errors. */
  readonly type: string;
  /** Short summary of the problem type; the same for every occurrence. */
  readonly title: string;
  /** The HTTP status, repeated for clients that only see the body. */
  readonly status: number;
  /** Fixed explanation of the problem type. Never an error message. */
  readonly detail?: string;
  /**
   * The request path (without query string) the problem occurred on. Absent
   * from the canonical 404, which must not vary with the request.
   */
  readonly instance?: string;
  /** Stable machine-readable code; present whenever `type` is a tenantry URI. */
  readonly code?: ProblemCode;
  /** Extension members, e.g. `issues` for `validation_failed`. */
  readonly [extension: string]: unknown;
}

/** Options of {@link problemDetailsFor}. */
export interface ProblemDetailsOptions {
  /** The request path, without query string (see the HTTP docs on `instance`). Ignored for 404s. Default: no `instance`. */
  readonly instance?: string;
  /** Prefix of the `type` URIs. Default is `PROBLEM_TYPE_BASE`. */
  readonly typeBase?: string;
}

/**
 * The problem details of the canonical 404 ("not a member", "no such
 * tenant" and "malformed id" alike). It takes nothing from the request, so
 * it cannot vary.
 */
export function notFoundDetails(typeBase: string = PROBLEM_TYPE_BASE): ProblemDetails {
  const { status, title, detail } = PROBLEM_CATALOG.not_found;
  return { type: problemTypeOf('not_found', { typeBase }), title, status, detail, code: 'not_found' };
}

/** The problem details of a catalogued code at `instance`, with no extension members. */
export function catalogDetails(code: ProblemCode, instance: string | undefined, typeBase: string = PROBLEM_TYPE_BASE): ProblemDetails {
  if (code === 'not_found') return notFoundDetails(typeBase);
  const { status, title, detail } = PROBLEM_CATALOG[code];
  const base = { type: problemTypeOf(code, { typeBase }), title, status, detail };
  return instance === undefined ? { ...base, code } : { ...base, instance, code };
}

/**
 * Maps any thrown value to problem details:
 *
 * - a tenantry error: its catalogued status (`error.status`), title and
 *   detail, plus the extension members of its code (see the HTTP docs'
 *   catalogue);
 * - an `HttpProblemError` (`unauthenticated`, `rate_limited`): its code's entry;
 * - any error with a 404 status: the canonical 404, so that no route can
 *   answer a different 404 by accident;
 * - another error carrying a 4xx `status` or `statusCode` (a framework's body
 *   parser or schema validation, `http-errors`): that status with `type`
 *   `about:blank` and the standard reason phrase, without its message;
 * - anything else: a generic 500 `internal_error`. Messages and stacks never
 *   reach the body.
 */
export function problemDetailsFor(error: unknown, options: ProblemDetailsOptions = {}): ProblemDetails {
  const { instance, typeBase = PROBLEM_TYPE_BASE } = options;
  // Another copy of tenantry (newer or older) may throw a code this catalogue
  // does not know: it is rendered by its `status` below, like a foreign error.
  if (isTenantryError(error) && Object.hasOwn(PROBLEM_CATALOG, error.code)) {
    const details = catalogDetails(error.code, instance, typeBase);
    const extensions = error.code === 'not_found' ? undefined : problemExtensionsOf(error);
    return extensions === undefined ? details : { ...details, ...extensions };
  }
  if (isHttpProblemError(error)) return catalogDetails(error.code, instance, typeBase);
  const status = clientErrorStatusOf(error);
  if (status === 404) return notFoundDetails(typeBase);
  if (status !== undefined) {
    const base = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Client Error', status };
    return instance === undefined ? base : { ...base, instance };
  }
  return catalogDetails('internal_error', instance, typeBase);
}

/** The 4xx status a non-tenantry error declares, if any. 5xx statuses are deliberately ignored. */
function clientErrorStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const candidate = typeof statusCode === 'number' ? statusCode : status;
  return typeof candidate === 'number' && Number.isInteger(candidate) && candidate >= 400 && candidate <= 499 ? candidate : undefined;
}
