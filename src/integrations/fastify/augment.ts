import type { EntitlementDecisions } from '../http/entitlement-decisions.js';
import type { TenantContext } from '../http/request-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the `tenantContext()` hook once the user is known to be a
     * member of the tenant; `null` (the decorated default) on requests
     * without it. Read it with `tenantOf(tenantry, request)` for a scope
     * typed from your catalog.
     */
    tenantry: TenantContext | null;
    /**
     * The decisions of the `requireEntitlement()` guards that let the
     * request through, by feature key; `null` (the decorated default) on
     * requests without one. Read one with `entitlementOf(request, featureKey)`.
     */
    tenantryEntitlements: EntitlementDecisions | null;
  }
}
