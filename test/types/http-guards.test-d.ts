import type { Request } from 'express';
import type { FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { createTenantry, type EntitlementDecision } from 'tenantry';
import * as express from 'tenantry/express';
import * as fastify from 'tenantry/fastify';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../examples/catalog.js';
import { packages } from '../../examples/plans.js';

const tenantry = createTenantry({ store: memoryStore(), capabilities, roles, entitlements: { packages } });
const withoutEntitlements = createTenantry({ store: memoryStore(), capabilities, roles });

describe('HTTP guards: types from the catalog', () => {
  it('requireEntitlement takes only limit features of the instance', () => {
    expectTypeOf(express.requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1 })).toBeFunction();
    expectTypeOf(fastify.requireEntitlement(tenantry, { featureKey: 'seats', amount: (request) => Number(request.headers['x-seats']) })).toBeFunction();
    // @ts-expect-error 'sso' is a boolean feature: it is switched on, never consumed
    express.requireEntitlement(tenantry, { featureKey: 'sso', amount: 1 });
    // @ts-expect-error 'sso' is a boolean feature: it is switched on, never consumed
    fastify.requireEntitlement(tenantry, { featureKey: 'sso', amount: 1 });
    // @ts-expect-error 'ai.tokns' is not a declared feature
    express.requireEntitlement(tenantry, { featureKey: 'ai.tokns', amount: 1 });
    // @ts-expect-error an instance without entitlements has no limit feature
    express.requireEntitlement(withoutEntitlements, { featureKey: 'ai.tokens', amount: 1 });
  });

  it('requireCapability takes only declared capabilities', () => {
    expectTypeOf(express.requireCapability(tenantry, 'billing.read')).toBeFunction();
    // @ts-expect-error 'billing.raed' is not a declared capability
    fastify.requireCapability(tenantry, 'billing.raed');
  });

  it('tenantOf types the scope with the catalog; entitlementOf the decision with the key', () => {
    type Capability = ReturnType<typeof capabilities.all>[number];
    expectTypeOf<Parameters<ReturnType<typeof express.tenantOf<Capability, string, string, string, string>>['scope']['can']>[1]>().toEqualTypeOf<Capability>();
    expectTypeOf<ReturnType<typeof express.tenantOf<Capability, string, string, string, string>>['tenantId']>().toEqualTypeOf<string>();
    expectTypeOf(express.tenantOf<Capability, string, never, never, never>)
      .parameter(1)
      .toEqualTypeOf<Request>();
    expectTypeOf(fastify.tenantOf<Capability, string, never, never, never>)
      .parameter(1)
      .toEqualTypeOf<FastifyRequest>();
    expectTypeOf(express.entitlementOf<'ai.tokens'>).returns.toEqualTypeOf<EntitlementDecision<'ai.tokens'>>();
    const scope = tenantry.forRequest({ userId: 'ada' });
    expectTypeOf<ReturnType<typeof express.tenantOf<Capability, string, never, never, never>>['scope']['can']>().parameter(1).toEqualTypeOf<Capability>();
    // @ts-expect-error 'project.wirte' is not a declared capability
    void scope.can('t', 'project.wirte');
  });
});
