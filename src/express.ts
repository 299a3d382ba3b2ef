/**
 * `tenantry/express`: Express 5 middleware for tenant context (404 for
 * non-members), capability guards (403), entitlement guards (atomic,
 * idempotent consumption), store-backed rate limits (429), RFC 9457
 * problem responses and the canonical 404 for unmatched routes. Every
 * guard takes the tenantry instance first.
 * Requires `express` (an optional peer dependency).
 *
 * @packageDocumentation
 */
import './integrations/express/augment.js';

export { tenantContext } from './integrations/express/tenant-context.js';
export { requireCapability } from './integrations/express/require-capability.js';
export { requireEntitlement } from './integrations/express/require-entitlement.js';
export { entitlementOf } from './integrations/express/entitlement-of.js';
export { rateLimit } from './integrations/express/rate-limit.js';
export { problemHandler } from './integrations/express/problem-handler.js';
export { notFoundHandler } from './integrations/express/not-found-handler.js';
export { tenantOf } from './integrations/express/tenant-of.js';
export { acceptInvitation } from './integrations/express/accept-invitation.js';
export { auditRoutes } from './integrations/express/audit-routes.js';
export * from './integrations/http/public.js';
