import type { EntitlementDecisions } from '../http/entitlement-decisions.js';
import type { TenantContext } from '../http/request-context.js';

declare global {
  // Express types its request through this global namespace (see
  // @types/express-serve-static-core); merging into it is the documented way
  // to add request fields, and reaches every Express import style.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * Set by `tenantContext()` once the user is known to be a member of
       * the tenant; `undefined` on routes without it. Read it with
       * `tenantOf(tenantry, req)` for a scope typed from your catalog.
       */
      tenantry?: TenantContext;
      /**
       * The decisions of the `requireEntitlement()` guards that let the
       * request through, by feature key; `undefined` on routes without one.
       * Read one with `entitlementOf(req, featureKey)`.
       */
      tenantryEntitlements?: EntitlementDecisions;
    }
  }
}

export {};
