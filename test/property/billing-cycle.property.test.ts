import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTenantryError, periodWindow } from 'tenantry';
import { entitlementWorld, testClock } from '../support/entitlements.js';

const PACKAGES = ['free', 'pro', 'enterprise', 'extra-seats'] as const;
const CYCLE = { every: 'month', anchor: 'cycle' } as const;
const DAY = 86_400_000;

/** One provisioning step that does not name an anchor, after some time has passed. */
const stepArb = fc.record({
  advanceMs: fc.integer({ min: 0, max: 45 * DAY }),
  op: fc.oneof(
    fc.record({ kind: fc.constant('assign' as const), packageKey: fc.constantFrom(...PACKAGES) }),
    fc.record({ kind: fc.constant('cancel' as const), packageKey: fc.constantFrom(...PACKAGES) }),
    fc.record({ kind: fc.constant('boost' as const), amount: fc.integer({ min: 1, max: 1000 }), expiresInMs: fc.integer({ min: 1, max: 60 * DAY }) }),
    fc.record({
      kind: fc.constant('change' as const),
      from: fc.constantFrom(...PACKAGES),
      to: fc.constantFrom(...PACKAGES),
      usage: fc.constantFrom('carry' as const, 'reset' as const),
    }),
  ),
});

/** Anchors across month ends and leap days, with a time of day. */
const anchorArb = fc.date({ min: new Date('2023-01-01T00:00:00.000Z'), max: new Date('2024-12-31T23:59:59.999Z'), noInvalidDate: true });

describe('billing cycle properties', () => {
  it('random provisioning sequences never move an explicitly set window', async () => {
    await fc.assert(
      fc.asyncProperty(anchorArb, fc.array(stepArb, { maxLength: 12 }), async (anchor, steps) => {
        const clock = testClock('2025-01-01T00:00:00.000Z');
        const world = await entitlementWorld({ clock, plan: 'pro' });
        const { system, owner, tenantId } = world;
        await system.provisioning.setBillingCycle({ tenantId, anchor });
        for (const { advanceMs, op } of steps) {
          clock.advance(advanceMs);
          try {
            if (op.kind === 'assign') await system.provisioning.assignPackage({ tenantId, packageKey: op.packageKey });
            else if (op.kind === 'cancel') await system.provisioning.cancelPackage({ tenantId, packageKey: op.packageKey });
            else if (op.kind === 'boost')
              await system.provisioning.addBoost({
                tenantId,
                featureKey: 'ai.tokens',
                amount: op.amount,
                expiresAt: new Date(clock.now().getTime() + op.expiresInMs),
              });
            else await system.provisioning.changePackage({ tenantId, from: op.from, to: op.to, usage: op.usage });
          } catch (error) {
            // Refusals (not active, already active, the same package) are part of the sequence.
            if (!isTenantryError(error)) throw error;
          }
          const usage = (await owner.usage.report({ tenantId })).features.find((u) => u.featureKey === 'ai.tokens');
          const expected = periodWindow(CYCLE, clock.now(), anchor);
          expect(usage?.windowStart).toEqual(expected.start);
          expect(usage?.windowEnd).toEqual(expected.end);
        }
      }),
      { numRuns: 60 },
    );
  });
});
