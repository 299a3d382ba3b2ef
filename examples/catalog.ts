import { defineCapabilities, defineRoles } from 'tenantry';

/**
 * The example application's catalog: one registry, one role map. Everything
 * else (guards, UI, tests) derives from these two values.
 */
export const capabilities = defineCapabilities([
  'tenant.read',
  'tenant.manage',
  'membership.manage',
  'billing.read',
  'billing.manage',
  'project.read',
  'project.write',
  'project.delete',
  'audit.read',
] as const);

export const roles = defineRoles(
  capabilities,
  {
    // Least privilege: only owners manage memberships and billing.
    owner: capabilities.all(),
    manager: ['tenant.read', 'tenant.manage', 'billing.read', 'project.read', 'project.write', 'project.delete', 'audit.read'],
    operator: ['tenant.read', 'project.read', 'project.write'],
    readonly: ['tenant.read', 'project.read'],
  },
  { ownerRole: 'owner' },
);
