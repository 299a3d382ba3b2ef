import { createTenantry, defineCapabilities, defineRoles, systemActor, type TenantryOptions } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { countingStore } from 'tenantry/testing';

/** A catalog where a non-owner role (`admin`) manages both members and roles, within its own capabilities. */
export const capabilities = defineCapabilities([
  'tenant.read',
  'members.manage',
  'roles.manage',
  'billing.read',
  'billing.manage',
  'project.read',
  'project.write',
  'audit.read',
] as const);

export const roles = defineRoles(
  capabilities,
  {
    owner: capabilities.all(),
    admin: ['tenant.read', 'members.manage', 'roles.manage', 'billing.read', 'project.read', 'project.write'],
    member: ['tenant.read', 'project.read'],
  },
  { ownerRole: 'owner' },
);

export type Capability = ReturnType<typeof capabilities.all>[number];
export type Role = ReturnType<typeof roles.roleNames>[number];

export const bootstrap = systemActor('roles-test');

/** An instance over a counting memory store; `members.manage` and `roles.manage` are the managing capabilities. */
export function setup(options: Partial<Omit<TenantryOptions<Capability, Role>, 'capabilities' | 'roles'>> = {}) {
  const store = countingStore(memoryStore());
  const tenantry = createTenantry({ capabilities, roles, store, manageMembers: 'members.manage', manageRoles: 'roles.manage', ...options });
  return { tenantry, store };
}

/** A tenant owned by `alice`, `ada` an admin, `max` a member. */
export async function seeded(tenantry: ReturnType<typeof setup>['tenantry']): Promise<string> {
  const system = tenantry.as(bootstrap);
  const { tenant } = await system.tenants.create({ ownerId: 'alice' });
  await system.members.add({ tenantId: tenant.id, userId: 'ada', role: 'admin' });
  await system.members.add({ tenantId: tenant.id, userId: 'max', role: 'member' });
  return tenant.id;
}
