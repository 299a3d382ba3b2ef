import type { RoleMap } from '../../core/roles/define-roles.js';
import { withTenantRoles } from '../../core/roles/tenant-role-map.js';
import type { TenantRoleOperations } from '../../store/tenant-role-operations.js';

/**
 * The role map of `tenantId` for a decision about `names`: the declared map
 * itself when every name is declared (no read, so writes that only involve
 * declared roles cost what they did before tenant roles existed), otherwise
 * the declared roles plus the tenant's own, read through `tx` (inside a
 * transaction that holds the tenant lock, so they stay as read until the
 * commit).
 */
export async function roleMapIn<C extends string>(
  tx: Pick<TenantRoleOperations, 'listTenantRoles'>,
  declared: RoleMap<C>,
  tenantId: string,
  names: readonly (string | null | undefined)[],
): Promise<RoleMap<C>> {
  if (names.every((name) => name === null || name === undefined || declared.has(name))) return declared;
  return withTenantRoles(declared, await tx.listTenantRoles(tenantId));
}
