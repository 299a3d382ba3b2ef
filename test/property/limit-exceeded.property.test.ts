import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WebhooksOptions } from 'tenantry';
import { entitlementWorld } from '../support/entitlements.js';

const DAY = 86_400_000;
const LIMIT = 1_000; // api.requests on the free plan, reset daily (UTC days)

const webhooks: WebhooksOptions<'tenant.manage'> = {
  manage: 'tenant.manage',
  keyring: { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } },
  transport: () => Promise.resolve({ status: 204, retryAfter: undefined, body: '' }),
};

/** One consumption after some time has passed. */
const stepArb = fc.record({ advanceMs: fc.constantFrom(0, 0, 0, 3_600_000, DAY / 2, DAY), amount: fc.integer({ min: 1, max: 700 }) });

describe('entitlement.limit_exceeded properties', () => {
  it('any sequence of consumptions emits exactly one event per day in which one was refused, and none otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (steps) => {
        const { owner, tenantId, clock } = await entitlementWorld({ plan: 'free', webhooks });
        await owner.webhooks.create({ tenantId, url: 'https://hooks.example.test/x', events: ['entitlement.limit_exceeded'] });
        // The model: usage per UTC day, and the days with a refusal.
        const used = new Map<number, number>();
        const refusedDays = new Set<number>();
        for (const step of steps) {
          clock.advance(step.advanceMs);
          const day = Math.floor(clock.now().getTime() / DAY);
          const before = used.get(day) ?? 0;
          const decision = await owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: step.amount });
          expect(decision.allowed).toBe(before + step.amount <= LIMIT);
          if (decision.allowed) used.set(day, before + step.amount);
          else refusedDays.add(day);
        }
        const events = (await owner.webhooks.deliveries({ tenantId })).filter((d) => d.eventType === 'entitlement.limit_exceeded');
        expect(events).toHaveLength(refusedDays.size);
      }),
      { numRuns: 40 },
    );
  });
});
