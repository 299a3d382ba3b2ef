/**
 * `tenantry/fastify`: a Fastify 5 plugin and hooks for tenant context (404
 * for non-members), capability guards (403) and RFC 9457 problem responses.
 * Requires `fastify` (an optional peer dependency).
 *
 * @packageDocumentation
 */
import './integrations/fastify/augment.js';

export { tenantryPlugin } from './integrations/fastify/tenantry-plugin.js';
export type { TenantryPluginOptions } from './integrations/fastify/tenantry-plugin.js';
export { tenantContext } from './integrations/fastify/tenant-context.js';
export { requireCapability } from './integrations/fastify/require-capability.js';
export { problemHandler } from './integrations/fastify/problem-handler.js';
export { tenantOf } from './integrations/fastify/tenant-of.js';
export * from './integrations/http/public.js';
