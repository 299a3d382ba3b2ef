import { describe, expect, expectTypeOf, it } from 'vitest';
import express from 'express';
import { ConfigurationError, FeatureNotFoundError, isNotFoundError, UnknownCapabilityError, type EntitlementDecision, type Scope } from 'tenantry';
import {
  entitlementOf,
  notFoundHandler,
  problemHandler,
  rateLimit,
  requireCapability,
  requireEntitlement,
  tenantContext,
  type EntitlementDecisions,
  type TenantContext,
} from 'tenantry/express';
import { setup } from '../../support/catalog.js';
import { createScenario } from './http-scenario.js';
import { describeHttpAdapter } from './http-cases.js';
import { buildExpressScenarioApp, listenExpress } from './express-app.js';

describeHttpAdapter('express', (scenario, options) => listenExpress(buildExpressScenarioApp(scenario, options)));

describe('express: construction', () => {
  it('checks the guarded capability at start-up, and types it from the catalog', () => {
    const { tenantry } = setup();
    // @ts-expect-error 'billing.raed' is not a declared capability
    expect(() => requireCapability(tenantry, 'billing.raed')).toThrow(UnknownCapabilityError);
  });

  it('rejects invalid tenantContext options, or something that is not a tenantry instance, at start-up with ConfigurationError', () => {
    const { tenantry } = setup();
    expect(() => tenantContext(tenantry, {} as never)).toThrow(/userId/);
    expect(() => tenantContext(tenantry, { actor: () => 'alice' } as never)).toThrow(ConfigurationError);
    expect(() => tenantContext(tenantry, { userId: { header: 'bad header' } })).toThrow(/userId/);
    expect(() => tenantContext(tenantry, { userId: () => 'alice', tenantId: { header: 'bad header' } })).toThrow(/tenantId/);
    expect(() => tenantContext(tenantry, { userId: () => 'alice', tenantId: { param: '' } })).toThrow(ConfigurationError);
    expect(() => tenantContext(tenantry, { userId: () => 'alice', wwwAuthenticate: 'Bearer\r\nSet-Cookie: a=b' })).toThrow(/wwwAuthenticate/);
    expect(() => tenantContext({} as never, { userId: () => 'alice' })).toThrow(/createTenantry/);
    expect(() => requireCapability({} as never, 'tenant.read')).toThrow(/createTenantry/);
  });

  it('rejects invalid problemHandler options at start-up with ConfigurationError naming the option', () => {
    expect(() => problemHandler({ typeBase: 'problems/' })).toThrow(/typeBase/);
    expect(() => problemHandler({ typeBase: 'https://exa mple.com/' })).toThrow(/typeBase/);
    expect(() => problemHandler({ extend: { traceId: 1 } as never })).toThrow(/extend/);
    expect(() => problemHandler({ onServerError: true as never })).toThrow(/onServerError/);
    expect(() => problemHandler({ logger: console } as never)).toThrow(ConfigurationError);
  });

  it('returns named middleware, so stack traces read well', () => {
    const { tenantry } = setup();
    expect(tenantContext(tenantry, { userId: () => undefined }).name).toBe('tenantContextMiddleware');
    expect(requireCapability(tenantry, 'tenant.read').name).toBe('requireCapabilityMiddleware');
    expect(problemHandler().name).toBe('problemHandlerMiddleware');
    expect(notFoundHandler().name).toBe('notFoundMiddleware');
  });

  it('hands unmatched requests to the error handler as a NotFoundError, writing nothing itself', () => {
    const req = Object.create(express.request) as express.Request;
    const written: unknown[] = [];
    const res = { headersSent: false, setHeader: (...args: unknown[]) => written.push(args), end: (...args: unknown[]) => written.push(args) };
    const forwarded: unknown[] = [];
    notFoundHandler()(req, res as unknown as express.Response, (error?: unknown) => {
      forwarded.push(error);
    });
    expect(forwarded).toHaveLength(1);
    expect(isNotFoundError(forwarded[0])).toBe(true);
    expect(written).toEqual([]);
  });

  it('lets the problem handler defer to Express once the response has started', () => {
    const req = Object.create(express.request) as express.Request;
    const written: unknown[] = [];
    const res = { headersSent: true, setHeader: (...args: unknown[]) => written.push(args), end: (...args: unknown[]) => written.push(args) };
    const error = new Error('late');
    const deferred: unknown[] = [];
    problemHandler({ onServerError: () => undefined })(error, req, res as unknown as express.Response, (passed?: unknown) => {
      deferred.push(passed);
    });
    expect(deferred).toEqual([error]);
    expect(written).toEqual([]);
  });

  it('types req.tenantry through the Express request augmentation', () => {
    expectTypeOf<express.Request['tenantry']>().toEqualTypeOf<TenantContext | undefined>();
    expectTypeOf<TenantContext['scope']>().toEqualTypeOf<Scope>();
  });
});

