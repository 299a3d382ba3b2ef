import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor, tenantRole } from 'tenantry';
import { setup, type Capability, type TestTenantry } from '../support/catalog.js';

/**
 * Golden expectations for tenant-defined roles on the example catalog,
 * written by hand from the roles' definitions. The same role name means
 * different things in two tenants: each tenant's definition decides, and
 * decisions (scope.check, and the synchronous access object) treat tenant
 * roles exactly like declared ones.
 */
type Matrix = Readonly<Record<string, Readonly<Partial<Record<Capability, 200 | 403>>>>>;

const DEFINITIONS = {
  acme: {
    'billing-admin': ['tenant.read', 'billing.read', 'billing.manage'],
    auditor: ['tenant.read', 'audit.read'],
    empty: [],
  },
  globex: {
    'billing-admin': ['project.read'],
    auditor: ['audit.read', 'project.read', 'project.write'],
    empty: [],
  },
} as const satisfies Record<string, Record<string, readonly Capability[]>>;

const GOLDEN: Readonly<Record<keyof typeof DEFINITIONS, Matrix>> = {
  acme: {
    'billing-admin': { 'billing.manage': 200, 'billing.read': 200, 'tenant.read': 200, 'tenant.manage': 403, 'project.read': 403, 'membership.manage': 403 },
    auditor: { 'audit.read': 200, 'tenant.read': 200, 'billing.read': 403, 'project.read': 403, 'membership.manage': 403 },
    empty: { 'tenant.read': 403, 'project.read': 403, 'audit.read': 403, 'billing.manage': 403, 'membership.manage': 403 },
  },
  globex: {
    'billing-admin': { 'project.read': 200, 'billing.manage': 403, 'billing.read': 403, 'tenant.read': 403, 'membership.manage': 403 },
    auditor: { 'audit.read': 200, 'project.read': 200, 'project.write': 200, 'tenant.read': 403, 'project.delete': 403 },
    empty: { 'tenant.read': 403, 'project.read': 403, 'audit.read': 403, 'billing.manage': 403, 'membership.manage': 403 },
  },
};

const cases = Object.entries(GOLDEN).flatMap(([tenant, matrix]) =>
  Object.entries(matrix).flatMap(([role, row]) =>
    Object.entries(row).map(([capability, expected]) => ({
      title: `${tenant}: ${role} -> ${capability} = ${String(expected)}`,
      tenant: tenant as keyof typeof DEFINITIONS,
      role,
      capability: capability as Capability,
      expected,
    })),
  ),
);

describe('golden matrix of tenant-defined roles', () => {
  let tenantry: TestTenantry;
  const tenantIds = new Map<string, string>();
  beforeAll(async () => {
    tenantry = setup({ cache: { memberships: { max: 100, ttlMs: 60_000 } } }).tenantry;
    const system = tenantry.as(systemActor('golden'));
    for (const [label, roles] of Object.entries(DEFINITIONS)) {
      const { tenant } = await system.tenants.create({ ownerId: `${label}-owner` });
      tenantIds.set(label, tenant.id);
      for (const [name, capabilities] of Object.entries(roles) as [string, readonly Capability[]][]) {
        await system.roles.create({ tenantId: tenant.id, name, capabilities });
        await system.members.add({ tenantId: tenant.id, userId: `${label}-${name}`, role: tenantRole(name) });
      }
    }
  });

  it.each(cases)('$title', async ({ tenant, role, capability, expected }) => {
    const tenantId = tenantIds.get(tenant) ?? '';
    const scope = tenantry.forRequest({ userId: `${tenant}-${role}` });
    expect((await scope.check(tenantId, capability)).status).toBe(expected);
    // The synchronous access object agrees, including when served from the cross-request cache.
    expect((await tenantry.forRequest({ userId: `${tenant}-${role}` }).access(tenantId)).check(capability).status).toBe(expected);
  });

  it.each(['tenant.read', 'billing.manage', 'audit.read'] as const)(
    'a member of the other tenant holding the same role name -> %s = 404',
    async (capability) => {
      const scope = tenantry.forRequest({ userId: 'acme-auditor' });
      expect((await scope.check(tenantIds.get('globex') ?? '', capability)).status).toBe(404);
    },
  );

  it('has 5 to 10 golden checks per role', () => {
    for (const matrix of Object.values(GOLDEN)) {
      for (const row of Object.values(matrix)) expect(Object.keys(row).length).toBeGreaterThanOrEqual(5);
    }
  });
});
