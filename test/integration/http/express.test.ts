import { describe, expect, expectTypeOf, it } from 'vitest';
import express from 'express';
import { UnknownCapabilityError, ConfigurationError, FeatureNotFoundError, type EntitlementDecision, type RequestScope } from 'tenantry';
import {
  entitlementOf,
  notFoundHandler,
  problemHandler,
  rateLimit,
  requireCapability,
  requireEntitlement,
  tenantContext,
  type EntitlementDecisions,
  type TenantryRequestContext,
} from 'tenantry/express';
import { memoryStore } from 'tenantry/memory';
import { setup } from '../../support/catalog.js';
import { createScenario } from './http-scenario.js';
import { describeHttpAdapter } from './http-cases.js';
import { buildExpressScenarioApp, listenExpress } from './express-app.js';

describeHttpAdapter('express', (scenario) => listenExpress(buildExpressScenarioApp(scenario)));

describe('express: construction', () => {
  it('checks the guarded capability at start-up, and types it from the catalog', () => {
    const { tenantry } = setup();
    // @ts-expect-error 'billing.raed' is not a declared capability
    expect(() => requireCapability(tenantry, 'billing.raed')).toThrow(UnknownCapabilityError);
  });

  it('rejects invalid tenantContext options at start-up with ConfigurationError', () => {
    const { tenantry } = setup();
    expect(() => tenantContext(tenantry, {} as never)).toThrow(ConfigurationError);
    expect(() => tenantContext(tenantry, { actor: () => 'alice', tenantId: { header: 'bad header' } })).toThrow(ConfigurationError);
    expect(() => tenantContext(tenantry, { actor: () => 'alice', tenantId: { param: '' } })).toThrow(ConfigurationError);
  });

  it('returns named middleware, so stack traces read well', () => {
    const { tenantry } = setup();
    expect(tenantContext(tenantry, { actor: () => undefined }).name).toBe('tenantContextMiddleware');
    expect(requireCapability(tenantry, 'tenant.read').name).toBe('requireCapabilityMiddleware');
    expect(problemHandler().name).toBe('problemHandlerMiddleware');
    expect(notFoundHandler().name).toBe('notFoundMiddleware');
  });

  it('lets the not-found handler defer to Express once the response has started', () => {
    const req = Object.create(express.request) as express.Request;
    const written: unknown[] = [];
    const res = { headersSent: true, setHeader: (...args: unknown[]) => written.push(args), end: (...args: unknown[]) => written.push(args) };
    let deferred = 0;
    notFoundHandler()(req, res as unknown as express.Response, () => {
      deferred += 1;
    });
    expect(deferred).toBe(1);
    expect(written).toEqual([]);
  });

  it('types req.tenantry through the Express request augmentation', () => {
    expectTypeOf<express.Request['tenantry']>().toEqualTypeOf<TenantryRequestContext | undefined>();
    expectTypeOf<TenantryRequestContext['scope']>().toEqualTypeOf<RequestScope>();
  });
});

describe('express: entitlement guard and rate limiter construction', () => {
  it('checks the guarded feature at start-up, and types it as a limit feature of the catalog', async () => {
    const { entitlements } = await createScenario();
    // @ts-expect-error 'ai.tokns' is not a declared feature
    expect(() => requireEntitlement(entitlements, 'ai.tokns', 1)).toThrow(FeatureNotFoundError);
    // @ts-expect-error 'sso' is a boolean feature: it is switched on, never consumed
    expect(() => requireEntitlement(entitlements, 'sso', 1)).toThrow(ConfigurationError);
    expect(() => requireEntitlement({} as never, 'ai.tokens', 1)).toThrow(/createEntitlements/);
  });

  it('rejects invalid guard options at start-up with ConfigurationError naming the option', async () => {
    const { entitlements } = await createScenario();
    expect(() => requireEntitlement(entitlements, 'ai.tokens', 0)).toThrow(/amount/);
    expect(() => requireEntitlement(entitlements, 'ai.tokens', 1.5)).toThrow(/amount/);
    // Above MAX_CONSUME_AMOUNT the service would refuse every request: refused at start-up instead.
    expect(() => requireEntitlement(entitlements, 'ai.tokens', 2 ** 31)).toThrow(ConfigurationError);
    expect(() => requireEntitlement(entitlements, 'ai.tokens', 1, { idempotencyKeyHeader: 'bad header' })).toThrow(/idempotencyKeyHeader/);
    expect(() => requireEntitlement(entitlements, 'ai.tokens', 1, { namespace: 'apollo' as never })).toThrow(/namespace/);
    expect(() => requireEntitlement(entitlements, 'ai.tokens', 1, { header: 'x' } as never)).toThrow(ConfigurationError);
  });

  it('rejects invalid rate-limit options at start-up with ConfigurationError naming the option', () => {
    const store = memoryStore();
    expect(() => rateLimit({ store: {} as never, limit: 1, windowMs: 1_000 })).toThrow(/store/);
    expect(() => rateLimit({ store, limit: 0, windowMs: 1_000 })).toThrow(/limit/);
    expect(() => rateLimit({ store, limit: 1, windowMs: 999 })).toThrow(/windowMs/);
    expect(() => rateLimit({ store, limit: 3, windowMs: 1_000, cost: 4 })).toThrow(/cost/);
    expect(() => rateLimit({ store, limit: 3, windowMs: 1_000, name: 'a:b' })).toThrow(/name/);
    expect(() => rateLimit({ store, limit: 3, windowMs: 1_000, key: 'tenant' as never })).toThrow(/key/);
    expect(() => rateLimit({ store, limit: 3, windowMs: 1_000, burst: 2 } as never)).toThrow(ConfigurationError);
  });

  it('returns named middleware, so stack traces read well', async () => {
    const { entitlements } = await createScenario();
    expect(requireEntitlement(entitlements, 'ai.tokens', 1).name).toBe('requireEntitlementMiddleware');
    expect(rateLimit({ store: memoryStore(), limit: 1, windowMs: 1_000 }).name).toBe('rateLimitMiddleware');
  });

  it('types the decision from the catalog and req.tenantryEntitlements through the augmentation', async () => {
    const { entitlements } = await createScenario();
    // A request no middleware has touched: Express's own request prototype, nothing set on it.
    const req: express.Request = Object.create(express.request) as express.Request;
    expectTypeOf(entitlementOf<'ai.tokens', 'ai.tokens'>).returns.toEqualTypeOf<EntitlementDecision<'ai.tokens'>>();
    // @ts-expect-error 'ai.tokns' is not a declared feature
    expect(() => entitlementOf(entitlements, req, 'ai.tokns')).toThrow(ConfigurationError);
    expect(() => entitlementOf(entitlements, req, 'ai.tokens')).toThrow(/requireEntitlement/);
    expectTypeOf<express.Request['tenantryEntitlements']>().toEqualTypeOf<EntitlementDecisions | undefined>();
  });
});
