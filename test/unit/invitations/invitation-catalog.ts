import { createTenantry, defineCapabilities, defineRoles, systemActor, type TenantryOptions } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { countingStore } from 'tenantry/testing';

/** A catalog where a non-owner (`admin`) manages members, for the delegation rules of invitations. */
export const capabilities = defineCapabilities(['membership.manage', 'billing.manage', 'project.read', 'project.write'] as const);
export const roles = defineRoles(
  capabilities,
  {
    owner: capabilities.all(),
    admin: ['membership.manage', 'project.read', 'project.write'],
    member: ['project.read'],
  },
  { ownerRole: 'owner' },
);
export type Capability = ReturnType<typeof capabilities.all>[number];
export type Role = ReturnType<typeof roles.roleNames>[number];

/** A mutable test clock. */
export function clock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/** A tenantry over a counting memory store, with owner `olga` and admin `adam` in one tenant. */
export async function invitationWorld(
  options: Partial<Omit<TenantryOptions<Capability, Role>, 'capabilities' | 'roles' | 'store'>> = {},
  store = memoryStore(),
) {
  const counting = countingStore(store);
  const time = clock();
  const tenantry = createTenantry({ capabilities, roles, store: counting, manageMembers: 'membership.manage', now: time.now, ...options });
  const system = tenantry.as(systemActor('test'));
  const { tenant } = await system.tenants.create({ ownerId: 'olga' });
  await system.members.add({ tenantId: tenant.id, userId: 'adam', role: 'admin' });
  await system.members.add({ tenantId: tenant.id, userId: 'mia', role: 'member' });
  return {
    tenantry,
    store: counting,
    time,
    tenantId: tenant.id,
    owner: tenantry.forRequest({ userId: 'olga' }),
    admin: tenantry.forRequest({ userId: 'adam' }),
  };
}
