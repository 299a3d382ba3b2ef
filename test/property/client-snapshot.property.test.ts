import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTenantry, defineCapabilities, defineRoles, systemActor, type DisabledReasonFormatter } from 'tenantry';
import { actionState, can, check, parseSnapshot } from 'tenantry/client';
import { memoryStore } from 'tenantry/memory';
import { catalogArb, membershipsArb, type CatalogSample } from 'tenantry/testing/arbitraries';
import { KEY_1 } from '../support/two-factor.js';

const system = systemActor('property');
const runs = { numRuns: 40 };
const timeout = { timeout: 120_000 };
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

/** Catalogs past 32 capabilities too, so bitsets of one to three words are all exercised. */
const largeCatalogArb: fc.Arbitrary<CatalogSample> = fc.tuple(fc.integer({ min: 28, max: 80 }), fc.integer({ min: 1, max: 4 })).chain(([count, roleCount]) => {
  const capabilities = Array.from({ length: count }, (_, i) => `area${i % 5}.cap${i}`);
  const roleNames = Array.from({ length: roleCount }, (_, i) => `role${i}`);
  return fc.tuple(...roleNames.map(() => fc.subarray(capabilities))).map((grants) => ({
    capabilities,
    roles: Object.fromEntries(roleNames.map((role, i) => [role, grants[i] ?? []])),
    ownerRole: 'role0',
  }));
});

const worldArb = fc.oneof(catalogArb({ maxCapabilities: 12, maxRoles: 5 }), largeCatalogArb).chain((catalog) =>
  fc.record({
    catalog: fc.constant(catalog),
    memberships: membershipsArb(catalog, 2, { maxLength: 8 }),
    // Step-up capabilities (a random subset) and whether each request carries a fresh second factor.
    stepUp: fc.subarray([...catalog.capabilities]),
    fresh: fc.boolean(),
    actions: fc.subarray([...catalog.capabilities]),
    customTooltip: fc.boolean(),
  }),
);

const tooltip: DisabledReasonFormatter = ({ capability, role }) => `${role} lacks ${capability}`;

describe('client snapshot ≡ server decision', () => {
  it(
    'for random catalogs, roles, step-up sets and requested actions, every capability decides the same on the client, before and after a JSON round trip',
    timeout,
    async () => {
      await fc.assert(
        fc.asyncProperty(worldArb, async ({ catalog, memberships, stepUp, fresh, actions, customTooltip }) => {
          const capabilities = defineCapabilities(catalog.capabilities);
          const roles = defineRoles(capabilities, catalog.roles, { ownerRole: catalog.ownerRole });
          const tenantry = createTenantry({
            capabilities,
            roles,
            store: memoryStore(),
            now: () => new Date(NOW),
            ...(customTooltip ? { formatDisabledReason: tooltip } : {}),
            ...(stepUp.length > 0 ? { twoFactor: { keys: { current: 'k1', k1: KEY_1 }, stepUp: { capabilities: stepUp, maxAgeMs: 60_000 } } } : {}),
          });
          const bootstrap = tenantry.as(system);
          const tenants = await Promise.all([0, 1].map(async (i) => (await bootstrap.tenants.create({ ownerId: `owner-${i}` })).tenant.id));
          const added = memberships.filter((m) => !m.userId.startsWith('owner-'));
          for (const m of added) await bootstrap.members.add({ tenantId: tenants[m.tenant]!, userId: m.userId, role: m.role });

          const requests = [...new Set(['owner-0', 'owner-1', ...added.map((m) => m.userId)])].map((userId) =>
            tenantry.forRequest(fresh ? { userId, secondFactorAt: new Date(NOW - 1_000) } : { userId }),
          );
          for (const scope of [...requests, tenantry.as(system)]) {
            for (const tenantId of tenants) {
              const access = await scope.access(tenantId);
              if (!access.member) {
                await expect(scope.snapshot(tenantId, { actions })).rejects.toMatchObject({ code: 'not_found' });
                continue;
              }
              const snapshot = await scope.snapshot(tenantId, { actions });
              const json = JSON.stringify(snapshot);
              const revived = parseSnapshot(json);
              expect(revived).toEqual(snapshot);
              expect(snapshot.role).toBe(access.role ?? null);
              for (const capability of catalog.capabilities) {
                const server = access.check(capability);
                for (const copy of [snapshot, revived]) {
                  expect(check(copy, capability)).toEqual(server);
                  expect(can(copy, capability)).toBe(access.can(capability));
                }
                // Rendered actions carry the host's tooltip; the others use the default one, like a server without a formatter.
                const serverState = actions.includes(capability) || !customTooltip ? access.actionState(capability) : undefined;
                if (serverState !== undefined) expect(actionState(revived, capability)).toEqual(serverState);
                else expect(actionState(revived, capability).disabled).toBe(access.actionState(capability).disabled);
              }
            }
          }
        }),
        runs,
      );
    },
  );
});
