import { ERROR_STATUS, type TenantryErrorCode } from '../../core/errors/index.js';

/**
 * Codes the HTTP layer adds to the {@link TenantryErrorCode}s. They describe
 * conditions that only exist at the HTTP boundary, so they live here rather
 * than in the core error hierarchy.
 *
 * - `unauthenticated`: the `userId` option of `tenantContext()` resolved no user for the request (401).
 * - `rate_limited`: `rateLimit()` refused the request because its window is full (429, with `Retry-After`).
 * - `internal_error`: an error that is not a tenantry error reached the problem handler (500, generic body).
 */
export type HttpProblemCode = 'unauthenticated' | 'rate_limited' | 'internal_error';

/** Every `code` a tenantry problem body can carry. */
export type ProblemCode = TenantryErrorCode | HttpProblemCode;

/** The fixed part of one problem type: what every response of that type says. */
export interface ProblemCatalogEntry {
  /** HTTP status of every response of this type: `ERROR_STATUS[code]` for a tenantry code. */
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

/** Prefix of every tenantry problem `type` URI unless `problemHandler({ typeBase })` says otherwise. */
export const PROBLEM_TYPE_BASE = 'https://tenantry.dev/problems/';

/** The words of one code; its status comes from `ERROR_STATUS` or {@link HTTP_STATUS}. */
type Wording = Omit<ProblemCatalogEntry, 'status'>;

/** Statuses of the HTTP-layer codes, which `ERROR_STATUS` (core) does not know. */
const HTTP_STATUS: Readonly<Record<HttpProblemCode, number>> = { unauthenticated: 401, rate_limited: 429, internal_error: 500 };

/**
 * Titles and details, one entry per {@link ProblemCode}. A total `Record`:
 * adding a code to `ERROR_STATUS` without wording it here is a compile error.
 */
const WORDING: Readonly<Record<ProblemCode, Wording>> = {
  not_found: { title: 'Not Found', detail: 'The requested resource does not exist or you do not have access to it.' },
  forbidden: { title: 'Forbidden', detail: 'Your role in this tenant does not grant the required capability.' },
  owner_required: { title: 'Owner Required', detail: 'Only an owner of this tenant can do this.' },
  delegation_denied: {
    title: 'Delegation Denied',
    detail: 'Your role can only grant, change or remove roles within its own capabilities, and cannot change itself.',
  },
  actor_not_allowed: { title: 'Actor Not Allowed', detail: 'This operation is not available to this caller.' },
  validation_failed: { title: 'Validation Failed', detail: 'The request is invalid; see issues.' },
  already_exists: { title: 'Already Exists', detail: 'The resource being created already exists.' },
  last_owner: { title: 'Last Owner', detail: 'A tenant must keep at least one owner; transfer ownership first.' },
  unknown_role: { title: 'Unknown Role', detail: 'The role is not defined.' },
  storage_unavailable: { title: 'Storage Unavailable', detail: 'The service is temporarily unavailable; nothing was changed and retrying is safe.' },
  configuration_invalid: { title: 'Configuration Invalid', detail: 'The server is misconfigured.' },
  unknown_capability: { title: 'Unknown Capability', detail: 'The server made an authorization check it cannot evaluate.' },
  limit_exceeded: { title: 'Limit Exceeded', detail: "The request would exceed a limit of the tenant's plan; nothing was consumed." },
  feature_not_found: { title: 'Feature Not Found', detail: 'The server referred to a feature that is not declared.' },
  package_not_found: { title: 'Package Not Found', detail: 'The requested package does not exist.' },
  feature_not_enabled: { title: 'Feature Not Enabled', detail: "The tenant's plan does not include this feature." },
  idempotency_conflict: { title: 'Idempotency Conflict', detail: 'The idempotency key was already used for a different request; nothing was consumed.' },
  invalid_code: { title: 'Invalid Code', detail: 'The verification code is not valid.' },
  two_factor_not_enrolled: { title: 'Two-Factor Not Enrolled', detail: 'Two-factor authentication is not set up for this account.' },
  two_factor_active: { title: 'Two-Factor Active', detail: 'Two-factor authentication is already active; verify a code first to replace it.' },
  two_factor_locked: { title: 'Too Many Attempts', detail: 'Too many failed verifications; retry after the number of seconds in Retry-After.' },
  second_factor_required: { title: 'Second Factor Required', detail: 'This action needs a recent two-factor verification.' },
  storage_integrity: { title: 'Internal Server Error', detail: 'An unexpected error occurred.' },
  unsafe_url: { title: 'Unsafe URL', detail: 'The URL is not allowed as a webhook endpoint; see reason.' },
  webhook_verification_failed: { title: 'Webhook Verification Failed', detail: 'The webhook signature, timestamp or headers could not be verified.' },
  idempotent_replay: { title: 'Idempotent Replay', detail: 'This request was already processed under its idempotency key; it was not processed again.' },
  invalid_token: { title: 'Invitation Not Found', detail: 'The invitation does not exist or can no longer be accepted.' },
  too_many_attempts: { title: 'Too Many Attempts', detail: 'Too many attempts in the current window; retry after the number of seconds in Retry-After.' },
  invalid_snapshot: { title: 'Invalid Snapshot', detail: 'The client snapshot is malformed or of an unknown version.' },
  tenant_archived: { title: 'Tenant Archived', detail: 'The tenant is archived; nothing was consumed.' },
  idempotency_in_progress: {
    title: 'Idempotency In Progress',
    detail: 'The first request under this idempotency key is still being processed; retry later to get its response.',
  },
  role_in_use: { title: 'Role In Use', detail: 'Members hold this role; reassign them before deleting it.' },
  unauthenticated: { title: 'Unauthenticated', detail: 'Authentication is required.' },
  rate_limited: { title: 'Too Many Requests', detail: 'Too many requests in the current window; retry after the number of seconds in Retry-After.' },
  internal_error: { title: 'Internal Server Error', detail: 'An unexpected error occurred.' },
};

function statusOf(code: ProblemCode): number {
  return Object.hasOwn(HTTP_STATUS, code) ? HTTP_STATUS[code as HttpProblemCode] : ERROR_STATUS[code as TenantryErrorCode];
}

/**
 * The error catalogue: one entry per {@link ProblemCode}, in the order of
 * the HTTP docs' table. The status of every tenantry code is the core's
 * `ERROR_STATUS` (also `error.status`), so the HTTP layer and non-HTTP
 * callers cannot disagree; the catalogue adds the words.
 *
 * Notable choices (made in `ERROR_STATUS`):
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
export const PROBLEM_CATALOG: Readonly<Record<ProblemCode, ProblemCatalogEntry>> = Object.freeze(
  Object.fromEntries((Object.keys(WORDING) as ProblemCode[]).map((code) => [code, Object.freeze({ status: statusOf(code), ...WORDING[code] })])) as Record<
    ProblemCode,
    ProblemCatalogEntry
  >,
);

/** Options of {@link problemTypeOf}. */
export interface ProblemTypeOptions {
  /** The prefix of the URI. Default is {@link PROBLEM_TYPE_BASE}. */
  readonly typeBase?: string;
}

/**
 * The `type` URI of a code: the type base plus the code in kebab case, e.g.
 * `https://tenantry.dev/problems/not-found`. Stable once released.
 */
export function problemTypeOf(code: ProblemCode, options: ProblemTypeOptions = {}): string {
  return (options.typeBase ?? PROBLEM_TYPE_BASE) + code.replaceAll('_', '-');
}
