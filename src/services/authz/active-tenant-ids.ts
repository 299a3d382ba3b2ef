import type { Actor } from '../../core/actors/actor.js';
import { ActorNotAllowedError } from '../../core/errors/index.js';

/** What {@link activeTenantIds} reads: a user's memberships in tenants that are not archived. */
export interface ActiveTenantIdsDependencies {
  readonly listActiveMemberships: (userId: string) => Promise<readonly { readonly tenantId: string }[]>;
}

/**
 * The tenants `actor` is an active member of (archived tenants left out),
 * ordered by tenant id: one store query (`listActiveMembershipsOfUser`),
 * however many tenants. A system actor belongs to no tenant:
 * `ActorNotAllowedError`.
 */
export async function activeTenantIds(actor: Actor, deps: ActiveTenantIdsDependencies): Promise<readonly string[]> {
  if (actor.type !== 'user') throw new ActorNotAllowedError('user', 'tenantIds() lists a user’s tenants; a system actor has none.');
  const rows = await deps.listActiveMemberships(actor.userId);
  return Object.freeze(rows.map((row) => row.tenantId));
}