describe('express: entitlement guard and rate limiter construction', () => {
  it('checks the guarded feature at start-up, and types it as a limit feature of the catalog', async () => {
    const { tenantry } = await createScenario();
    // @ts-expect-error 'ai.tokns' is not a declared feature
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokns', amount: 1 })).toThrow(FeatureNotFoundError);
    // @ts-expect-error 'sso' is a boolean feature: it is switched on, never consumed
    expect(() => requireEntitlement(tenantry, { featureKey: 'sso', amount: 1 })).toThrow(ConfigurationError);
    expect(() => requireEntitlement({} as never, { featureKey: 'ai.tokens', amount: 1 } as never)).toThrow(/createTenantry/);
  });

  it('refuses an instance without entitlements, at compile time and at start-up', () => {
    const { tenantry } = setup();
    // @ts-expect-error without entitlements there is no limit feature to name
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1 })).toThrow(/entitlements/);
  });

  it('rejects invalid guard options at start-up with ConfigurationError naming the option', async () => {
    const { tenantry } = await createScenario();
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 0 })).toThrow(/amount/);
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1.5 })).toThrow(/amount/);
    // Above MAX_CONSUME_AMOUNT the service would refuse every request: refused at start-up instead.
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 2 ** 31 })).toThrow(ConfigurationError);
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1, idempotencyKeyHeader: 'bad header' })).toThrow(/idempotencyKeyHeader/);
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1, namespace: 'apollo' as never })).toThrow(/namespace/);
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1, header: 'x' } as never)).toThrow(ConfigurationError);
    expect(() => requireEntitlement(tenantry, { amount: 1 } as never)).toThrow(/featureKey/);
  });

  it('rejects invalid rate-limit options at start-up with ConfigurationError naming the option', async () => {
    const { tenantry } = await createScenario();
    expect(() => rateLimit({} as never, { name: 'x', limit: 1, windowMs: 1_000 })).toThrow(/createTenantry/);
    expect(() => rateLimit(tenantry, { limit: 1, windowMs: 1_000 } as never)).toThrow(/name/);
    expect(() => rateLimit(tenantry, { name: 'x', limit: 0, windowMs: 1_000 })).toThrow(/limit/);
    expect(() => rateLimit(tenantry, { name: 'x', limit: 1, windowMs: 999 })).toThrow(/windowMs/);
    expect(() => rateLimit(tenantry, { name: 'x', limit: 3, windowMs: 1_000, cost: 4 })).toThrow(/cost/);
    expect(() => rateLimit(tenantry, { name: 'a:b', limit: 3, windowMs: 1_000 })).toThrow(/name/);
    expect(() => rateLimit(tenantry, { name: 'x', limit: 3, windowMs: 1_000, key: 'tenant' as never })).toThrow(/key/);
    // The 0.1 options: the store and the clock are the instance's now.
    expect(() => rateLimit(tenantry, { name: 'x', limit: 3, windowMs: 1_000, now: () => new Date() } as never)).toThrow(/Unknown option "now"/);
    expect(() => rateLimit(tenantry, { name: 'x', limit: 3, windowMs: 1_000, burst: 2 } as never)).toThrow(ConfigurationError);
  });

  it('returns named middleware, so stack traces read well', async () => {
    const { tenantry } = await createScenario();
    expect(requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1 }).name).toBe('requireEntitlementMiddleware');
    expect(rateLimit(tenantry, { name: 'x', limit: 1, windowMs: 1_000 }).name).toBe('rateLimitMiddleware');
  });

  it('types the decision from the key and req.tenantryEntitlements through the augmentation', () => {
    // A request no middleware has touched: Express's own request prototype, nothing set on it.
    const req: express.Request = Object.create(express.request) as express.Request;
    expectTypeOf(entitlementOf<'ai.tokens'>).returns.toEqualTypeOf<EntitlementDecision<'ai.tokens'>>();
    expect(() => entitlementOf(req, 'ai.tokens')).toThrow(ConfigurationError);
    expect(() => entitlementOf(req, 'ai.tokens')).toThrow(/requireEntitlement/);
    expectTypeOf<express.Request['tenantryEntitlements']>().toEqualTypeOf<EntitlementDecisions | undefined>();
  });
});
