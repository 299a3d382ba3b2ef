import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, PackageNotFoundError, systemActor, ValidationError } from 'tenantry';
import { billing, entitlementWorld } from '../../support/entitlements.js';

describe('usage alerts', () => {
  it('fires only the highest crossed threshold, once per threshold and window, and records it in the history', async () => {
    const { entitlements, tenantId, alerts } = await entitlementWorld();
    await entitlements.usage.consume(tenantId, 'api.requests', 850);
    await entitlements.usage.consume(tenantId, 'api.requests', 100);
    await entitlements.usage.consume(tenantId, 'api.requests', 10);
    await entitlements.usage.consume(tenantId, 'api.requests', 40);
    expect(alerts).toMatchObject([
      { feature: 'api.requests', namespace: null, threshold: 80, used: 850, limit: 1000 },
      { feature: 'api.requests', threshold: 90, used: 950 },
      { feature: 'api.requests', threshold: 100, used: 1000 },
    ]);
    const history = await entitlements.provisioning.alerts(tenantId);
    expect(history.map((a) => [a.featureKey, a.threshold])).toEqual([
      ['api.requests', 80],
      ['api.requests', 90],
      ['api.requests', 100],
    ]);
  });

  it('a jump over several thresholds fires just the highest', async () => {
    const { entitlements, tenantId, alerts } = await entitlementWorld();
    await entitlements.usage.consume(tenantId, 'api.requests', 950);
    expect(alerts).toMatchObject([{ threshold: 90 }]);
  });

  it('fires again in the next window, and alerts pools crossed through a child', async () => {
    const { entitlements, tenantId, alerts, clock } = await entitlementWorld();
    await entitlements.usage.consume(tenantId, 'ai.tokens.images', 180);
    expect(alerts).toMatchObject([{ feature: 'ai.tokens.images', threshold: 90 }]);
    await entitlements.usage.consume(tenantId, 'ai.tokens', 700);
    expect(alerts.at(-1)).toMatchObject({ feature: 'ai.tokens', threshold: 80, used: 880 });
    clock.advance(32 * 24 * 3600 * 1000);
    await entitlements.usage.consume(tenantId, 'ai.tokens', 800);
    expect(alerts.at(-1)).toMatchObject({ feature: 'ai.tokens', threshold: 80, used: 800 });
  });

  it('a throwing alert hook never undoes the consumption', async () => {
    const world = await entitlementWorld();
    const { createEntitlements } = await import('tenantry');
    const { packages } = await import('../../support/entitlements.js');
    const noisy = createEntitlements({
      packages,
      store: world.store,
      onAlert: () => {
        throw new Error('pager down');
      },
    });
    await expect(noisy.usage.consume(world.tenantId, 'api.requests', 999)).resolves.toMatchObject({ allowed: true });
  });
});

