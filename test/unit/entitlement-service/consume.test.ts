import { describe, expect, it } from 'vitest';
import { FeatureNotEnabledError, IdempotencyConflictError, LimitExceededError, NotFoundError, ValidationError, type Scope } from 'tenantry';
import { entitlementWorld } from '../../support/entitlements.js';

type World = Awaited<ReturnType<typeof entitlementWorld>>;

/** Usage of `featureKey` in the tenant pool (or `namespace`), as the usage report reads it. */
async function usedOf(scope: World['owner'], tenantId: string, featureKey: string, namespace?: string): Promise<number | undefined> {
  const report = await scope.usage.report(namespace === undefined ? { tenantId } : { tenantId, namespace });
  return report.features.find((usage) => usage.featureKey === featureKey)?.used;
}

/** Every counter of the tenant pool reads 0. */
async function nothingConsumed(scope: Scope, tenantId: string): Promise<boolean> {
  return (await scope.usage.report({ tenantId })).features.every((usage) => usage.used === 0);
}

describe('entitlement checks and consumption', () => {
  it('check() answers allowed / limit / used now / used after without writing', async () => {
    const { owner, tenantId } = await entitlementWorld();
    const decision = await owner.usage.check({ tenantId, featureKey: 'ai.tokens', amount: 300 });
    expect(decision).toEqual({
      allowed: true,
      reason: 'allowed',
      featureKey: 'ai.tokens',
      namespace: null,
      requested: 300,
      enabled: true,
      limit: 1000,
      used: 0,
      remaining: 1000,
      usedAfter: 300,
      remainingAfter: 700,
      blockedBy: null,
      replayed: false,
      usageAsOf: 'now',
      idempotencyKey: null,
    });
    expect(Object.isFrozen(decision)).toBe(true);
    expect(await usedOf(owner, tenantId, 'ai.tokens')).toBe(0);
  });

  it('consumes up to the limit and refuses beyond it with LimitExceededError carrying limit, used and requested', async () => {
    const { owner, tenantId } = await entitlementWorld();
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 600 });
    const second = await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 400 });
    expect(second).toMatchObject({ allowed: true, used: 1000, remaining: 0, usedAfter: 1000, remainingAfter: 0 });
    const error = await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ featureKey: 'api.requests', limit: 1000, used: 1000, requested: 1 });
    const refused = await owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1 });
    expect(refused).toMatchObject({
      allowed: false,
      reason: 'limit_exceeded',
      enabled: true,
      used: 1000,
      usedAfter: 1001,
      remaining: 0,
      remainingAfter: 0,
      blockedBy: { featureKey: 'api.requests', namespace: null, enabled: true, limit: 1000, used: 1000 },
    });
    expect(await usedOf(owner, tenantId, 'api.requests')).toBe(1000);
  });

  it('consuming a child consumes its parent pool too, all or nothing', async () => {
    const { owner, tenantId } = await entitlementWorld();
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 900 });
    // The images child has 200 of its own but only 100 left in the parent pool.
    const refused = await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens.images', amount: 150 });
    expect(refused).toMatchObject({ allowed: false, reason: 'limit_exceeded', blockedBy: { featureKey: 'ai.tokens', used: 900, limit: 1000 } });
    expect(await usedOf(owner, tenantId, 'ai.tokens.images')).toBe(0);
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 100 });
    expect(await usedOf(owner, tenantId, 'ai.tokens')).toBe(1000);
    expect(await usedOf(owner, tenantId, 'ai.tokens.images')).toBe(100);
  });

  it('refuses a feature the plan does not grant with FeatureNotEnabledError, and answers booleans through check()', async () => {
    const { owner, system, tenantId } = await entitlementWorld({ plan: null });
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).rejects.toThrow(FeatureNotEnabledError);
    expect(await owner.usage.check({ tenantId, featureKey: 'sso' })).toMatchObject({ allowed: false, reason: 'not_enabled', enabled: false, limit: 0 });
    await system.provisioning.assignPackage({ tenantId, packageKey: 'pro' });
    expect(await owner.usage.check({ tenantId, featureKey: 'sso' })).toMatchObject({ allowed: true, enabled: true, limit: 'unlimited' });
    const boolean = await owner.usage.consume({ tenantId, featureKey: 'sso' as never, amount: 1 }).catch((e: unknown) => e);
    expect(boolean).toBeInstanceOf(ValidationError);
    expect((boolean as ValidationError).issues).toEqual([{ path: ['featureKey'], message: 'Not a limit feature.' }]);
  });

  it('counts a retried idempotency key once and rejects a key reused for another request', async () => {
    const { owner, tenantId } = await entitlementWorld();
    const first = await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 100, idempotencyKey: 'req-1' });
    const retry = await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 100, idempotencyKey: 'req-1' });
    expect(first.replayed).toBe(false);
    expect(retry).toEqual({ ...first, replayed: true, usageAsOf: 'first_call' });
    expect(await usedOf(owner, tenantId, 'ai.tokens')).toBe(100);
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 5, idempotencyKey: 'req-1' })).rejects.toThrow(IdempotencyConflictError);
  });

  it('a namespace draws on the tenant pool and respects its own limit', async () => {
    const { owner, system, tenantId } = await entitlementWorld();
    await system.provisioning.setNamespaceLimit({ tenantId, namespace: 'team-a', featureKey: 'ai.tokens', limit: 300 });
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 250, namespace: 'team-a' });
    expect(await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 100, namespace: 'team-a' })).toMatchObject({
      allowed: false,
      namespace: 'team-a',
      blockedBy: { featureKey: 'ai.tokens', namespace: 'team-a', limit: 300, used: 250 },
    });
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 700, namespace: 'team-b' });
    // team-c has no limit of its own, but the tenant pool has only 50 left.
    expect(await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 60, namespace: 'team-c' })).toMatchObject({
      allowed: false,
      blockedBy: { featureKey: 'ai.tokens', namespace: null, used: 950 },
    });
    expect(await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 50, namespace: 'team-c' })).toMatchObject({ allowed: true, remaining: 0 });
    const teamA = await owner.usage.report({ tenantId, namespace: 'team-a' });
    expect(teamA).toMatchObject({ tenantId, namespace: 'team-a' });
    expect(teamA.features.find((u) => u.featureKey === 'ai.tokens')).toMatchObject({
      namespace: 'team-a',
      enabled: true,
      used: 250,
      limit: 300,
      remaining: 50,
    });
    // A namespace without a limit of its own reads 'unlimited' at its level.
    expect((await owner.usage.report({ tenantId, namespace: 'team-b' })).features.find((u) => u.featureKey === 'ai.tokens')).toMatchObject({
      used: 700,
      limit: 'unlimited',
    });
  });

  it('releases gauges at every level, refuses to release more than is in use, and refuses resetting features', async () => {
    const { owner, tenantId } = await entitlementWorld();
    await owner.usage.consume({ tenantId, featureKey: 'seats', amount: 3 });
    await expect(owner.usage.consume({ tenantId, featureKey: 'seats', amount: 1 })).rejects.toThrow(LimitExceededError);
    expect(await owner.usage.release({ tenantId, featureKey: 'seats', amount: 2 })).toMatchObject({
      featureKey: 'seats',
      namespace: null,
      used: 1,
      remaining: 2,
      limit: 3,
    });
    await expect(owner.usage.release({ tenantId, featureKey: 'seats', amount: 5 })).rejects.toThrow(ValidationError);
    expect(await owner.usage.release({ tenantId, featureKey: 'seats', amount: 5, upTo: true })).toMatchObject({ used: 0 });
    await expect(owner.usage.release({ tenantId, featureKey: 'ai.tokens', amount: 1 })).rejects.toThrow(ValidationError);
  });

  it('rolls periods over lazily: a new month starts at zero without any cron', async () => {
    const { owner, tenantId, clock } = await entitlementWorld();
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1000 });
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).rejects.toThrow(LimitExceededError);
    clock.advance(31 * 24 * 3600 * 1000);
    expect(await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).toMatchObject({ allowed: true, used: 1 });
  });

  it('treats a malformed tenant id as not found, before any storage access', async () => {
    const { owner } = await entitlementWorld();
    await expect(owner.usage.check({ tenantId: 'nope', featureKey: 'ai.tokens' })).rejects.toThrow(NotFoundError);
    await expect(owner.usage.consume({ tenantId: '../x', featureKey: 'ai.tokens', amount: 1 })).rejects.toThrow(NotFoundError);
  });

  it('answers a user who is not a member of the tenant with the canonical NotFoundError', async () => {
    const { tenantry, tenantId } = await entitlementWorld();
    const outsider = tenantry.forRequest({ userId: 'mallory' });
    await expect(outsider.usage.check({ tenantId, featureKey: 'ai.tokens' })).rejects.toThrow(NotFoundError);
    await expect(outsider.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).rejects.toThrow(NotFoundError);
  });

  it('rejects bad amounts, namespaces and keys with ValidationError and writes nothing', async () => {
    const { owner, tenantId } = await entitlementWorld();
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount })).rejects.toThrow(ValidationError);
    }
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1, namespace: 'has space' })).rejects.toThrow(ValidationError);
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1, idempotencyKey: '' })).rejects.toThrow(ValidationError);
    expect(await nothingConsumed(owner, tenantId)).toBe(true);
  });
});

