import fc from 'fast-check';
import { expect, it } from 'vitest';
import { COUNTER_CEILING, LimitExceededError, MAX_CONSUME_AMOUNT, ValidationError } from 'tenantry';
import { GAUGE_WINDOW } from '../../../src/services/entitlements/counter-plan.js';
import { TENANT_POOL } from '../../../src/store/entitlement-records.js';
import type { Store } from '../../../src/store/store.js';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld } from '../../support/entitlements.js';

/**
 * Unlimited counters stop at COUNTER_CEILING and effective limits never pass
 * it, on every store: amounts are bounded, a consumption that would overflow
 * is refused without a write, and provisioning refuses grants whose sum would
 * overflow instead of storing them and breaking every later read.
 */

/** Fixed so failures reproduce; override with TENANTRY_FC_SEED. fast-check prints seed and path on failure. */
const SEED = Number(process.env.TENANTRY_FC_SEED ?? 20240229);

/** Puts the tenant's seat gauge at `used` straight through the store (4 million maximal consumptions would take too long). */
async function fillSeats(store: Store, tenantId: string, used: number): Promise<void> {
  const counter = { featureKey: 'seats', namespace: TENANT_POOL, windowStart: GAUGE_WINDOW, limit: 'unlimited' as const };
  const result = await store.consume({ tenantId, amount: used, counters: [counter], now: new Date() });
  expect(result.outcome).toBe('consumed');
}

