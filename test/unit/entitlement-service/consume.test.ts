import { describe, expect, it } from 'vitest';
import { FeatureNotEnabledError, IdempotencyConflictError, LimitExceededError, NotFoundError, ValidationError } from 'tenantry';
import { billing, entitlementWorld } from '../../support/entitlements.js';

describe('entitlement checks and consumption', () => {
  it('check() answers allowed / limit / used / remaining without writing', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    const decision = await entitlements.usage.check(tenantId, 'ai.tokens', { amount: 300 });
    expect(decision).toMatchObject({ allowed: true, reason: 'allowed', limit: 1000, used: 300, remaining: 700 });
    expect((await entitlements.usage.usage(tenantId)).find((u) => u.feature === 'ai.tokens')?.used).toBe(0);
  });

  it('consumes up to the limit and refuses beyond it with LimitExceededError carrying limit, used and requested', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    await entitlements.usage.consume(tenantId, 'api.requests', 600);
    const second = await entitlements.usage.consume(tenantId, 'api.requests', 400);
    expect(second).toMatchObject({ allowed: true, used: 1000, remaining: 0 });
    const error = await entitlements.usage.consume(tenantId, 'api.requests', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ feature: 'api.requests', limit: 1000, used: 1000, requested: 1 });
    const refused = await entitlements.usage.tryConsume(tenantId, 'api.requests', 1);
    expect(refused).toMatchObject({ allowed: false, reason: 'limit_exceeded', used: 1000, blockedBy: { feature: 'api.requests', namespace: null } });
  });

  it('consuming a child consumes its parent pool too, all or nothing', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    await entitlements.usage.consume(tenantId, 'ai.tokens', 900);
    // The images child has 200 of its own but only 100 left in the parent pool.
    const refused = await entitlements.usage.tryConsume(tenantId, 'ai.tokens.images', 150);
    expect(refused).toMatchObject({ allowed: false, reason: 'limit_exceeded', blockedBy: { feature: 'ai.tokens', used: 900, limit: 1000 } });
    const usage = await entitlements.usage.usage(tenantId);
    expect(usage.find((u) => u.feature === 'ai.tokens.images')?.used).toBe(0);
    await entitlements.usage.consume(tenantId, 'ai.tokens.images', 100);
    const after = await entitlements.usage.usage(tenantId);
    expect(after.find((u) => u.feature === 'ai.tokens')?.used).toBe(1000);
    expect(after.find((u) => u.feature === 'ai.tokens.images')?.used).toBe(100);
  });

  it('refuses a feature the plan does not grant with FeatureNotEnabledError, and answers booleans through check()', async () => {
    const { entitlements, tenantId } = await entitlementWorld({ plan: null });
    await expect(entitlements.usage.consume(tenantId, 'ai.tokens', 1)).rejects.toThrow(FeatureNotEnabledError);
    expect(await entitlements.usage.check(tenantId, 'sso')).toMatchObject({ allowed: false, reason: 'not_enabled' });
    await entitlements.provisioning.assignPackage({ actor: billing, tenantId, package: 'pro' });
    expect(await entitlements.usage.check(tenantId, 'sso')).toMatchObject({ allowed: true });
    await expect(entitlements.usage.consume(tenantId, 'sso' as never, 1)).rejects.toThrow(ValidationError);
  });

  it('counts a retried idempotency key once and rejects a key reused for another request', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    const first = await entitlements.usage.consume(tenantId, 'ai.tokens', 100, { idempotencyKey: 'req-1' });
    const retry = await entitlements.usage.consume(tenantId, 'ai.tokens', 100, { idempotencyKey: 'req-1' });
    expect(first.replayed).toBe(false);
    expect(retry).toMatchObject({ replayed: true, used: 100 });
    expect((await entitlements.usage.usage(tenantId)).find((u) => u.feature === 'ai.tokens')?.used).toBe(100);
    await expect(entitlements.usage.consume(tenantId, 'ai.tokens', 5, { idempotencyKey: 'req-1' })).rejects.toThrow(IdempotencyConflictError);
  });

  it('a namespace draws on the tenant pool and respects its own limit', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    await entitlements.provisioning.setNamespaceLimit({ actor: billing, tenantId, namespace: 'team-a', feature: 'ai.tokens', limit: 300 });
    await entitlements.usage.consume(tenantId, 'ai.tokens', 250, { namespace: 'team-a' });
    expect(await entitlements.usage.tryConsume(tenantId, 'ai.tokens', 100, { namespace: 'team-a' })).toMatchObject({
      allowed: false,
      blockedBy: { feature: 'ai.tokens', namespace: 'team-a', limit: 300, used: 250 },
    });
    await entitlements.usage.consume(tenantId, 'ai.tokens', 700, { namespace: 'team-b' });
    // team-c has no limit of its own, but the tenant pool has only 50 left.
    expect(await entitlements.usage.tryConsume(tenantId, 'ai.tokens', 60, { namespace: 'team-c' })).toMatchObject({
      allowed: false,
      blockedBy: { feature: 'ai.tokens', namespace: null, used: 950 },
    });
    expect(await entitlements.usage.tryConsume(tenantId, 'ai.tokens', 50, { namespace: 'team-c' })).toMatchObject({ allowed: true, remaining: 0 });
    const teamA = await entitlements.usage.usage(tenantId, { namespace: 'team-a' });
    expect(teamA.find((u) => u.feature === 'ai.tokens')).toMatchObject({ namespace: 'team-a', used: 250, limit: 300 });
  });

  it('releases gauges at every level, refuses to release more than is in use, and refuses resetting features', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    await entitlements.usage.consume(tenantId, 'seats', 3);
    await expect(entitlements.usage.consume(tenantId, 'seats', 1)).rejects.toThrow(LimitExceededError);
    expect(await entitlements.usage.release(tenantId, 'seats', 2)).toMatchObject({ used: 1, remaining: 2 });
    await expect(entitlements.usage.release(tenantId, 'seats', 5)).rejects.toThrow(ValidationError);
    await expect(entitlements.usage.release(tenantId, 'ai.tokens', 1)).rejects.toThrow(ValidationError);
  });

  it('rolls periods over lazily: a new month starts at zero without any cron', async () => {
    const { entitlements, tenantId, clock } = await entitlementWorld();
    await entitlements.usage.consume(tenantId, 'ai.tokens', 1000);
    await expect(entitlements.usage.consume(tenantId, 'ai.tokens', 1)).rejects.toThrow(LimitExceededError);
    clock.advance(31 * 24 * 3600 * 1000);
    expect(await entitlements.usage.consume(tenantId, 'ai.tokens', 1)).toMatchObject({ allowed: true, used: 1 });
  });

  it('treats a malformed tenant id as not found, before any storage access', async () => {
    const { entitlements } = await entitlementWorld();
    await expect(entitlements.usage.check('nope', 'ai.tokens')).rejects.toThrow(NotFoundError);
    await expect(entitlements.usage.consume('../x', 'ai.tokens', 1)).rejects.toThrow(NotFoundError);
  });

  it('rejects bad amounts, namespaces and keys with ValidationError and writes nothing', async () => {
    const { entitlements, tenantId } = await entitlementWorld();
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      await expect(entitlements.usage.consume(tenantId, 'ai.tokens', amount)).rejects.toThrow(ValidationError);
    }
    await expect(entitlements.usage.consume(tenantId, 'ai.tokens', 1, { namespace: 'has space' })).rejects.toThrow(ValidationError);
    await expect(entitlements.usage.consume(tenantId, 'ai.tokens', 1, { idempotencyKey: '' })).rejects.toThrow(ValidationError);
    expect((await entitlements.usage.usage(tenantId)).every((u) => u.used === 0)).toBe(true);
  });
});