describe('provisioning', () => {
  it('sums package grants, lets unlimited win, and adds boosts until they expire', async () => {
    const { entitlements, tenantId, clock } = await entitlementWorld();
    await entitlements.provisioning.assignPackage({ actor: billing, tenantId, package: 'extra-seats' });
    expect((await entitlements.usage.effective(tenantId)).features.seats).toMatchObject({ enabled: true, limit: 13 });
    await entitlements.provisioning.addBoost({ actor: billing, tenantId, feature: 'seats', amount: 2, expiresAt: new Date(clock.now().getTime() + 1000) });
    expect((await entitlements.usage.check(tenantId, 'seats')).limit).toBe(15);
    clock.advance(1000);
    expect((await entitlements.usage.check(tenantId, 'seats')).limit).toBe(13);
    await entitlements.provisioning.assignPackage({ actor: billing, tenantId, package: 'enterprise' });
    expect((await entitlements.usage.check(tenantId, 'seats')).limit).toBe('unlimited');
  });

  it('cancels packages, keeps the record, and refuses duplicates and unknown packages', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    await expect(entitlements.provisioning.assignPackage({ actor: billing, tenantId, package: 'free' })).rejects.toThrow(AlreadyExistsError);
    await expect(entitlements.provisioning.assignPackage({ actor: billing, tenantId, package: 'gold' as never })).rejects.toThrow(PackageNotFoundError);
    const cancelled = await entitlements.provisioning.cancelPackage({ actor: systemActor('support'), tenantId, package: 'free' });
    expect(cancelled).toMatchObject({ packageKey: 'free', cancelledBy: 'system:support' });
    expect(await entitlements.usage.check(tenantId, 'ai.tokens')).toMatchObject({ allowed: false, reason: 'not_enabled' });
    await expect(entitlements.provisioning.cancelPackage({ actor: billing, tenantId, package: 'free' })).rejects.toThrow(NotFoundError);
    await entitlements.provisioning.assignPackage({ actor: billing, tenantId, package: 'free' });
  });

  it('audits every provisioning change with its actor', async () => {
    const { entitlements, tenantry, tenantId } = await entitlementWorld();
    await entitlements.provisioning.addBoost({ actor: billing, tenantId, feature: 'ai.tokens', amount: 500 });
    await entitlements.provisioning.setNamespaceLimit({ actor: billing, tenantId, namespace: 'ops', feature: 'ai.tokens', limit: 10 });
    await entitlements.provisioning.cancelPackage({ actor: billing, tenantId, package: 'free' });
    const { items } = await tenantry.audit.list({ actor: systemActor('test'), tenantId });
    expect(items.map((e) => [e.action, e.actorType, e.actorId])).toEqual([
      ['entitlement.package_cancel', 'system', 'system:billing'],
      ['entitlement.namespace_limit_set', 'system', 'system:billing'],
      ['entitlement.boost_add', 'system', 'system:billing'],
      ['entitlement.package_assign', 'system', 'system:billing'],
      ['tenant.create', 'user', 'owner'],
    ]);
    expect(items[2]?.metadata).toEqual({ feature: 'ai.tokens', amount: 500, expiresAt: null });
  });

  it('rejects boosts that do not fit their feature', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    await expect(entitlements.provisioning.addBoost({ actor: billing, tenantId, feature: 'seats', amount: 0 })).rejects.toThrow(ValidationError);
    await expect(entitlements.provisioning.addBoost({ actor: billing, tenantId, feature: 'nope' as never, amount: 1 })).rejects.toThrow();
  });
});

describe('simulation', () => {
  it('reports new limits and overages for a plan change without writing anything', async () => {
    const { entitlements, tenantId, store } = await entitlementWorld({ plan: 'pro' });
    await entitlements.usage.consume(tenantId, 'seats', 10);
    await entitlements.usage.consume(tenantId, 'api.requests', 5_000);
    const countersBefore = await entitlements.usage.usage(tenantId);
    const grantsBefore = await store.readGrants(tenantId);
    const simulation = await entitlements.usage.simulate(tenantId, { packages: ['free'] });
    const seats = simulation.features.find((f) => f.feature === 'seats');
    expect(seats).toMatchObject({ current: { limit: 25 }, proposed: { limit: 3 }, used: 10, over: true, change: 'decreased' });
    expect(simulation.over).toContain('seats');
    expect(simulation.lost).toContain('sso');
    expect(await entitlements.usage.usage(tenantId)).toEqual(countersBefore);
    expect(await store.readGrants(tenantId)).toEqual(grantsBefore);
  });
});

describe('grants cache', () => {
  it('saves the grants read on repeated consumptions and sees provisioning through the same instance at once', async () => {
    const { countingStore } = await import('tenantry/testing');
    const { createEntitlements } = await import('tenantry');
    const { packages } = await import('../../support/entitlements.js');
    const world = await entitlementWorld();
    const store = countingStore(world.store);
    const cached = createEntitlements({ packages, store, grantsCache: { max: 100, ttlMs: 60_000 } });
    await cached.usage.consume(world.tenantId, 'api.requests', 1);
    await cached.usage.consume(world.tenantId, 'api.requests', 1);
    await cached.usage.consume(world.tenantId, 'api.requests', 1);
    expect(store.counts.readGrants).toBe(1);
    expect((await cached.usage.check(world.tenantId, 'api.requests')).limit).toBe(1000);
    await cached.provisioning.assignPackage({ actor: billing, tenantId: world.tenantId, package: 'pro' });
    expect((await cached.usage.check(world.tenantId, 'api.requests')).limit).toBe(101_000);
    // One read by the assignment (its limit-overflow check, in its transaction), one by the check after it.
    expect(store.counts.readGrants).toBe(3);
  });
});
