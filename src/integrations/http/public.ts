/**
 * The framework-neutral part of the public HTTP API, re-exported by both
 * `tenantry/express` and `tenantry/fastify` so the two stay in step.
 */
export { PROBLEM_CATALOG, PROBLEM_TYPE_BASE, problemTypeOf } from './problem-catalog.js';
export type { HttpProblemCode, ProblemCatalogEntry, ProblemCode, ProblemTypeOptions } from './problem-catalog.js';
export { problemDetailsFor } from './problem-details.js';
export type { ProblemDetails, ProblemDetailsOptions } from './problem-details.js';
export { PROBLEM_CONTENT_TYPE, renderProblem } from './problem-response.js';
export type { ProblemResponse, RenderProblemOptions } from './problem-response.js';
export { notFoundResponse } from './not-found-response.js';
export type { NotFoundResponseOptions } from './not-found-response.js';
export { errorResponse } from './error-response.js';
export { HttpProblemError, HTTP_PROBLEM_STATUS, isHttpProblemError } from './http-problem-error.js';
export type { HttpProblemErrorCode, HttpProblemErrorOptions } from './http-problem-error.js';
export type { ProblemExtender, ProblemHandlerOptions, ServerErrorReporter } from './problem-renderer.js';
export type { TenantContext } from './request-context.js';
export type { TenantContextOptions, TenantIdSource, UserIdResolver, UserIdSource } from './tenant-context-options.js';
export { DEFAULT_IDEMPOTENCY_KEY_HEADER } from './idempotency-key-header.js';
export type { EntitlementAmount, EntitlementGuardOptions, NamespaceResolver } from './entitlement-guard-options.js';
export type { EntitlementDecisions } from './entitlement-decisions.js';
export type { RateLimitCost, RateLimitKeyResolver, RateLimitOptions } from './rate-limit-options.js';
export type { AcceptInvitationOptions, AcceptInvitationResponseBody } from './accept-invitation-flow.js';
export { GUARD_KINDS } from './guard-mark.js';
export type { GuardKind, GuardMark } from './guard-mark.js';
export type { AuditedRoute, RouteAudit, RouteAuditOptions } from './route-audit.js';
