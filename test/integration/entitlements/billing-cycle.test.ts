import { expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, ValidationError } from 'tenantry';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld, testClock } from '../../support/entitlements.js';

type World = Awaited<ReturnType<typeof entitlementWorld>>;

const tokens = async (world: World) => (await world.owner.usage.report({ tenantId: world.tenantId })).features.find((u) => u.featureKey === 'ai.tokens');

/**
 * The billing cycle is stored per tenant and set by provisioning, never
 * derived from the grants: the reproductions of issue 11 on every store.
 */
await describeDatabases(DATABASE_NAMES, (database) => {
  it('add-on Jan 10, pro Jan 20, 100% used Feb 15: cancelling the add-on does not move the window or free any usage', async () => {
    const clock = testClock('2024-01-10T09:00:00.000Z');
    const world = await entitlementWorld({ store: database.store(), clock, plan: null });
    const { system, owner, tenantId } = world;
    await system.provisioning.assignPackage({ tenantId, packageKey: 'extra-seats' });
    clock.set('2024-01-20T09:00:00.000Z');
    await system.provisioning.assignPackage({ tenantId, packageKey: 'pro' });
    clock.set('2024-02-15T12:00:00.000Z');
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 100_000 });
    const before = await tokens(world);
    expect(before).toMatchObject({ used: 100_000, windowStart: new Date('2024-02-10T09:00:00.000Z'), windowEnd: new Date('2024-03-10T09:00:00.000Z') });

    await system.provisioning.cancelPackage({ tenantId, packageKey: 'extra-seats' });
    expect(await tokens(world)).toEqual(before);
    expect(await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).toMatchObject({
      allowed: false,
      reason: 'limit_exceeded',
      used: 100_000,
    });
    // check() agrees with the report and the refusal.
    const other = await owner.usage.check({ tenantId, featureKey: 'ai.tokens', amount: 1 });
    expect(other).toMatchObject({ allowed: false, used: 100_000 });
  });

  it('assignPackage({ cycleAnchor }) takes the anchor from the billing system; a Jan 31 anchor clamps to Feb 29 in a leap year', async () => {
    const clock = testClock('2024-02-01T00:00:00.000Z');
    const world = await entitlementWorld({ store: database.store(), clock, plan: null });
    const anchor = new Date('2024-01-31T10:00:00.000Z');
    await world.system.provisioning.assignPackage({ tenantId: world.tenantId, packageKey: 'pro', cycleAnchor: anchor });
    expect(await tokens(world)).toMatchObject({ windowStart: anchor, windowEnd: new Date('2024-02-29T10:00:00.000Z') });
    clock.set('2024-03-05T00:00:00.000Z');
    expect(await tokens(world)).toMatchObject({ windowStart: new Date('2024-02-29T10:00:00.000Z'), windowEnd: new Date('2024-03-31T10:00:00.000Z') });
    clock.set('2025-02-28T10:00:00.000Z');
    // A common year: Feb 28 is the anchor's day, and the window starts exactly now.
    expect(await tokens(world)).toMatchObject({ windowStart: new Date('2025-02-28T10:00:00.000Z'), windowEnd: new Date('2025-03-31T10:00:00.000Z') });
    const audit = await world.system.audit.list({ tenantId: world.tenantId });
    expect(audit.items[0]).toMatchObject({ action: 'entitlement.package_assign', metadata: { package: 'pro', cycleAnchor: anchor.toISOString() } });
  });

  it('setBillingCycle carries the current window usage by default, or resets it; audited', async () => {
    const clock = testClock('2024-01-20T09:00:00.000Z');
    const world = await entitlementWorld({ store: database.store(), clock, plan: 'pro' });
    const { system, owner, tenantId } = world;
    clock.set('2024-02-15T12:00:00.000Z');
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 600 });
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 400, namespace: 'team' });
    const moved = await system.provisioning.setBillingCycle({ tenantId, anchor: new Date('2024-02-01T00:00:00.000Z') });
    expect(moved).toEqual({ tenantId, anchor: new Date('2024-02-01T00:00:00.000Z'), previous: new Date('2024-01-20T09:00:00.000Z') });
    expect(await tokens(world)).toMatchObject({ used: 1000, windowStart: new Date('2024-02-01T00:00:00.000Z') });
    const team = await owner.usage.report({ tenantId, namespace: 'team' });
    expect(team.features.find((u) => u.featureKey === 'ai.tokens')?.used).toBe(400);
    expect((await owner.usage.report({ tenantId })).features.find((u) => u.featureKey === 'ai.tokens.images')?.used).toBe(600);
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 7 });
    await system.provisioning.setBillingCycle({ tenantId, anchor: new Date('2024-02-05T00:00:00.000Z'), usage: 'reset' });
    expect(await tokens(world)).toMatchObject({ used: 0, windowStart: new Date('2024-02-05T00:00:00.000Z') });
    // Calendar periods are not touched by a reset.
    expect((await owner.usage.report({ tenantId })).features.find((u) => u.featureKey === 'api.requests')?.used).toBe(7);
    const audit = await system.audit.list({ tenantId });
    expect(audit.items[0]).toMatchObject({
      action: 'entitlement.billing_cycle_set',
      metadata: { anchor: '2024-02-05T00:00:00.000Z', previous: '2024-02-01T00:00:00.000Z', usage: 'reset' },
    });
    expect(audit.items[1]).toMatchObject({
      action: 'entitlement.billing_cycle_set',
      metadata: { anchor: '2024-02-01T00:00:00.000Z', previous: '2024-01-20T09:00:00.000Z', usage: 'carry' },
    });
  });

  it('changePackage swaps plans in one step: never both limits summed, never a gap, anchor kept, one audit entry', async () => {
    const clock = testClock('2024-01-31T10:00:00.000Z');
    const world = await entitlementWorld({ store: database.store(), clock, plan: 'free' });
    const { system, owner, tenantId } = world;
    clock.set('2024-02-29T12:00:00.000Z');
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 900 });
    const input = { tenantId, from: 'free', to: 'pro', usage: 'carry' } as const;
    const simulation = await system.provisioning.simulateChange(input);
    const change = await system.provisioning.changePackage(input);
    expect(change.cancelled).toMatchObject({ packageKey: 'free', cancelledAt: new Date('2024-02-29T12:00:00.000Z') });
    expect(change.assigned).toMatchObject({ packageKey: 'pro', cancelledAt: null });
    expect(change.cycleAnchor).toEqual(new Date('2024-01-31T10:00:00.000Z'));
    const after = await tokens(world);
    expect(after).toMatchObject({ limit: 100_000, used: 900, windowStart: new Date('2024-02-29T10:00:00.000Z') });
    // The simulation said what the change did.
    const effective = await owner.usage.effective(tenantId);
    for (const feature of simulation.features) expect(feature.proposed).toEqual(effective.features[feature.featureKey]);
    expect(simulation.over).toEqual([]);
    const audit = await system.audit.list({ tenantId });
    expect(audit.items[0]).toMatchObject({
      action: 'entitlement.package_change',
      metadata: { from: 'free', to: 'pro', usage: 'carry', cycleAnchor: '2024-01-31T10:00:00.000Z' },
    });
    expect(audit.items[1]?.action).toBe('entitlement.package_assign');
  });

  it('changePackage with usage reset and a new anchor; downgrade simulation flags usage over the new limits', async () => {
    const clock = testClock('2024-03-01T00:00:00.000Z');
    const world = await entitlementWorld({ store: database.store(), clock, plan: 'pro' });
    const { system, owner, tenantId } = world;
    clock.set('2024-03-20T00:00:00.000Z');
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 5_000 });
    const downgrade = { tenantId, from: 'pro', to: 'free', usage: 'carry' } as const;
    expect((await system.provisioning.simulateChange(downgrade)).over).toEqual(['ai.tokens']);
    const reset = { ...downgrade, usage: 'reset', cycleAnchor: new Date('2024-03-20T00:00:00.000Z') } as const;
    expect((await system.provisioning.simulateChange(reset)).over).toEqual([]);
    await system.provisioning.changePackage(reset);
    expect(await tokens(world)).toMatchObject({ limit: 1000, used: 0, windowStart: new Date('2024-03-20T00:00:00.000Z') });
  });

  it('changePackage refusals write nothing: from not active, to already active, the same package, over the ceiling', async () => {
    const world = await entitlementWorld({ store: database.store(), plan: 'free' });
    const { system, owner, tenantId } = world;
    await system.provisioning.assignPackage({ tenantId, packageKey: 'extra-seats' });
    const before = await owner.usage.effective(tenantId);
    const auditBefore = (await system.audit.list({ tenantId })).items.length;
    await expect(system.provisioning.changePackage({ tenantId, from: 'pro', to: 'enterprise', usage: 'carry' })).rejects.toThrow(NotFoundError);
    await expect(system.provisioning.changePackage({ tenantId, from: 'free', to: 'extra-seats', usage: 'carry' })).rejects.toThrow(AlreadyExistsError);
    await expect(system.provisioning.changePackage({ tenantId, from: 'free', to: 'free', usage: 'carry' })).rejects.toThrow(ValidationError);
    await expect(system.provisioning.simulateChange({ tenantId, from: 'pro', to: 'enterprise', usage: 'carry' })).rejects.toThrow(NotFoundError);
    await expect(system.provisioning.simulateChange({ tenantId, from: 'free', to: 'extra-seats', usage: 'carry' })).rejects.toThrow(AlreadyExistsError);
    await expect(system.provisioning.changePackage({ tenantId, from: 'free', to: 'pro', usage: 'sometimes' as 'carry' })).rejects.toThrow(ValidationError);
    expect(await owner.usage.effective(tenantId)).toEqual(before);
    expect((await system.audit.list({ tenantId })).items).toHaveLength(auditBefore);
  });
});
