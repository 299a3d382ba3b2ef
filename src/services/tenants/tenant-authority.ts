import type { Actor } from '../../core/actors/actor.js';
import { ForbiddenError, NotFoundError, OwnerRequiredError } from '../../core/errors/index.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import type { StoreOperations } from '../../store/store-operations.js';

/**
 * Who may change a tenant itself (its description; deleting it), decided
 * inside the change's transaction, which holds the tenant's lock. The system
 * actor always may. A user must be a member of a tenant that is not archived
 * (the canonical `NotFoundError` otherwise: a non-member learns nothing) and
 * hold `capability`, or the owner role when it is `undefined`
 * (`ForbiddenError` / `OwnerRequiredError`).
 */
export async function assertMayChangeTenant(
  tx: StoreOperations,
  roles: RoleMap,
  actor: Actor,
  tenantId: string,
  capability: string | undefined,
): Promise<void> {
  if (actor.type === 'system') return;
  const [tenant, own] = await Promise.all([tx.findTenant(tenantId), tx.findMembership(tenantId, actor.userId)]);
  if (tenant === undefined || tenant.archivedAt !== undefined || own === undefined) throw new NotFoundError();
  if (capability === undefined) {
    if (!roles.isOwner(own.role)) throw new OwnerRequiredError('owner_role', 'Only an owner can change the tenant.');
  } else if (!roles.grants(own.role, capability)) {
    throw new ForbiddenError(capability);
  }
}
