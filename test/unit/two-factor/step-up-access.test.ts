import { describe, expect, it } from 'vitest';
import { createTenantry, SecondFactorRequiredError, type DenialEvent } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles, tenantWith } from '../../support/catalog.js';
import { KEY_1, testClock } from '../../support/two-factor.js';

/** Step-up through the synchronous per-tenant access object, with and without the cross-request cache. */
describe.each([
  ['without the cross-request cache', undefined],
  ['with the cross-request cache', { memberships: { max: 100, ttlMs: 60_000 } }],
] as const)('step-up on scope.access() %s', (_label, cache) => {
  async function world() {
    const clock = testClock();
    const denials: DenialEvent[] = [];
    const tenantry = createTenantry({
      store: memoryStore(),
      capabilities,
      roles,
      now: clock.now,
      onDenied: (event) => denials.push(event),
      ...(cache === undefined ? {} : { cache }),
      twoFactor: { keys: { current: 'k1', k1: KEY_1 }, stepUp: { capabilities: ['billing.manage'], maxAgeMs: 300_000 } },
    });
    const tenantId = await tenantWith(tenantry, 'olivia', { mia: 'manager' });
    return { tenantry, tenantId, clock, denials };
  }

  it('holds back only the step-up capabilities the role grants, synchronously, and fires the denial hook with 401', async () => {
    const { tenantry, tenantId, denials } = await world();
    const access = await tenantry.forRequest({ userId: 'olivia' }).access(tenantId);
    expect(access.can('billing.manage')).toBe(false);
    expect(access.check('billing.manage')).toEqual({ allowed: false, status: 401, reason: 'second_factor_required', capability: 'billing.manage', tenantId });
    expect(access.check('billing.manage')).toBe(access.check('billing.manage'));
    expect(access.can('billing.read')).toBe(true);
    expect(() => access.authorize('billing.manage')).toThrow(SecondFactorRequiredError);
    expect(denials.at(-1)).toMatchObject({ reason: 'second_factor_required', status: 401, capability: 'billing.manage' });
  });

  it('a fresh request and a stale one for the same member never see each other’s answer, in either order', async () => {
    const { tenantry, tenantId, clock } = await world();
    const fresh = () => tenantry.forRequest({ userId: 'olivia', secondFactorAt: new Date(clock.ms - 1_000) });
    const stale = () => tenantry.forRequest({ userId: 'olivia' });
    for (const order of [
      [fresh, stale, fresh],
      [stale, fresh, stale],
    ]) {
      for (const make of order) {
        const expected = make === fresh;
        expect((await make().access(tenantId)).can('billing.manage')).toBe(expected);
        expect((await make().check(tenantId, 'billing.manage')).allowed).toBe(expected);
        expect(await make().can(tenantId, 'billing.manage')).toBe(expected);
      }
    }
  });

  it('a member whose role lacks the capability still gets 403, a non-member 404', async () => {
    const { tenantry, tenantId } = await world();
    expect((await tenantry.forRequest({ userId: 'mia' }).access(tenantId)).check('billing.manage').status).toBe(403);
    expect((await tenantry.forRequest({ userId: 'nobody' }).access(tenantId)).check('billing.manage').status).toBe(404);
  });
});
