/**
 * The framework-neutral part of the public HTTP API, re-exported by both
 * `tenantry/express` and `tenantry/fastify` so the two stay in step.
 */
export { PROBLEM_CATALOG, PROBLEM_TYPE_BASE, problemTypeOf } from './problem-catalog.js';
export type { HttpProblemCode, ProblemCatalogEntry, ProblemCode } from './problem-catalog.js';
export { problemDetailsFor } from './problem-details.js';
export type { ProblemDetails } from './problem-details.js';
export { PROBLEM_CONTENT_TYPE, renderProblem } from './problem-response.js';
export type { ProblemResponse } from './problem-response.js';
export { notFoundResponse } from './not-found-response.js';
export { errorResponse } from './error-response.js';
export type { ProblemHandlerOptions } from './error-response.js';
export type { TenantryRequestContext } from './request-context.js';
export type { ActorResolver, TenantContextOptions, TenantIdSource } from './tenant-context-options.js';
export { DEFAULT_IDEMPOTENCY_KEY_HEADER } from './idempotency-key-header.js';
export type { EntitlementSource } from './entitlement-guard-flow.js';
export type { EntitlementAmount, EntitlementGuardOptions, NamespaceResolver } from './entitlement-guard-options.js';
export type { EntitlementDecisions } from './entitlement-decisions.js';
export type { RateLimitCost, RateLimitKeyResolver, RateLimitOptions } from './rate-limit-options.js';
export type { RateLimitHit, RateLimitOperations, RateLimitResult } from '../../store/rate-limit-operations.js';
