import type { EntitlementDecisions } from '../http/entitlement-decisions.js';
import type { TenantryRequestContext } from '../http/request-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the `tenantContext()` hook once the actor is known to be a
     * member of the tenant; `null` (the decorated default) on requests
     * without it. Read it with `tenantOf(tenantry, request)` for capability
     * names typed from your catalog.
     */
    tenantry: TenantryRequestContext | null;
    /**
     * The decisions of the `requireEntitlement()` guards that let the
     * request through, by feature; `null` (the decorated default) on
     * requests without one. Read one with
     * `entitlementOf(entitlements, request, feature)` for feature names
     * typed from your catalog.
     */
    tenantryEntitlements: EntitlementDecisions | null;
  }
}
