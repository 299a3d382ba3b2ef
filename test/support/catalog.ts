import { createTenantry, systemActor, type Scope, type Tenantry, type TenantryOptions } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { countingStore, type CountingStore } from 'tenantry/testing';
import { capabilities, roles } from '../../examples/catalog.js';

export { capabilities, roles };
export type Capability = ReturnType<typeof capabilities.all>[number];
export type Role = ReturnType<typeof roles.roleNames>[number];
export type TestTenantry = Tenantry<Capability, Role>;
export type TestScope = Scope<Capability, Role, never, never, never>;

/** A tenantry over a counting memory store, with the example catalog; members managed with `membership.manage`. */
export function setup(options: Partial<Omit<TenantryOptions<Capability, Role>, 'capabilities' | 'roles' | 'store'>> = {}): {
  tenantry: TestTenantry;
  store: CountingStore;
} {
  const store = countingStore(memoryStore());
  const tenantry = createTenantry({ capabilities, roles, store, manageMembers: 'membership.manage', ...options });
  return { tenantry, store };
}

/** The system actor the tests bootstrap with. */
export const bootstrap = systemActor('test');

/** Creates a tenant owned by `owner` with the given extra members (added by the system actor). */
export async function tenantWith(tenantry: TestTenantry, owner: string, members: Readonly<Record<string, Role>> = {}): Promise<string> {
  const system = tenantry.as(bootstrap);
  const { tenant } = await system.tenants.create({ ownerId: owner });
  for (const [userId, role] of Object.entries(members)) {
    await system.members.add({ tenantId: tenant.id, userId, role });
  }
  return tenant.id;
}
