import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  createTenantry,
  FeatureNotFoundError,
  LimitExceededError,
  NotFoundError,
  PackageNotFoundError,
  systemActor,
  ValidationError,
} from 'tenantry';
import { countingStore } from 'tenantry/testing';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../support/catalog.js';
import { billing, entitlementWorld, packages } from '../../support/entitlements.js';

describe('usage alerts', () => {
  it('fires only the highest crossed threshold, once per threshold and window, and records it in the history', async () => {
    const { owner, system, tenantId, alerts } = await entitlementWorld();
    for (const amount of [850, 100, 10, 40]) await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount });
    expect(alerts).toMatchObject([
      { tenantId, featureKey: 'api.requests', namespace: null, threshold: 80, used: 850, limit: 1000 },
      { featureKey: 'api.requests', threshold: 90, used: 950 },
      { featureKey: 'api.requests', threshold: 100, used: 1000 },
    ]);
    expect(alerts).toHaveLength(3);
    const history = await system.provisioning.alerts({ tenantId });
    expect(history.nextCursor).toBeNull();
    expect(history.items.map((a) => [a.featureKey, a.threshold])).toEqual([
      ['api.requests', 80],
      ['api.requests', 90],
      ['api.requests', 100],
    ]);
    for (const entry of history.items) expect(entry.createdAt).toBeInstanceOf(Date);
  });

  it('pages the alert history with an opaque cursor', async () => {
    const { owner, system, tenantId } = await entitlementWorld();
    for (const amount of [850, 100, 50]) await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount });
    const first = await system.provisioning.alerts({ tenantId, limit: 2 });
    expect(first.items.map((a) => a.threshold)).toEqual([80, 90]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await system.provisioning.alerts({ tenantId, limit: 2, cursor: first.nextCursor ?? '' });
    expect(second).toMatchObject({ items: [{ threshold: 100 }], nextCursor: null });
  });

  it('a jump over several thresholds fires just the highest', async () => {
    const { owner, tenantId, alerts } = await entitlementWorld();
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 950 });
    expect(alerts).toMatchObject([{ threshold: 90 }]);
    expect(alerts).toHaveLength(1);
  });

  it('fires again in the next window, and alerts pools crossed through a child', async () => {
    const { owner, tenantId, alerts, clock } = await entitlementWorld();
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 180 });
    expect(alerts).toMatchObject([{ featureKey: 'ai.tokens.images', threshold: 90 }]);
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 700 });
    expect(alerts.at(-1)).toMatchObject({ featureKey: 'ai.tokens', threshold: 80, used: 880 });
    clock.advance(32 * 24 * 3600 * 1000);
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 800 });
    expect(alerts.at(-1)).toMatchObject({ featureKey: 'ai.tokens', threshold: 80, used: 800 });
  });
});

describe('provisioning', () => {
  it('sums package grants, lets unlimited win, and adds boosts until they expire', async () => {
    const { owner, system, tenantId, clock } = await entitlementWorld();
    await system.provisioning.assignPackage({ tenantId, packageKey: 'extra-seats' });
    expect((await owner.usage.effective(tenantId)).features.seats).toMatchObject({ enabled: true, limit: 13 });
    const expiresAt = new Date(clock.now().getTime() + 1000);
    const boost = await system.provisioning.addBoost({ tenantId, featureKey: 'seats', amount: 2, expiresAt });
    expect(boost).toEqual({
      id: expect.any(String) as unknown,
      tenantId,
      featureKey: 'seats',
      amount: 2,
      expiresAt,
      createdAt: clock.now(),
      createdBy: { type: 'system', id: 'billing' },
    });
    expect((await owner.usage.check({ tenantId, featureKey: 'seats' })).limit).toBe(15);
    clock.advance(1000);
    expect((await owner.usage.check({ tenantId, featureKey: 'seats' })).limit).toBe(13);
    await system.provisioning.assignPackage({ tenantId, packageKey: 'enterprise' });
    expect((await owner.usage.check({ tenantId, featureKey: 'seats' })).limit).toBe('unlimited');
  });

  it('cancels packages, keeps the record, and refuses duplicates and unknown packages', async () => {
    const { tenantry, owner, system, tenantId } = await entitlementWorld();
    await expect(system.provisioning.assignPackage({ tenantId, packageKey: 'free' })).rejects.toThrow(AlreadyExistsError);
    await expect(system.provisioning.assignPackage({ tenantId, packageKey: 'gold' as never })).rejects.toThrow(PackageNotFoundError);
    const cancelled = await tenantry.as(systemActor('support')).provisioning.cancelPackage({ tenantId, packageKey: 'free' });
    expect(cancelled).toMatchObject({
      tenantId,
      packageKey: 'free',
      assignedBy: { type: 'system', id: 'billing' },
      cancelledBy: { type: 'system', id: 'support' },
    });
    expect(cancelled.cancelledAt).toBeInstanceOf(Date);
    expect(await owner.usage.check({ tenantId, featureKey: 'ai.tokens' })).toMatchObject({ allowed: false, reason: 'not_enabled' });
    await expect(system.provisioning.cancelPackage({ tenantId, packageKey: 'free' })).rejects.toThrow(NotFoundError);
    expect(await system.provisioning.assignPackage({ tenantId, packageKey: 'free' })).toMatchObject({
      packageKey: 'free',
      cancelledAt: null,
      cancelledBy: null,
    });
  });

  it('audits every provisioning change with its actor', async () => {
    const { system, tenantId } = await entitlementWorld();
    await system.provisioning.addBoost({ tenantId, featureKey: 'ai.tokens', amount: 500 });
    await system.provisioning.setNamespaceLimit({ tenantId, namespace: 'ops', featureKey: 'ai.tokens', limit: 10 });
    await system.provisioning.cancelPackage({ tenantId, packageKey: 'free' });
    const billingActor = { type: 'system', id: 'billing' };
    const { items } = await system.audit.list({ tenantId });
    expect(items.map((e) => [e.action, e.actor])).toEqual([
      ['entitlement.package_cancel', billingActor],
      ['entitlement.namespace_limit_set', billingActor],
      ['entitlement.boost_add', billingActor],
      ['entitlement.package_assign', billingActor],
      ['tenant.create', billingActor],
    ]);
    expect(items[2]?.metadata).toEqual({ feature: 'ai.tokens', amount: 500, expiresAt: null });
    expect(items[1]?.metadata).toEqual({ namespace: 'ops', feature: 'ai.tokens', limit: 10 });
  });

  it('rejects boosts that do not fit their feature', async () => {
    const { system, tenantId, store } = await entitlementWorld();
    const grantsBefore = await store.readGrants(tenantId);
    await expect(system.provisioning.addBoost({ tenantId, featureKey: 'seats', amount: 0 })).rejects.toThrow(ValidationError);
    await expect(system.provisioning.addBoost({ tenantId, featureKey: 'nope' as never, amount: 1 })).rejects.toThrow(FeatureNotFoundError);
    await expect(system.provisioning.setNamespaceLimit({ tenantId, namespace: 'ops', featureKey: 'sso' as never, limit: 1 })).rejects.toThrow(ValidationError);
    expect(await store.readGrants(tenantId)).toEqual(grantsBefore);
  });
});

