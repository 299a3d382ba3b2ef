import { describe, expect, it } from 'vitest';
import { createTenantry, localInvalidationBus, type InvalidationMessage } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../support/catalog.js';
import { billing, packages, testClock } from '../../support/entitlements.js';

/**
 * Every provisioning change made through an instance drops that tenant's
 * cached grants at once and announces it on the bus. The cache's TTL is an
 * hour here, so a missed invalidation shows as the old answer.
 */
async function cachedWorld() {
  const store = memoryStore();
  const clock = testClock('2026-03-15T12:00:00.000Z');
  const bus = localInvalidationBus();
  const heard: InvalidationMessage[] = [];
  bus.subscribe((message) => heard.push(message));
  const tenantry = createTenantry({
    capabilities,
    roles,
    store,
    now: clock.now,
    entitlements: { packages },
    cache: { grants: { max: 100, ttlMs: 3_600_000 }, bus },
  });
  const system = tenantry.as(billing);
  const { tenant } = await system.tenants.create({ ownerId: 'owner' });
  await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
  const tenantId = tenant.id;
  // The tenant pool's limit from a check; a namespace's own limit from its usage report.
  const limitOf = async (featureKey: 'seats' | 'api.requests' | 'ai.tokens', namespace?: string) =>
    namespace === undefined
      ? (await system.usage.check({ tenantId, featureKey })).limit
      : (await system.usage.report({ tenantId, namespace })).features.find((entry) => entry.featureKey === featureKey)?.limit;
  const grantsHeard = () => heard.filter((message) => message.topic === 'grants' && message.tenantId === tenantId).length;
  return { store, clock, system, tenantId, limitOf, grantsHeard };
}

describe('grants cache invalidation by provisioning', () => {
  it('a package assignment is seen at once and published', async () => {
    const { system, tenantId, limitOf, grantsHeard } = await cachedWorld();
    expect(await limitOf('seats')).toBe(3);
    const before = grantsHeard();
    await system.provisioning.assignPackage({ tenantId, packageKey: 'extra-seats' });
    expect(await limitOf('seats')).toBe(13);
    expect(grantsHeard()).toBe(before + 1);
  });

  it('a cancellation is seen at once and published', async () => {
    const { system, tenantId, limitOf, grantsHeard } = await cachedWorld();
    await system.provisioning.assignPackage({ tenantId, packageKey: 'extra-seats' });
    expect(await limitOf('seats')).toBe(13);
    const before = grantsHeard();
    await system.provisioning.cancelPackage({ tenantId, packageKey: 'extra-seats' });
    expect(await limitOf('seats')).toBe(3);
    expect(grantsHeard()).toBe(before + 1);
    // A consumption through the same instance is refused under the new limit, not the cached one.
    await system.usage.consume({ tenantId, featureKey: 'seats', amount: 3 });
    expect((await system.usage.tryConsume({ tenantId, featureKey: 'seats', amount: 1 })).allowed).toBe(false);
  });

  it('a package change is seen at once and published', async () => {
    const { system, tenantId, limitOf, grantsHeard } = await cachedWorld();
    expect(await limitOf('api.requests')).toBe(1000);
    const before = grantsHeard();
    await system.provisioning.changePackage({ tenantId, from: 'free', to: 'pro', usage: 'carry' });
    expect(await limitOf('api.requests')).toBe(100_000);
    expect(grantsHeard()).toBe(before + 1);
  });

  it('a boost is seen at once and published', async () => {
    const { system, tenantId, limitOf, grantsHeard } = await cachedWorld();
    expect(await limitOf('seats')).toBe(3);
    const before = grantsHeard();
    await system.provisioning.addBoost({ tenantId, featureKey: 'seats', amount: 2 });
    expect(await limitOf('seats')).toBe(5);
    expect(grantsHeard()).toBe(before + 1);
    await system.usage.consume({ tenantId, featureKey: 'seats', amount: 5 });
  });

  it('a namespace limit (set and removed) is seen at once and published', async () => {
    const { system, tenantId, limitOf, grantsHeard } = await cachedWorld();
    expect(await limitOf('api.requests', 'team-a')).toBe('unlimited');
    const before = grantsHeard();
    await system.provisioning.setNamespaceLimit({ tenantId, namespace: 'team-a', featureKey: 'api.requests', limit: 10 });
    expect(await limitOf('api.requests', 'team-a')).toBe(10);
    expect((await system.usage.tryConsume({ tenantId, featureKey: 'api.requests', namespace: 'team-a', amount: 11 })).allowed).toBe(false);
    await system.provisioning.setNamespaceLimit({ tenantId, namespace: 'team-a', featureKey: 'api.requests', limit: 'unlimited' });
    expect(await limitOf('api.requests', 'team-a')).toBe('unlimited');
    expect(grantsHeard()).toBe(before + 2);
  });

  it('a billing-cycle change is seen at once (the window moves) and published', async () => {
    const { system, tenantId, grantsHeard } = await cachedWorld();
    const windowOf = async () => (await system.usage.report({ tenantId })).features.find((entry) => entry.featureKey === 'ai.tokens')?.windowStart;
    expect(await windowOf()).toEqual(new Date('2026-03-15T12:00:00.000Z'));
    const before = grantsHeard();
    await system.provisioning.setBillingCycle({ tenantId, anchor: new Date('2026-03-01T00:00:00.000Z'), usage: 'reset' });
    expect(grantsHeard()).toBe(before + 1);
    expect(await windowOf()).toEqual(new Date('2026-03-01T00:00:00.000Z'));
    const decision = await system.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 });
    expect(decision.used).toBe(1);
  });
});
