import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createTenantry,
  isSecondFactorRequiredError,
  ValidationError,
  SecondFactorRequiredError,
  systemActor,
  type DenialEvent,
  type Decision,
} from 'tenantry';
import { problemHandler, requireCapability, tenantContext } from 'tenantry/express';
import { requireCapability as fastifyRequireCapability, tenantContext as fastifyTenantContext, tenantryPlugin } from 'tenantry/fastify';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles, tenantWith } from '../../support/catalog.js';
import { KEY_1, testClock } from '../../support/two-factor.js';

async function world() {
  const clock = testClock();
  const denials: DenialEvent[] = [];
  const tenantry = createTenantry({
    store: memoryStore(),
    capabilities,
    roles,
    now: clock.now,
    onDenied: (event) => denials.push(event),
    twoFactor: { keys: { current: 'k1', k1: KEY_1 }, stepUp: { capabilities: ['billing.manage', 'membership.manage'], maxAgeMs: 300_000 } },
  });
  const tenantId = await tenantWith(tenantry, 'olivia', { mia: 'manager' });
  return { tenantry, tenantId, clock, denials };
}

describe('step-up for sensitive capabilities', () => {
  it('a step-up capability is 401 second_factor_required without a recent verification, 200 with one; others are unaffected', async () => {
    const { tenantry, tenantId, clock, denials } = await world();
    const without = tenantry.forRequest({ userId: 'olivia' });
    expect(await without.check(tenantId, 'billing.manage')).toEqual({
      allowed: false,
      status: 401,
      reason: 'second_factor_required',
      capability: 'billing.manage',
      tenantId,
    });
    expect(await without.check(tenantId, 'billing.read')).toMatchObject({ allowed: true, status: 200 });
    expect(denials.at(-1)).toEqual({
      capability: 'billing.manage',
      tenantId,
      actor: { type: 'user', id: 'olivia' },
      reason: 'second_factor_required',
      status: 401,
    });
    const error = await without.authorize(tenantId, 'billing.manage').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecondFactorRequiredError);
    expect(isSecondFactorRequiredError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'second_factor_required', status: 401, capability: 'billing.manage' });
    expect(await without.actionState(tenantId, 'billing.manage')).toEqual({ visible: true, disabled: false, reason: null });

    const fresh = tenantry.forRequest({ userId: 'olivia', secondFactorAt: new Date(clock.ms - 299_000) });
    expect(await fresh.check(tenantId, 'billing.manage')).toMatchObject({ allowed: true, status: 200, reason: 'allowed' });
    const stale = tenantry.forRequest({ userId: 'olivia', secondFactorAt: new Date(clock.ms - 301_000) });
    expect(await stale.check(tenantId, 'membership.manage')).toMatchObject({ status: 401 });
    const future = tenantry.forRequest({ userId: 'olivia', secondFactorAt: new Date(clock.ms + 60_000) });
    expect(await future.check(tenantId, 'membership.manage')).toMatchObject({ status: 401 });
  });

  it('denials stay what they were: a member lacking the capability is 403, a non-member 404, whatever the verification', async () => {
    const { tenantry, tenantId, clock } = await world();
    expect(await tenantry.forRequest({ userId: 'mia' }).check(tenantId, 'billing.manage')).toMatchObject({ status: 403 });
    expect(await tenantry.forRequest({ userId: 'mallory', secondFactorAt: clock.now() }).check(tenantId, 'billing.manage')).toMatchObject({ status: 404 });
    expect(await tenantry.forRequest({ userId: 'mallory' }).check(tenantId, 'billing.manage')).toMatchObject({ status: 404 });
  });

  it('decisions are memoized per request: a verification that ages past the limit mid-request keeps its answer', async () => {
    const { tenantry, tenantId, clock } = await world();
    const scope = tenantry.forRequest({ userId: 'olivia', secondFactorAt: new Date(clock.ms - 299_000) });
    const first = await scope.check(tenantId, 'billing.manage');
    clock.advance(10_000);
    expect(await scope.check(tenantId, 'billing.manage')).toBe(first);
    expect(await scope.check(tenantId, 'membership.manage')).toMatchObject({ allowed: true });
    expect(await tenantry.forRequest({ userId: 'olivia', secondFactorAt: new Date(clock.ms - 309_000) }).check(tenantId, 'billing.manage')).toMatchObject({
      status: 401,
    });
  });

  it('a system actor needs no step-up; an invalid secondFactorAt is a ValidationError; an undeclared step-up capability a ConfigurationError', async () => {
    const { tenantry, tenantId } = await world();
    expect(await tenantry.as(systemActor('ops')).check(tenantId, 'billing.manage')).toMatchObject({ allowed: true });
    expect(() => tenantry.forRequest({ userId: 'olivia', secondFactorAt: new Date(Number.NaN) })).toThrow(/secondFactorAt/);
    expect(() => tenantry.forRequest({ userId: 'olivia', secondFactorAt: '2026-01-01' as unknown as Date })).toThrow(ValidationError);
    expect(() =>
      createTenantry({
        store: memoryStore(),
        capabilities,
        roles,
        // @ts-expect-error -- not a declared capability
        twoFactor: { keys: { current: 'k1', k1: KEY_1 }, stepUp: { capabilities: ['billing.destroy'] } },
      }),
    ).toThrow(/billing\.destroy/);
    expectTypeOf<Decision['reason']>().toExtend<string>();
  });

  it('Express: requireCapability answers 401 problem+json second_factor_required until the session carries a fresh verification', async () => {
    const { tenantry, tenantId, clock } = await world();
    const app = express();
    const at = (req: express.Request) => {
      const header = req.headers['x-second-factor-at'];
      return typeof header === 'string' ? new Date(Number(header)) : undefined;
    };
    app.use('/tenants/:tenantId', tenantContext(tenantry, { userId: (req) => req.headers['x-user'] as string, secondFactorAt: at }));
    app.post('/tenants/:tenantId/billing', requireCapability(tenantry, 'billing.manage'), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(problemHandler());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/tenants/${tenantId}/billing`;
      const refused = await fetch(url, { method: 'POST', headers: { 'x-user': 'olivia' } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(await refused.json()).toMatchObject({ status: 401, code: 'second_factor_required', capability: 'billing.manage' });
      const allowed = await fetch(url, { method: 'POST', headers: { 'x-user': 'olivia', 'x-second-factor-at': String(clock.ms - 1000) } });
      expect(allowed.status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Fastify: requireCapability answers 401 second_factor_required, and passes with a fresh secondFactorAt', async () => {
    const { tenantry, tenantId, clock } = await world();
    const app = Fastify();
    await app.register(tenantryPlugin);
    await app.register(
      (tenants, _options, done) => {
        const at = (request: FastifyRequest) => {
          const header = request.headers['x-second-factor-at'];
          return typeof header === 'string' ? new Date(Number(header)) : undefined;
        };
        tenants.addHook('preHandler', fastifyTenantContext(tenantry, { userId: (request) => request.headers['x-user'] as string, secondFactorAt: at }));
        tenants.post('/billing', { preHandler: fastifyRequireCapability(tenantry, 'billing.manage') }, () => ({ ok: true }));
        done();
      },
      { prefix: '/tenants/:tenantId' },
    );
    try {
      const refused = await app.inject({ method: 'POST', url: `/tenants/${tenantId}/billing`, headers: { 'x-user': 'olivia' } });
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: 'second_factor_required', capability: 'billing.manage' });
      const allowed = await app.inject({
        method: 'POST',
        url: `/tenants/${tenantId}/billing`,
        headers: { 'x-user': 'olivia', 'x-second-factor-at': String(clock.ms - 1000) },
      });
      expect(allowed.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
