import { expect, it } from 'vitest';
import { ConfigurationError, createTenantry, IdempotencyConflictError } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../../examples/catalog.js';
import { packages } from '../../../examples/plans.js';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld, testClock } from '../../support/entitlements.js';

type World = Awaited<ReturnType<typeof entitlementWorld>>;
const HOUR = 3_600_000;
const used = async ({ owner, tenantId }: World) => (await owner.usage.report({ tenantId })).features.find((u) => u.featureKey === 'ai.tokens')?.used;

/** Keys are scoped to (tenant, actor or caller-chosen scope, feature), fingerprinted, and expire. */
await describeDatabases(DATABASE_NAMES, (database) => {
  it('one member cannot replay another member’s key: the same key counts for each, under its own normalized key', async () => {
    const world = await entitlementWorld({ store: database.store() });
    const { system, tenantry, owner, tenantId } = world;
    await system.members.add({ tenantId, userId: 'bob', role: 'operator' });
    const bob = tenantry.forRequest({ userId: 'bob' });
    const first = await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 10, idempotencyKey: 'k-1' });
    expect(first).toMatchObject({ replayed: false, usageAsOf: 'now', idempotencyKey: 'user:owner/consume:ai.tokens/k-1', used: 10 });
    const other = await bob.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 10, idempotencyKey: 'k-1' });
    expect(other).toMatchObject({ replayed: false, idempotencyKey: 'user:bob/consume:ai.tokens/k-1', used: 20 });
    // Bob's own retry replays Bob's first call, reporting that call's usage.
    expect(await bob.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 10, idempotencyKey: 'k-1' })).toEqual({
      ...other,
      replayed: true,
      usageAsOf: 'first_call',
    });
    // A key is scoped to the feature too: another feature under the same key is its own record.
    expect(await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 1, idempotencyKey: 'k-1' })).toMatchObject({ replayed: false });
    expect(await used(world)).toBe(21);
  });

  it('a caller-chosen scope shares a key across actors on purpose (a billing event handled by two workers)', async () => {
    const world = await entitlementWorld({ store: database.store() });
    const { tenantry, owner, system, tenantId } = world;
    const input = { tenantId, featureKey: 'ai.tokens', amount: 30, idempotencyKey: 'evt_123', idempotencyScope: 'stripe' } as const;
    const first = await system.usage.consume(input);
    expect(first.idempotencyKey).toBe('scope:stripe/consume:ai.tokens/evt_123');
    expect(await tenantry.as({ type: 'system', label: 'worker-2' }).usage.consume(input)).toMatchObject({ replayed: true, usageAsOf: 'first_call' });
    expect(await owner.usage.consume(input)).toMatchObject({ replayed: true });
    expect(await used(world)).toBe(30);
  });

  it('the same key with another request fingerprint is IdempotencyConflictError (409) and counts nothing', async () => {
    const world = await entitlementWorld({ store: database.store() });
    const { owner, tenantId } = world;
    const request = { tenantId, featureKey: 'ai.tokens', amount: 5, idempotencyKey: 'k' } as const;
    await owner.usage.consume({ ...request, fingerprint: 'sha256:aaa' });
    const conflict = owner.usage.consume({ ...request, fingerprint: 'sha256:bbb' });
    await expect(conflict).rejects.toThrow(IdempotencyConflictError);
    await expect(conflict).rejects.toMatchObject({ status: 409 });
    await expect(owner.usage.consume(request)).rejects.toThrow(IdempotencyConflictError);
    expect(await owner.usage.consume({ ...request, fingerprint: 'sha256:aaa' })).toMatchObject({ replayed: true });
    expect(await used(world)).toBe(5);
  });

  it('records expire after the TTL (default 24 h; configurable): the key is free again', async () => {
    const clock = testClock();
    const world = await entitlementWorld({ store: database.store(), clock });
    const { owner, tenantId } = world;
    const request = { tenantId, featureKey: 'ai.tokens', amount: 5, idempotencyKey: 'k' } as const;
    await owner.usage.consume(request);
    clock.advance(24 * HOUR - 1);
    expect(await owner.usage.consume(request)).toMatchObject({ replayed: true });
    clock.advance(1);
    expect(await owner.usage.consume(request)).toMatchObject({ replayed: false, used: 10 });
    // Expired, a key may even carry another request.
    clock.advance(24 * HOUR);
    expect(await owner.usage.consume({ ...request, amount: 7 })).toMatchObject({ replayed: false, used: 17 });

    const short = await entitlementWorld({ store: database.store(), clock, idempotencyTtlMs: HOUR });
    await short.owner.usage.consume({ ...request, tenantId: short.tenantId });
    clock.advance(HOUR);
    expect(await short.owner.usage.consume({ ...request, tenantId: short.tenantId })).toMatchObject({ replayed: false, used: 10 });
  });
});

it('entitlements.idempotency.ttlMs is validated when the instance is created', () => {
  for (const ttlMs of [0, 999, 1.5, 367 * 24 * HOUR]) {
    expect(() => createTenantry({ store: memoryStore(), capabilities, roles, entitlements: { packages, idempotency: { ttlMs } } })).toThrow(ConfigurationError);
  }
});
