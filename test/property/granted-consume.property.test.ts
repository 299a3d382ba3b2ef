import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTenantry, isTenantryError } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../support/catalog.js';
import { billing, packages, testClock } from '../support/entitlements.js';

/** Fixed so failures reproduce; override with TENANTRY_FC_SEED. */
const SEED = Number(process.env.TENANTRY_FC_SEED ?? 20261201);

const FEATURES = ['seats', 'api.requests', 'ai.tokens', 'ai.tokens.images'] as const;
const PACKAGES = ['free', 'pro', 'enterprise', 'extra-seats'] as const;

type Step =
  | { readonly kind: 'assign' | 'cancel'; readonly pkg: (typeof PACKAGES)[number] }
  | { readonly kind: 'boost'; readonly feature: (typeof FEATURES)[number]; readonly amount: number | 'unlimited'; readonly expiresInMs: number | undefined }
  | { readonly kind: 'namespaceLimit'; readonly feature: (typeof FEATURES)[number]; readonly namespace: string; readonly limit: number | 'unlimited' }
  | { readonly kind: 'cycle'; readonly daysBack: number; readonly usage: 'carry' | 'reset' }
  | { readonly kind: 'advance'; readonly ms: number }
  | {
      readonly kind: 'consume';
      readonly feature: (typeof FEATURES)[number];
      readonly amount: number;
      readonly namespace: string | undefined;
      readonly key: string | undefined;
    };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('assign' as const, 'cancel' as const), pkg: fc.constantFrom(...PACKAGES) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('boost' as const),
      feature: fc.constantFrom(...FEATURES),
      amount: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant('unlimited' as const)),
      expiresInMs: fc.option(fc.integer({ min: 1, max: 7_200_000 }), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('namespaceLimit' as const),
      feature: fc.constantFrom(...FEATURES),
      namespace: fc.constantFrom('team-a', 'team-b'),
      limit: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant('unlimited' as const)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cycle' as const),
      daysBack: fc.integer({ min: 0, max: 60 }),
      usage: fc.constantFrom('carry' as const, 'reset' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 5_000_000 }) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('consume' as const),
      feature: fc.constantFrom(...FEATURES),
      amount: fc.integer({ min: 1, max: 30 }),
      namespace: fc.option(fc.constantFrom('team-a', 'team-b'), { nil: undefined }),
      key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
    }),
  },
);

/** What a call answered: its value, or the error's code. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await promise };
  } catch (error) {
    if (!isTenantryError(error)) throw error;
    return { error: error.code };
  }
}

describe('consume() without a grants cache (limits derived by the store)', () => {
  it('answers exactly as the reading path on random provisioning and consumptions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const clock = testClock('2026-03-15T12:00:00.000Z');
        const make = (cached: boolean) => {
          const tenantry = createTenantry({
            capabilities,
            roles,
            store: memoryStore(),
            now: clock.now,
            entitlements: { packages },
            ...(cached ? { cache: { grants: { max: 10, ttlMs: 3_600_000 } } } : {}),
          });
          return tenantry.as(billing);
        };
        // The cached instance plans from grants it read (invalidated by its own provisioning): the reading path.
        const worlds = [make(false), make(true)] as const;
        const tenants = await Promise.all(worlds.map(async (system) => (await system.tenants.create({ ownerId: 'owner' })).tenant.id));
        const run = async (index: 0 | 1, s: Step): Promise<unknown> => {
          const system = worlds[index];
          const tenantId = tenants[index] as string;
          switch (s.kind) {
            case 'assign':
              return outcome(system.provisioning.assignPackage({ tenantId, packageKey: s.pkg }).then(() => 'ok'));
            case 'cancel':
              return outcome(system.provisioning.cancelPackage({ tenantId, packageKey: s.pkg }).then(() => 'ok'));
            case 'boost':
              return outcome(
                system.provisioning
                  .addBoost({
                    tenantId,
                    featureKey: s.feature,
                    amount: s.amount,
                    ...(s.expiresInMs === undefined ? {} : { expiresAt: new Date(clock.now().getTime() + s.expiresInMs) }),
                  })
                  .then(() => 'ok'),
              );
            case 'namespaceLimit':
              return outcome(
                system.provisioning.setNamespaceLimit({ tenantId, namespace: s.namespace, featureKey: s.feature, limit: s.limit }).then(() => 'ok'),
              );
            case 'cycle':
              return outcome(
                system.provisioning
                  .setBillingCycle({ tenantId, anchor: new Date(clock.now().getTime() - s.daysBack * 86_400_000), usage: s.usage })
                  .then(() => 'ok'),
              );
            case 'advance':
              return 'ok';
            case 'consume':
              return outcome(
                system.usage.tryConsume({
                  tenantId,
                  featureKey: s.feature,
                  amount: s.amount,
                  ...(s.namespace === undefined ? {} : { namespace: s.namespace }),
                  ...(s.key === undefined ? {} : { idempotencyKey: s.key }),
                }),
              );
          }
        };
        for (const s of steps) {
          const [derived, read] = [await run(0, s), await run(1, s)];
          expect(derived).toEqual(read);
          if (s.kind === 'advance') clock.advance(s.ms);
        }
      }),
      { numRuns: 60, seed: SEED },
    );
  }, 60_000);

  it('follows a billing-cycle move made by another instance: the store reports the moved anchor and the window is planned again', async () => {
    const clock = testClock('2026-03-15T12:00:00.000Z');
    const store = memoryStore();
    const make = () => createTenantry({ capabilities, roles, store, now: clock.now, entitlements: { packages } }).as(billing);
    const [a, b] = [make(), make()];
    const { tenant } = await a.tenants.create({ ownerId: 'owner' });
    await a.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
    expect((await a.usage.consume({ tenantId: tenant.id, featureKey: 'ai.tokens', amount: 10 })).usedAfter).toBe(10);
    // b moves the cycle with a reset; a has no bus and still holds the old anchor as its hint.
    await b.provisioning.setBillingCycle({ tenantId: tenant.id, anchor: new Date('2026-03-01T00:00:00.000Z'), usage: 'reset' });
    const after = await a.usage.consume({ tenantId: tenant.id, featureKey: 'ai.tokens', amount: 5 });
    expect(after.usedAfter).toBe(5);
    const report = await a.usage.report({ tenantId: tenant.id });
    expect(report.features.find((f) => f.featureKey === 'ai.tokens')).toMatchObject({ used: 5, windowStart: new Date('2026-03-01T00:00:00.000Z') });
  });
});
