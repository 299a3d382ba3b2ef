import type { Actor } from '../../core/actors/actor.js';
import { ActorNotAllowedError } from '../../core/errors/index.js';

/** What {@link activeTenantIds} reads: every membership of a user, and the archive-aware lookup of one. */
export interface ActiveTenantIdsDependencies {
  readonly listMemberships: (userId: string) => Promise<readonly { readonly tenantId: string }[]>;
  readonly findMembership: (tenantId: string, userId: string) => Promise<{ readonly role: string } | undefined>;
}

/** Lookups in flight at once: enough to hide latency, few enough to leave the pool to other requests. */
const CONCURRENCY = 8;

/**
 * The tenants `actor` is an active member of (archived tenants left out),
 * ordered by tenant id. One query for the memberships, then the
 * archive-aware lookup each access check makes, per tenant: the
 * membership listing of the store port does not say which tenants are
 * archived. A system actor belongs to no tenant: `ActorNotAllowedError`.
 */
export async function activeTenantIds(actor: Actor, deps: ActiveTenantIdsDependencies): Promise<readonly string[]> {
  if (actor.type !== 'user') throw new ActorNotAllowedError('user', 'tenantIds() lists a user’s tenants; a system actor has none.');
  const { userId } = actor;
  const rows = await deps.listMemberships(userId);
  const active: string[] = [];
  for (let from = 0; from < rows.length; from += CONCURRENCY) {
    const batch = rows.slice(from, from + CONCURRENCY);
    const found = await Promise.all(batch.map(async (row) => ((await deps.findMembership(row.tenantId, userId)) === undefined ? undefined : row.tenantId)));
    for (const tenantId of found) if (tenantId !== undefined) active.push(tenantId);
  }
  return Object.freeze(active);
}