await describeDatabases(DATABASE_NAMES, (database) => {
  it('refuses an amount above MAX_CONSUME_AMOUNT with ValidationError and writes nothing: two maximal consumes cannot overflow a counter', async () => {
    const { owner, tenantId } = await entitlementWorld({ store: database.store(), plan: 'enterprise' });
    expect(MAX_CONSUME_AMOUNT).toBe(2 ** 31 - 1);
    for (const amount of [MAX_CONSUME_AMOUNT + 1, Number.MAX_SAFE_INTEGER]) {
      await expect(owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount })).rejects.toThrow(ValidationError);
      await expect(owner.usage.consume({ tenantId, featureKey: 'seats', amount, idempotencyKey: `max-${amount}` })).rejects.toThrow(ValidationError);
      await expect(owner.usage.check({ tenantId, featureKey: 'seats', amount })).rejects.toThrow(ValidationError);
    }
    expect((await owner.usage.report({ tenantId })).features.every((usage) => usage.used === 0)).toBe(true);
    expect(await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: MAX_CONSUME_AMOUNT })).toMatchObject({
      allowed: true,
      used: MAX_CONSUME_AMOUNT,
      remaining: 'unlimited',
    });
  });

  it('stops an unlimited gauge at COUNTER_CEILING: the consume past it is limit_exceeded, counts nothing, and the feature keeps working', async () => {
    const { store, tenantry, owner, tenantId } = await entitlementWorld({ store: database.store(), plan: 'enterprise' });
    await tenantry.ready();
    await fillSeats(store, tenantId, COUNTER_CEILING - 5);
    expect(await owner.usage.consume({ tenantId, featureKey: 'seats', amount: 5 })).toMatchObject({ allowed: true, used: COUNTER_CEILING, limit: 'unlimited' });

    const refused = await owner.usage.tryConsume({ tenantId, featureKey: 'seats', amount: 1, idempotencyKey: 'past-the-ceiling' });
    expect(refused).toMatchObject({
      allowed: false,
      reason: 'limit_exceeded',
      limit: 'unlimited',
      used: COUNTER_CEILING,
      // The ceiling limits the level: a refusal never reports unlimited room.
      remaining: 0,
      remainingAfter: 0,
      blockedBy: { featureKey: 'seats', namespace: null, enabled: true, limit: COUNTER_CEILING, used: COUNTER_CEILING },
      replayed: false,
    });
    const error = await owner.usage.consume({ tenantId, featureKey: 'seats', amount: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ featureKey: 'seats', limit: COUNTER_CEILING, used: COUNTER_CEILING, requested: 1 });
    expect(await owner.usage.check({ tenantId, featureKey: 'seats' })).toMatchObject({ allowed: false, reason: 'limit_exceeded', remainingAfter: 0 });

    // Nothing was counted, every read still works, and a release makes room again.
    expect((await owner.usage.report({ tenantId })).features.find((usage) => usage.featureKey === 'seats')).toMatchObject({
      used: COUNTER_CEILING,
      remaining: 'unlimited',
    });
    expect(await owner.usage.release({ tenantId, featureKey: 'seats', amount: 3 })).toMatchObject({ used: COUNTER_CEILING - 3 });
    // The refused call's key was not recorded: it consumes now.
    expect(await owner.usage.consume({ tenantId, featureKey: 'seats', amount: 1, idempotencyKey: 'past-the-ceiling' })).toMatchObject({
      allowed: true,
      used: COUNTER_CEILING - 2,
      replayed: false,
    });
    expect(await owner.usage.consume({ tenantId, featureKey: 'seats', amount: 2 })).toMatchObject({ allowed: true, used: COUNTER_CEILING });
  });

  it('property: near the ceiling, a counter takes exactly the consumptions that fit under it, all or nothing, and never passes it', async () => {
    const { store, tenantry, tenantId } = await entitlementWorld({ store: database.store(), plan: 'enterprise' });
    await tenantry.ready();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 20 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 12 }), limited: fc.boolean() }), { minLength: 1, maxLength: 8 }),
        async (start, steps) => {
          run += 1;
          // A fresh pair of counters per run: a namespace of their own.
          const namespace = `run-${run}`;
          const unlimited = { featureKey: 'seats', namespace, windowStart: GAUGE_WINDOW, limit: 'unlimited' as const };
          const limited = { featureKey: 'ai.tokens', namespace, windowStart: GAUGE_WINDOW, limit: 1000 };
          if (start < 20) await store.consume({ tenantId, amount: COUNTER_CEILING - start, counters: [unlimited], now: new Date() });
          const model = { unlimited: start < 20 ? COUNTER_CEILING - start : 0, limited: 0 };
          for (const { amount, limited: withLimited } of steps) {
            const counters = withLimited ? [limited, unlimited] : [unlimited];
            const result = await store.consume({ tenantId, amount, counters, now: new Date() });
            const fits = model.unlimited + amount <= COUNTER_CEILING && (!withLimited || model.limited + amount <= 1000);
            expect(result.outcome).toBe(fits ? 'consumed' : 'exceeded');
            if (fits) {
              model.unlimited += amount;
              if (withLimited) model.limited += amount;
            }
          }
          expect(await store.readCounters(tenantId, [unlimited, limited])).toEqual([model.unlimited, model.limited]);
          expect(model.unlimited).toBeLessThanOrEqual(COUNTER_CEILING);
        },
      ),
      { numRuns: 25, seed: SEED },
    );
  });

  it('refuses a boost or a package assignment whose sum would pass COUNTER_CEILING with ValidationError, writing nothing, and the tenant keeps working', async () => {
    const { store, owner, system, tenantId } = await entitlementWorld({ store: database.store() });
    // free grants 3 seats: a boost up to exactly the ceiling fits.
    await system.provisioning.addBoost({ tenantId, featureKey: 'seats', amount: COUNTER_CEILING - 3 });
    expect((await owner.usage.effective(tenantId)).features.seats).toMatchObject({ enabled: true, limit: COUNTER_CEILING });
    const grantsBefore = await store.readGrants(tenantId);
    const auditBefore = await store.listAudit(tenantId, { limit: 100 });

    const boost = await system.provisioning.addBoost({ tenantId, featureKey: 'seats', amount: 1 }).catch((e: unknown) => e);
    expect(boost).toBeInstanceOf(ValidationError);
    expect(boost).toMatchObject({ issues: [{ path: ['amount'] }] });
    expect((boost as Error).message).toMatch(/"seats" would pass Number\.MAX_SAFE_INTEGER/);
    const assignment = await system.provisioning.assignPackage({ tenantId, packageKey: 'extra-seats' }).catch((e: unknown) => e);
    expect(assignment).toBeInstanceOf(ValidationError);
    expect(assignment).toMatchObject({ issues: [{ path: ['packageKey'] }] });

    expect(await store.readGrants(tenantId)).toEqual(grantsBefore);
    expect(await store.listAudit(tenantId, { limit: 100 })).toEqual(auditBefore);
    expect(await owner.usage.consume({ tenantId, featureKey: 'seats', amount: 2 })).toMatchObject({ allowed: true, limit: COUNTER_CEILING });
    expect((await owner.usage.report({ tenantId })).features.find((usage) => usage.featureKey === 'seats')).toMatchObject({ used: 2 });

    // Unlimited never overflows, and grants of other features are unaffected.
    await system.provisioning.addBoost({ tenantId, featureKey: 'seats', amount: 'unlimited' });
    await system.provisioning.addBoost({ tenantId, featureKey: 'api.requests', amount: 5 });
    expect((await owner.usage.check({ tenantId, featureKey: 'seats' })).limit).toBe('unlimited');
    expect((await owner.usage.check({ tenantId, featureKey: 'api.requests' })).limit).toBe(1005);
  });

  it('serialises concurrent boosts of one tenant: of three that each fit alone but not together, exactly one is stored', async () => {
    const { store, tenantry, owner, system, tenantId } = await entitlementWorld({ store: database.store() });
    await tenantry.ready();
    const add = () => system.provisioning.addBoost({ tenantId, featureKey: 'seats', amount: COUNTER_CEILING - 3 });
    const results = await Promise.allSettled([add(), add(), add()]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ValidationError);
    }
    expect((await store.readGrants(tenantId)).boosts).toHaveLength(1);
    expect((await owner.usage.effective(tenantId)).features.seats).toMatchObject({ limit: COUNTER_CEILING });
  });
});
