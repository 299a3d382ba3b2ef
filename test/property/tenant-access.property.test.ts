import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTenantry, defineCapabilities, defineRoles, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { catalogArb, malformedTenantIdArb, membershipsArb, userIdArb, type CatalogSample } from 'tenantry/testing/arbitraries';

const system = systemActor('property');
const runs = { numRuns: 40 };
// Generous: the large catalogs make each run a few thousand checks, and CI machines are shared.
const timeout = { timeout: 120_000 };

/**
 * Small generated catalogs, and large ones (up to 80 capabilities), so that
 * masks of one to three 32-bit words are all exercised (fast-check keeps
 * generated arrays short, so the large ones are built from a count).
 */
const largeCatalogArb: fc.Arbitrary<CatalogSample> = fc.tuple(fc.integer({ min: 20, max: 80 }), fc.integer({ min: 1, max: 5 })).chain(([count, roleCount]) => {
  const capabilities = Array.from({ length: count }, (_, i) => `area${i % 7}.cap${i}`);
  const roleNames = Array.from({ length: roleCount }, (_, i) => `role${i}`);
  return fc.tuple(...roleNames.map(() => fc.subarray(capabilities))).map((grants) => ({
    capabilities,
    roles: Object.fromEntries(roleNames.map((role, i) => [role, grants[i] ?? []])),
    ownerRole: 'role0',
  }));
});
const anyCatalogArb = fc.oneof(catalogArb({ maxCapabilities: 12, maxRoles: 6 }), largeCatalogArb);
const worldArb = anyCatalogArb.chain((catalog) =>
  fc.tuple(fc.constant(catalog), membershipsArb(catalog, 3, { maxLength: 12 }), userIdArb(), malformedTenantIdArb(), fc.boolean()),
);

async function world(catalog: CatalogSample, cache: boolean) {
  const capabilities = defineCapabilities(catalog.capabilities);
  const roles = defineRoles(capabilities, catalog.roles, { ownerRole: catalog.ownerRole });
  const tenantry = createTenantry({ capabilities, roles, store: memoryStore(), ...(cache ? { cache: { memberships: { max: 1000, ttlMs: 60_000 } } } : {}) });
  const bootstrap = tenantry.as(system);
  const tenants = await Promise.all([0, 1, 2].map(async (i) => (await bootstrap.tenants.create({ ownerId: `owner-${i}` })).tenant.id));
  return { tenantry, roles, tenants };
}

describe('scope.access() properties', () => {
  it('access.can/check agree with scope.check, scope.can and the role map for random role maps and memberships', timeout, async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async ([catalog, memberships, outsider, malformed, cache]) => {
        const { tenantry, roles, tenants } = await world(catalog, cache);
        const added = memberships.filter((m) => !m.userId.startsWith('owner-'));
        for (const m of added) await tenantry.as(system).members.add({ tenantId: tenants[m.tenant]!, userId: m.userId, role: m.role });
        const roleOf = (userId: string, tenant: number): string | undefined =>
          userId === `owner-${tenant}` ? catalog.ownerRole : added.find((m) => m.userId === userId && m.tenant === tenant)?.role;

        const users = [...new Set([...added.map((m) => m.userId), 'owner-0', outsider])];
        for (const userId of users) {
          // Two scopes per user: one asks access() first, the other scope.check() first, so neither order is privileged.
          const viaAccess = tenantry.forRequest({ userId });
          const viaCheck = tenantry.forRequest({ userId });
          for (const [tenant, tenantId] of [...tenants.entries(), [-1, malformed] as const]) {
            const role = tenant < 0 ? undefined : roleOf(userId, tenant);
            const access = await viaAccess.access(tenantId);
            expect(access.member).toBe(role !== undefined);
            expect(access.role).toBe(role);
            for (const capability of catalog.capabilities) {
              const expected = role === undefined ? 404 : roles.grants(role, capability) ? 200 : 403;
              const decision = await viaCheck.check(tenantId, capability);
              expect(decision.status).toBe(expected);
              expect(access.can(capability)).toBe(decision.allowed);
              expect(access.check(capability)).toEqual(decision);
              expect(await viaAccess.can(tenantId, capability)).toBe(decision.allowed);
              expect(await viaAccess.check(tenantId, capability)).toBe(access.check(capability));
            }
          }
        }
      }),
      runs,
    );
  });

  it('a system actor is allowed everything in an existing tenant and nothing elsewhere, on access and check alike', timeout, async () => {
    await fc.assert(
      fc.asyncProperty(anyCatalogArb, malformedTenantIdArb(), async (catalog, malformed) => {
        const { tenantry, tenants } = await world(catalog, false);
        const scope = tenantry.as(system);
        for (const tenantId of [tenants[0]!, '00000000-0000-4000-8000-000000000000', malformed]) {
          const access = await scope.access(tenantId);
          for (const capability of catalog.capabilities) {
            const decision = await scope.check(tenantId, capability);
            expect(access.can(capability)).toBe(decision.allowed);
            expect(decision.allowed).toBe(tenantId === tenants[0]);
            expect(access.check(capability)).toEqual(decision);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});
