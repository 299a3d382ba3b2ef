import type { Scope } from '../../index.js';

/**
 * What `tenantContext()` attaches to a request once the user is known to be
 * a member of the tenant: `req.tenantry` on Express, `request.tenantry` on
 * Fastify. Read it with `tenantOf(tenantry, req)`, which types the scope
 * with your catalog.
 *
 * @typeParam S - the scope's type. The framework augmentations use the
 * default (plain strings); `tenantOf(tenantry, req)` returns the typed form.
 */
export interface TenantContext<S extends Scope = Scope> {
  /**
   * The user's memoizing scope for this request
   * (`tenantry.forRequest({ userId })`): every check and operation through
   * it shares one membership lookup per tenant.
   */
  readonly scope: S;
  /** The validated id of the tenant the user is a member of. */
  readonly tenantId: string;
  /** The signed-in user's id, as the `userId` option resolved it. */
  readonly userId: string;
}
