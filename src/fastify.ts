/**
 * `tenantry/fastify`: a Fastify 5 plugin and hooks for tenant context (404
 * for non-members), capability guards (403), entitlement guards (atomic,
 * idempotent consumption), store-backed rate limits (429), RFC 9457
 * problem responses and the canonical 404 for unmatched routes. Every
 * guard takes the tenantry instance first.
 * Requires `fastify` (an optional peer dependency).
 *
 * @packageDocumentation
 */
import './integrations/fastify/augment.js';

export { tenantryPlugin } from './integrations/fastify/tenantry-plugin.js';
export type { TenantryPluginOptions } from './integrations/fastify/tenantry-plugin.js';
export type { TenantryHook } from './integrations/fastify/hook.js';
export { tenantContext } from './integrations/fastify/tenant-context.js';
export { requireCapability } from './integrations/fastify/require-capability.js';
export { requireEntitlement } from './integrations/fastify/require-entitlement.js';
export { entitlementOf } from './integrations/fastify/entitlement-of.js';
export { rateLimit } from './integrations/fastify/rate-limit.js';
export { problemHandler } from './integrations/fastify/problem-handler.js';
export { notFoundHandler } from './integrations/fastify/not-found-handler.js';
export { tenantOf } from './integrations/fastify/tenant-of.js';
export { acceptInvitation } from './integrations/fastify/accept-invitation.js';
export { auditRoutes } from './integrations/fastify/audit-routes.js';
export * from './integrations/http/public.js';
