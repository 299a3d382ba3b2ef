import { createTenantry, systemActor, type Tenantry, type TenantryOptions } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { countingStore, type CountingStore } from 'tenantry/testing';
import { capabilities, roles } from '../../examples/catalog.js';

export { capabilities, roles };
export type Capability = ReturnType<typeof capabilities.all>[number];
export type Role = ReturnType<typeof roles.roleNames>[number];

/** A tenantry over a counting memory store, with the example catalog. */
export function setup(
  options: Partial<Omit<TenantryOptions<Capability, Role>, 'capabilities' | 'roles' | 'store'>> = {},
): { tenantry: Tenantry<Capability, Role>; store: CountingStore } {
  const store = countingStore(memoryStore());
  const tenantry = createTenantry({ capabilities, roles, store, manageMembersCapability: 'membership.manage', ...options });
  return { tenantry, store };
}

export const bootstrap = systemActor('test');

/** Creates a tenant owned by `owner` with the given extra members. */
export async function tenantWith(
  tenantry: Tenantry<Capability, Role>,
  owner: string,
  members: Readonly<Record<string, Role>> = {},
): Promise<string> {
  const { tenant } = await tenantry.tenants.create({ ownerId: owner });
  for (const [userId, role] of Object.entries(members)) {
    await tenantry.members.add({ actor: bootstrap, tenantId: tenant.id, userId, role });
  }
  return tenant.id;
}
