import type { TenantryErrorCode } from '../../core/errors/index.js';

/**
 * Codes the HTTP layer adds to the {@link TenantryErrorCode}s. They describe
 * conditions that only exist at the HTTP boundary, so they live here rather
 * than in the core error hierarchy.
 *
 * - `unauthenticated`: the `actor` option resolved no user for the request (401).
 * - `rate_limited`: `rateLimit()` refused the request because its window is full (429, with `Retry-After`).
 * - `internal_error`: an error that is not a tenantry error reached the problem handler (500, generic body).
 */
export type HttpProblemCode = 'unauthenticated' | 'rate_limited' | 'internal_error';

/** Every `code` a tenantry problem body can carry. */
export type ProblemCode = TenantryErrorCode | HttpProblemCode;

/** The fixed part of one problem type: what every response of that type says. */
export interface ProblemCatalogEntry {
  /** HTTP status of every response of this type. */
  readonly status: number;
  /** Short summary, the same for every occurrence (RFC 9457 `title`). */
  readonly title: string;
  /**
   * Explanation sent as RFC 9457 `detail`. A fixed sentence per code: error
   * messages are written for logs and may name internals, so they never reach
   * the response body.
   */
  readonly detail: string;
}

/** Prefix of every tenantry problem `type` URI. */
export const PROBLEM_TYPE_BASE = 'https://tenantry.dev/problems/';

/**
 * The error catalogue: one entry per {@link ProblemCode}. It is a total
 * `Record`, so adding a code to `TenantryErrorCode` without deciding its status
 * here is a compile error.
 *
 * Notable choices:
 * - `limit_exceeded` is 403, not 429: a plan limit is a policy decision that
 *   retrying does not change (seats stay taken until released), and many HTTP
 *   clients retry 429 automatically. 429 is `rate_limited`, which waiting does fix.
 * - `unknown_capability`, `feature_not_found` and `configuration_invalid` are
 *   500: they are programming errors on the server, never a client's fault and
 *   never an allow.
 * - `package_not_found` is 404: the client named a plan that does not exist.
 *   Its body differs from the tenant 404 by `type` and `code`, which reveals
 *   nothing about tenants because the package catalog is the same for all.
 */
export const PROBLEM_CATALOG: Readonly<Record<ProblemCode, ProblemCatalogEntry>> = Object.freeze({
  not_found: {
    status: 404,
    title: 'Not Found',
    detail: 'The requested resource does not exist or you do not have access to it.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    detail: 'Your role in this tenant does not grant the required capability.',
  },
  validation_failed: {
    status: 400,
    title: 'Validation Failed',
    detail: 'The request is invalid; see issues.',
  },
  already_exists: {
    status: 409,
    title: 'Already Exists',
    detail: 'The resource being created already exists.',
  },
  last_owner: {
    status: 409,
    title: 'Last Owner',
    detail: 'A tenant must keep at least one owner; transfer ownership first.',
  },
  unknown_role: {
    status: 400,
    title: 'Unknown Role',
    detail: 'The role is not defined.',
  },
  storage_unavailable: {
    status: 503,
    title: 'Storage Unavailable',
    detail: 'The service is temporarily unavailable; nothing was changed and retrying is safe.',
  },
  configuration_invalid: {
    status: 500,
    title: 'Configuration Invalid',
    detail: 'The server is misconfigured.',
  },
  unknown_capability: {
    status: 500,
    title: 'Unknown Capability',
    detail: 'The server made an authorization check it cannot evaluate.',
  },
  limit_exceeded: {
    status: 403,
    title: 'Limit Exceeded',
    detail: "The request would exceed a limit of the tenant's plan; nothing was consumed.",
  },
  feature_not_found: {
    status: 500,
    title: 'Feature Not Found',
    detail: 'The server referred to a feature that is not declared.',
  },
  package_not_found: {
    status: 404,
    title: 'Package Not Found',
    detail: 'The requested package does not exist.',
  },
  feature_not_enabled: {
    status: 403,
    title: 'Feature Not Enabled',
    detail: "The tenant's plan does not include this feature.",
  },
  idempotency_conflict: {
    status: 409,
    title: 'Idempotency Conflict',
    detail: 'The idempotency key was already used for a different request; nothing was consumed.',
  },
  unauthenticated: {
    status: 401,
    title: 'Unauthenticated',
    detail: 'Authentication is required.',
  },
  rate_limited: {
    status: 429,
    title: 'Too Many Requests',
    detail: 'Too many requests in the current window; retry after the number of seconds in Retry-After.',
  },
  internal_error: {
    status: 500,
    title: 'Internal Server Error',
    detail: 'An unexpected error occurred.',
  },
});

/**
 * The `type` URI of a code: {@link PROBLEM_TYPE_BASE} plus the code in kebab
 * case, e.g. `https://tenantry.dev/problems/not-found`. Stable once released.
 */
export function problemTypeOf(code: ProblemCode): string {
  return PROBLEM_TYPE_BASE + code.replaceAll('_', '-');
}
