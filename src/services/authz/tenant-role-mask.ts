import { capabilityMask, type CompiledRoles } from '../../core/roles/compiled-roles.js';
import type { TenantRoleOperations } from '../../store/tenant-role-operations.js';

/**
 * The role → capability mask step of a membership lookup, for roles a
 * tenant defined. A declared role resolves to `undefined` without a read
 * (its mask was compiled with the role map); any other role costs one read
 * of the tenant's roles and resolves to the mask of its capabilities, or to
 * no capability when the tenant does not define it (fail closed, like a
 * stored role that is no longer declared).
 *
 * The mask is then held by the access object built from the membership, so
 * it is memoized with it (per request, and in the cross-request cache) and
 * dropped with it: every role change publishes the tenant-wide membership
 * invalidation, on this instance and over the bus.
 */
export async function tenantRoleMask(
  compiled: CompiledRoles,
  store: Pick<TenantRoleOperations, 'listTenantRoles'>,
  tenantId: string,
  role: string,
): Promise<Uint32Array | undefined> {
  if (compiled.masks.has(role)) return undefined;
  const defined = (await store.listTenantRoles(tenantId)).find((candidate) => candidate.name === role);
  return defined === undefined ? compiled.none : (capabilityMask(compiled, defined.capabilities) ?? compiled.none);
}
