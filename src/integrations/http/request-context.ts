import type { RequestScope } from '../../services/authz/request-scope.js';

/**
 * What the tenant-context middleware attaches to a request once the actor is
 * known to be a member of the tenant: `req.tenantry` on Express,
 * `request.tenantry` on Fastify.
 *
 * @typeParam C - capability names. The framework augmentations use the
 * default, `string`; `tenantOf(tenantry, req)` returns the typed form.
 */
export interface TenantryRequestContext<C extends string = string> {
  /** The actor's memoizing scope for this request; every check through it shares one membership lookup per tenant. */
  readonly scope: RequestScope<C>;
  /** The validated tenant id the actor is a member of. */
  readonly tenantId: string;
}
