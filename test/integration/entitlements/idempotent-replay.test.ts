import { expect, it } from 'vitest';
import { FeatureNotEnabledError, IdempotencyConflictError } from 'tenantry';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld, testClock } from '../../support/entitlements.js';

/**
 * A recorded idempotency key replays the first decision whatever happened to
 * the tenant's grants since (a cancelled package, an expired boost, a lower
 * limit), on every store, until the key expires; another request under the
 * key is still a conflict.
 */
await describeDatabases(DATABASE_NAMES, (database) => {
  const usedOf = async (scope: Awaited<ReturnType<typeof entitlementWorld>>['owner'], tenantId: string) =>
    (await scope.usage.report({ tenantId })).features.find((usage) => usage.featureKey === 'ai.tokens')?.used;

  it('replays the first decision after the package that allowed it is cancelled, and still refuses another request under the key', async () => {
    const { owner, system, tenantId } = await entitlementWorld({ store: database.store() });
    const first = await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 100, idempotencyKey: 'req-1' });
    expect(first).toMatchObject({ allowed: true, limit: 1000, used: 100, remaining: 900, replayed: false });
    await system.provisioning.cancelPackage({ tenantId, packageKey: 'free' });

    expect(await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 100, idempotencyKey: 'req-1' })).toEqual({
      ...first,
      replayed: true,
      usageAsOf: 'first_call',
    });
    expect(await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 100, idempotencyKey: 'req-1' })).toEqual({
      ...first,
      replayed: true,
      usageAsOf: 'first_call',
    });
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 5, idempotencyKey: 'req-1' })).rejects.toThrow(IdempotencyConflictError);
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 100, idempotencyKey: 'req-1', namespace: 'team' })).rejects.toThrow(
      IdempotencyConflictError,
    );

    // A key never recorded is refused as before, and stays free for when the plan is back.
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 7, idempotencyKey: 'req-2' })).rejects.toThrow(FeatureNotEnabledError);
    expect(await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 7, idempotencyKey: 'req-2' })).toMatchObject({
      allowed: false,
      reason: 'not_enabled',
      replayed: false,
    });
    await system.provisioning.assignPackage({ tenantId, packageKey: 'free' });
    // Replays and conflicts counted nothing (the plan is back at the same cycle start: same window).
    expect(await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 7, idempotencyKey: 'req-2' })).toMatchObject({
      allowed: true,
      used: 107,
      replayed: false,
    });
    expect(await usedOf(owner, tenantId)).toBe(107);
  });

  it('replays the first decision of a pooled feature in a namespace after a downgrade lowered its limits below the recorded usage', async () => {
    const { owner, system, tenantId } = await entitlementWorld({ store: database.store() });
    await system.provisioning.assignPackage({ tenantId, packageKey: 'pro' });
    const request = { idempotencyKey: 'big-job', namespace: 'team-a' } as const;
    const first = await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 5000, ...request });
    expect(first).toMatchObject({ allowed: true, limit: 20_200, used: 5000, remaining: 15_200, namespace: 'team-a', replayed: false });
    await system.provisioning.cancelPackage({ tenantId, packageKey: 'pro' });
    await system.provisioning.setNamespaceLimit({ tenantId, namespace: 'team-a', featureKey: 'ai.tokens', limit: 10 });

    // free alone grants 200 images and 1000 tokens, and team-a now has 10: the replay still reports the first decision.
    expect(await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 5000, ...request })).toEqual({
      ...first,
      replayed: true,
      usageAsOf: 'first_call',
    });
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 5000, idempotencyKey: 'big-job' })).rejects.toThrow(
      IdempotencyConflictError,
    );
  });

  it('replays the first decision after the boost that enabled the feature has expired', async () => {
    const clock = testClock();
    const { owner, system, tenantId } = await entitlementWorld({ store: database.store(), plan: null, clock });
    await system.provisioning.addBoost({ tenantId, featureKey: 'ai.tokens', amount: 500, expiresAt: new Date(clock.now().getTime() + 60_000) });
    const first = await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 400, idempotencyKey: 'trial' });
    expect(first).toMatchObject({ allowed: true, limit: 500, used: 400, remaining: 100 });
    clock.advance(60_000);
    expect(await owner.usage.check({ tenantId, featureKey: 'ai.tokens' })).toMatchObject({ reason: 'not_enabled' });
    expect(await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 400, idempotencyKey: 'trial' })).toEqual({
      ...first,
      replayed: true,
      usageAsOf: 'first_call',
    });
  });
});
