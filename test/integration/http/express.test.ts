import { describe, expect, expectTypeOf, it } from 'vitest';
import express from 'express';
import { UnknownCapabilityError, ConfigurationError, type RequestScope } from 'tenantry';
import { problemHandler, requireCapability, tenantContext, type TenantryRequestContext } from 'tenantry/express';
import { setup } from '../../support/catalog.js';
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
  });

  it('types req.tenantry through the Express request augmentation', () => {
    expectTypeOf<express.Request['tenantry']>().toEqualTypeOf<TenantryRequestContext | undefined>();
    expectTypeOf<TenantryRequestContext['scope']>().toEqualTypeOf<RequestScope>();
  });
});
