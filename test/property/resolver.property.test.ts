import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTenantry, defineCapabilities, defineRoles, systemActor, UnknownCapabilityError } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { countingStore } from 'tenantry/testing';
import { catalogArb, malformedTenantIdArb, membershipsArb, userIdArb, type CatalogSample } from 'tenantry/testing/arbitraries';

const system = systemActor('property');
const runs = { numRuns: 60 };

function build(sample: CatalogSample, options: { cache?: boolean } = {}) {
  const capabilities = defineCapabilities(sample.capabilities);
  const roles = defineRoles(capabilities, sample.roles, { ownerRole: sample.ownerRole });
  const store = countingStore(memoryStore());
  const tenantry = createTenantry({
    capabilities,
    roles,
    store,
    ...(options.cache ? { cache: { memberships: { max: 1000, ttlMs: 60_000 } } } : {}),
  });
  return { tenantry, store, roles };
}

/** A catalog plus memberships over three tenants. */
const worldArb = catalogArb().chain((catalog) => fc.tuple(fc.constant(catalog), membershipsArb(catalog, 3)));

describe('resolver properties', () => {
  it('non-members always get 404, whatever the capability', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, userIdArb(), async ([catalog, memberships], outsider) => {
        fc.pre(!memberships.some((m) => m.userId === outsider) && outsider !== 'owner-0');
        const { tenantry } = build(catalog);
        const { tenant } = await tenantry.as(system).tenants.create({ ownerId: 'owner-0' });
        const scope = tenantry.forRequest({ userId: outsider });
        for (const capability of catalog.capabilities) {
          expect((await scope.check(tenant.id, capability)).status).toBe(404);
        }
      }),
      runs,
    );
  });

  it('malformed tenant ids get 404, for users and system actors alike, and never reach storage', async () => {
    await fc.assert(
      fc.asyncProperty(catalogArb(), malformedTenantIdArb(), async (catalog, tenantId) => {
        const { tenantry, store } = build(catalog);
        for (const scope of [tenantry.forRequest({ userId: 'someone' }), tenantry.as(system)]) {
          const decision = await scope.check(tenantId, catalog.capabilities[0]!);
          expect(decision.status).toBe(404);
          expect(decision.reason).toBe('not_member');
        }
        expect(store.total()).toBe(0);
      }),
      runs,
    );
  });

  it('a member is allowed iff its role grants the capability (otherwise 403)', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async ([catalog, memberships]) => {
        const { tenantry } = build(catalog);
        const bootstrap = tenantry.as(system);
        const tenants = await Promise.all([0, 1, 2].map(async (i) => (await bootstrap.tenants.create({ ownerId: `owner-${i}` })).tenant.id));
        const added = memberships.filter((m) => !m.userId.startsWith('owner-'));
        for (const m of added) await bootstrap.members.add({ tenantId: tenants[m.tenant]!, userId: m.userId, role: m.role });
        for (const m of added) {
          const scope = tenantry.forRequest({ userId: m.userId });
          for (const capability of catalog.capabilities) {
            const granted = catalog.roles[m.role]!.includes(capability);
            expect((await scope.check(tenants[m.tenant]!, capability)).status).toBe(granted ? 200 : 403);
          }
        }
      }),
      runs,
    );
  });

  it('unknown capability strings always throw UnknownCapabilityError', async () => {
    await fc.assert(
      fc.asyncProperty(catalogArb(), fc.string(), async (catalog, probe) => {
        fc.pre(!catalog.capabilities.includes(probe));
        const { tenantry, store } = build(catalog);
        const { tenant } = await tenantry.as(system).tenants.create({ ownerId: 'owner' });
        store.reset();
        await expect(tenantry.forRequest({ userId: 'owner' }).check(tenant.id, probe)).rejects.toThrow(UnknownCapabilityError);
        await expect(tenantry.as(system).check(tenant.id, probe)).rejects.toThrow(UnknownCapabilityError);
        expect(store.total()).toBe(0);
      }),
      runs,
    );
  });

  /**
   * Random interleavings of membership changes and checks. Three resolvers
   * see the same store: a fresh scope per check (the reference), one
   * long-lived scope refreshed after each change, and a fresh scope behind the
   * cross-request cache. They must always agree; in particular a revoked
   * capability is never served from the cache.
   */
  it('memoized, cached and unmemoized resolvers agree on any sequence of checks and membership changes', async () => {
    const users = ['u1', 'u2', 'u3'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('check' as const), user: fc.constantFrom(...users), capability: fc.nat() }),
      fc.record({ kind: fc.constant('add' as const), user: fc.constantFrom(...users), role: fc.nat() }),
      fc.record({ kind: fc.constant('change' as const), user: fc.constantFrom(...users), role: fc.nat() }),
      fc.record({ kind: fc.constant('remove' as const), user: fc.constantFrom(...users) }),
    );
    await fc.assert(
      fc.asyncProperty(catalogArb(), fc.array(step, { maxLength: 40 }), async (catalog, steps) => {
        const capabilities = defineCapabilities(catalog.capabilities);
        const roles = defineRoles(capabilities, catalog.roles, { ownerRole: catalog.ownerRole });
        const store = memoryStore();
        const plain = createTenantry({ capabilities, roles, store });
        const cached = createTenantry({ capabilities, roles, store, cache: { memberships: { max: 100, ttlMs: 60_000 } } });
        const writer = cached.as(system);
        const { tenant } = await writer.tenants.create({ ownerId: 'owner' });
        const longLived = new Map(users.map((user) => [user, plain.forRequest({ userId: user })]));
        const roleNames = roles.roleNames();
        for (const s of steps) {
          if (s.kind === 'check') {
            const capability = catalog.capabilities[s.capability % catalog.capabilities.length]!;
            const reference = await plain.forRequest({ userId: s.user }).check(tenant.id, capability);
            expect(await longLived.get(s.user)!.check(tenant.id, capability)).toEqual(reference);
            expect(await cached.forRequest({ userId: s.user }).check(tenant.id, capability)).toEqual(reference);
            continue;
          }
          // Membership changes go through the cached instance, as they would in production.
          const role = roleNames[('role' in s ? s.role : 0) % roleNames.length]!;
          const change =
            s.kind === 'add'
              ? writer.members.add({ tenantId: tenant.id, userId: s.user, role })
              : s.kind === 'change'
                ? writer.members.changeRole({ tenantId: tenant.id, userId: s.user, role })
                : writer.members.remove({ tenantId: tenant.id, userId: s.user });
          await change.catch(() => undefined);
          longLived.get(s.user)!.refresh(tenant.id);
        }
      }),
      runs,
    );
  });
});