describe('simulation', () => {
  it('reports new limits and overages for a plan change without writing anything', async () => {
    const store = countingStore(memoryStore());
    const { owner, tenantId } = await entitlementWorld({ store, plan: 'pro' });
    await owner.usage.consume({ tenantId, featureKey: 'seats', amount: 10 });
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 5_000 });
    const usageBefore = await owner.usage.report({ tenantId });
    const grantsBefore = await store.readGrants(tenantId);
    store.reset();
    const simulation = await owner.usage.simulate({ tenantId, packageKeys: ['free'] });
    // Reads only: the grants and the counters.
    expect(Object.entries(store.counts).filter(([, count]) => count > 0)).toEqual([
      ['readGrants', 1],
      ['readCounters', 1],
    ]);
    const seats = simulation.features.find((f) => f.featureKey === 'seats');
    expect(seats).toMatchObject({ current: { limit: 25 }, proposed: { limit: 3 }, used: 10, over: true, change: 'decreased' });
    expect(simulation.over).toContain('seats');
    expect(simulation.lost).toContain('sso');
    expect(await owner.usage.report({ tenantId })).toEqual(usageBefore);
    expect(await store.readGrants(tenantId)).toEqual(grantsBefore);
  });
});

describe('grants cache', () => {
  it('saves the grants read on repeated consumptions and sees provisioning through the same instance at once', async () => {
    const world = await entitlementWorld();
    const store = countingStore(world.store);
    const cached = createTenantry({ capabilities, roles, store, entitlements: { packages }, cache: { grants: { max: 100, ttlMs: 60_000 } } });
    const system = cached.as(billing);
    const tenantId = world.tenantId;
    for (let i = 0; i < 3; i += 1) await system.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 });
    expect(store.counts.readGrants).toBe(1);
    expect((await system.usage.check({ tenantId, featureKey: 'api.requests' })).limit).toBe(1000);
    await system.provisioning.assignPackage({ tenantId, packageKey: 'pro' });
    expect((await system.usage.check({ tenantId, featureKey: 'api.requests' })).limit).toBe(101_000);
    // One read by the assignment (its limit-overflow check, in its transaction), one by the check after it.
    expect(store.counts.readGrants).toBe(3);
  });
});

describe('seat alerts', () => {
  it('seat consumption fires alerts like any limit, once the membership committed; a refused addition fires nothing', async () => {
    const { system, tenantId, alerts } = await entitlementWorld({ seats: true, plan: 'free' });
    // The founding owner holds the first of the 3 seats.
    await system.members.add({ tenantId, userId: 'm1', role: 'readonly' });
    expect(alerts).toEqual([]);
    await system.members.add({ tenantId, userId: 'm2', role: 'readonly' });
    expect(alerts).toMatchObject([{ tenantId, featureKey: 'seats', namespace: null, threshold: 100, used: 3, limit: 3 }]);
    await expect(system.members.add({ tenantId, userId: 'm3', role: 'readonly' })).rejects.toThrow(LimitExceededError);
    expect(alerts).toHaveLength(1);
    expect((await system.provisioning.alerts({ tenantId })).items.map((alert) => [alert.featureKey, alert.threshold])).toEqual([['seats', 100]]);
  });
});
