import { describe, expect, it } from 'vitest';
import { createTenantry, isConfigurationError, LimitExceededError } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../../examples/catalog.js';
import { entitlementWorld, packages, testClock } from '../../support/entitlements.js';
import { countingStore } from '../../../src/testing/counting-store.js';

/** The stored value of the tenant-pool counter of `featureKey` in the current window. */
async function stored(world: Awaited<ReturnType<typeof entitlementWorld>>, featureKey: string): Promise<number | undefined> {
  const report = await world.owner.usage.report({ tenantId: world.tenantId });
  return report.features.find((usage) => usage.featureKey === featureKey)?.used;
}

describe('quota leasing', () => {
  it('serves consumptions from one lease in memory: one store write for many consumptions, leased units shown as used', async () => {
    const world = await entitlementWorld({ leases: { 'api.requests': { size: 100, maxHoldMs: 10_000 } } });
    const { owner, tenantId, store } = world;
    for (let i = 0; i < 50; i += 1) {
      const decision = await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 });
      expect(decision.allowed).toBe(true);
      expect(decision.used).toBe(i + 1);
    }
    // The whole lease is counted in storage; the report says how much of it is held in the lease, unclaimed.
    expect(await stored(world, 'api.requests')).toBe(100);
    const usage = (await owner.usage.report({ tenantId })).features.find((u) => u.featureKey === 'api.requests');
    // Claims go a quarter of the lease (25) ahead of what is served: at 50 served the checkpoint is 52, so 48 are unclaimed.
    expect(usage?.leased).toBe(48);
    expect((await owner.usage.report({ tenantId })).features.find((u) => u.featureKey === 'ai.tokens')?.leased).toBe(0);
    const [lease] = await store.listLeases(tenantId);
    expect(lease?.granted).toBe(100);
    // close() returns exactly the unused 50.
    await world.tenantry.close();
    expect(await stored(world, 'api.requests')).toBe(50);
    expect(await store.listLeases(tenantId)).toEqual([]);
    // After close, consumptions go to the store directly.
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 2 });
    expect(await stored(world, 'api.requests')).toBe(52);
    expect(await store.listLeases(tenantId)).toEqual([]);
  });

  it('draws the lease through every level (child and pool), and a child leased at its pool’s edge falls back to exact consumes', async () => {
    const world = await entitlementWorld({ leases: { 'ai.tokens.images': { size: 150, maxHoldMs: 10_000 } } });
    const { owner, tenantId, store } = world;
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 900 });
    // The pool (ai.tokens, 1000) has 100 left: a lease of 150 is refused there, so the store decides exactly.
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 60 });
    expect(await store.listLeases(tenantId)).toEqual([]);
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 41 })).rejects.toBeInstanceOf(LimitExceededError);
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 40 });
    expect(await stored(world, 'ai.tokens')).toBe(1000);
  });

  it('a lease at both levels counts at both; the pool refuses others while it is out, and gets the remainder back on return', async () => {
    const world = await entitlementWorld({ leases: { 'ai.tokens.images': { size: 150, maxHoldMs: 10_000 } } });
    const { owner, tenantId } = world;
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens.images', amount: 10 });
    expect(await stored(world, 'ai.tokens.images')).toBe(150);
    expect(await stored(world, 'ai.tokens')).toBe(150);
    await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 851 })).rejects.toBeInstanceOf(LimitExceededError);
    await world.tenantry.close();
    expect(await stored(world, 'ai.tokens')).toBe(10);
    await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 990 });
  });

  it('idempotency-keyed consumptions bypass the lease and still replay', async () => {
    const world = await entitlementWorld({ leases: { 'api.requests': { size: 100, maxHoldMs: 10_000 } } });
    const { owner, tenantId, store } = world;
    const first = await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 3, idempotencyKey: 'k' });
    const again = await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 3, idempotencyKey: 'k' });
    expect(again.replayed).toBe(true);
    expect(first.replayed).toBe(false);
    expect(await store.listLeases(tenantId)).toEqual([]);
    expect(await stored(world, 'api.requests')).toBe(3);
  });

  it('the holder checkpoints, returns the remainder after half the hold, and a crashed holder’s lease is reclaimed after maxHoldMs, every unit it served still counted', async () => {
    const clock = testClock();
    const store = memoryStore();
    const leases = { 'api.requests': { size: 400, maxHoldMs: 10_000, checkpointMs: 1000 } };
    const world = await entitlementWorld({ store, clock, leases });
    const { owner, tenantId } = world;
    // Instance A takes a lease, serves 30, checkpoints, serves 5 more, then "crashes" (never closes).
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 30 });
    const [lease] = await store.listLeases(tenantId);
    // The checkpoint was claimed before serving: the 30 served and a step of a quarter of the lease ahead.
    expect(lease?.consumed).toBe(130);
    // Instance B on the same store: 600 free, its lease of 400 fits; the next one does not.
    const b = createTenantry({ capabilities, roles, store, now: clock.now, entitlements: { packages, leases } });
    const scopeB = b.forRequest({ userId: 'owner' });
    await scopeB.usage.consume({ tenantId, featureKey: 'api.requests', amount: 400 });
    expect(await stored(world, 'api.requests')).toBe(800);
    // Before A's lease expires, B's next lease is refused and B consumes exactly: 200 left.
    await scopeB.usage.consume({ tenantId, featureKey: 'api.requests', amount: 200 });
    await expect(scopeB.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 })).rejects.toBeInstanceOf(LimitExceededError);
    // After maxHoldMs, B's refused acquisition reclaims A's lease: 400 - 130 come back.
    clock.advance(10_000);
    const decision = await scopeB.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 });
    expect(decision.allowed).toBe(true);
    const remaining = await store.listLeases(tenantId);
    expect(remaining.every((l) => l.holderId !== lease?.holderId)).toBe(true);
    await b.close();
    // A's 30 served stay counted, and the 100 it had claimed ahead: never an overshoot.
    expect(await stored(world, 'api.requests')).toBe(130 + 400 + 200 + 1);
  });

  it('past half the hold the holder returns its lease and takes a new one; a reclaimed lease keeps what its holder claimed ahead counted', async () => {
    const clock = testClock();
    const store = countingStore(memoryStore());
    const world = await entitlementWorld({ store, clock, leases: { 'api.requests': { size: 100, maxHoldMs: 10_000, checkpointMs: 1000 } } });
    const { owner, tenantId } = world;
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 });
    clock.advance(5_000);
    // Past half the hold: the next consumption returns the old lease (99 back) and takes a new one.
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 });
    expect(await stored(world, 'api.requests')).toBe(101);
    const leases = await store.listLeases(tenantId);
    expect(leases).toHaveLength(1);
    // Another instance reclaims it (as after a crash): the holder learns at its next checkpoint, or on return.
    clock.advance(10_000);
    await store.reclaimLeases({ tenantId, featureKey: 'api.requests', now: clock.now() });
    // 1 + 100 - (100 - 26): the checkpoint (1 served + 25 claimed ahead) stays counted.
    expect(await stored(world, 'api.requests')).toBe(27);
    await owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 });
    await world.tenantry.close();
    expect(await stored(world, 'api.requests')).toBe(28);
  });

  it('rejects a lease on a gauge, an unknown feature, or a checkpoint longer than a quarter of the hold', () => {
    const make = (leases: Record<string, unknown>) => () => createTenantry({ capabilities, roles, store: memoryStore(), entitlements: { packages, leases } });
    for (const bad of [
      { seats: { size: 1, maxHoldMs: 1000 } },
      { nope: { size: 1, maxHoldMs: 1000 } },
      { 'api.requests': { size: 1, maxHoldMs: 1000, checkpointMs: 500 } },
    ]) {
      try {
        make(bad)();
        expect.unreachable();
      } catch (error) {
        expect(isConfigurationError(error)).toBe(true);
      }
    }
  });
});

describe('quota leasing and tenantry.transaction()', () => {
  it('consumptions inside a host transaction are counted in it, never from a lease', async () => {
    const world = await entitlementWorld({ leases: { 'api.requests': { size: 100, maxHoldMs: 10_000 } } });
    const { tenantry, tenantId, store } = world;
    await tenantry.transaction(async (t) => {
      await t.forRequest({ userId: 'owner' }).usage.consume({ tenantId, featureKey: 'api.requests', amount: 3 });
    });
    expect(await store.listLeases(tenantId)).toEqual([]);
    expect(await stored(world, 'api.requests')).toBe(3);
  });
});