describe('not enabled is its own sentinel, never a limit of 0', () => {
  it('a feature the tenant is not granted reads enabled: false and limit 0, in decisions and the usage report', async () => {
    const { owner, tenantId } = await entitlementWorld({ plan: null });
    expect(await owner.usage.check({ tenantId, featureKey: 'ai.tokens', amount: 5 })).toEqual({
      allowed: false,
      reason: 'not_enabled',
      featureKey: 'ai.tokens',
      namespace: null,
      requested: 5,
      enabled: false,
      limit: 0,
      used: 0,
      remaining: 0,
      usedAfter: 5,
      remainingAfter: 0,
      blockedBy: { featureKey: 'ai.tokens', namespace: null, enabled: false, limit: 0, used: 0 },
      replayed: false,
      usageAsOf: 'now',
      idempotencyKey: null,
    });
    expect(await owner.usage.check({ tenantId, featureKey: 'sso' })).toMatchObject({ enabled: false, limit: 0, blockedBy: { enabled: false, limit: 0 } });
    for (const usage of (await owner.usage.report({ tenantId })).features) {
      expect(usage).toMatchObject({ enabled: false, limit: 0, used: 0, remaining: 0 });
    }
  });

  it('after a not_enabled refusal the counters read nothing consumed, with or without an idempotency key', async () => {
    const { owner, system, tenantId } = await entitlementWorld({ plan: null });
    const refused = await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 40 });
    expect(refused).toMatchObject({ allowed: false, reason: 'not_enabled', enabled: false, limit: 0, used: 0 });
    // With a key the store decides (at limit 0): still refused, still nothing counted, and the key is not recorded.
    const keyed = await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 40, idempotencyKey: 'job-1' });
    expect(keyed).toMatchObject({ allowed: false, reason: 'not_enabled', enabled: false, limit: 0, used: 0, replayed: false });
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 40 })).rejects.toThrow(FeatureNotEnabledError);
    expect(await nothingConsumed(owner, tenantId)).toBe(true);
    await system.provisioning.assignPackage({ tenantId, packageKey: 'free' });
    expect(await nothingConsumed(owner, tenantId)).toBe(true);
    expect(await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 40, idempotencyKey: 'job-1' })).toMatchObject({
      allowed: true,
      used: 40,
      replayed: false,
    });
  });

  it('a pool that is not enabled refuses its child as not_enabled (the pool named) and the child counts nothing', async () => {
    const { owner, system, tenantId } = await entitlementWorld({ plan: null });
    // A boost enables the child only; its pool stays off.
    await system.provisioning.addBoost({ tenantId, featureKey: 'ai.tokens.images', amount: 100 });
    const refused = await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens.images', amount: 10 });
    expect(refused).toMatchObject({
      allowed: false,
      reason: 'not_enabled',
      enabled: true,
      limit: 100,
      blockedBy: { featureKey: 'ai.tokens', enabled: false, limit: 0 },
    });
    const error = await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureNotEnabledError);
    expect(error).toMatchObject({ featureKey: 'ai.tokens' });
    expect(await nothingConsumed(owner, tenantId)).toBe(true);
  });

  it('an enabled level with a limit of 0 refuses as limit_exceeded, told apart from not enabled by enabled: true', async () => {
    const { owner, system, tenantId } = await entitlementWorld();
    await system.provisioning.setNamespaceLimit({ tenantId, namespace: 'frozen', featureKey: 'ai.tokens', limit: 0 });
    const refused = await owner.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 1, namespace: 'frozen' });
    expect(refused).toMatchObject({
      allowed: false,
      reason: 'limit_exceeded',
      enabled: true,
      limit: 1000,
      blockedBy: { featureKey: 'ai.tokens', namespace: 'frozen', enabled: true, limit: 0, used: 0 },
    });
    const error = await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1, namespace: 'frozen' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ featureKey: 'ai.tokens', limit: 0, used: 0, requested: 1 });
    expect((await owner.usage.report({ tenantId, namespace: 'frozen' })).features.find((u) => u.featureKey === 'ai.tokens')).toMatchObject({
      enabled: true,
      limit: 0,
      used: 0,
    });
  });
});
