import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import Fastify, { type FastifyRequest } from 'fastify';
import { ConfigurationError, FeatureNotFoundError, UnknownCapabilityError, type EntitlementDecision } from 'tenantry';
import {
  entitlementOf,
  notFoundHandler,
  notFoundResponse,
  problemHandler,
  rateLimit,
  requireCapability,
  requireEntitlement,
  tenantContext,
  tenantryPlugin,
  type EntitlementDecisions,
  type TenantContext,
} from 'tenantry/fastify';
import { setup } from '../../support/catalog.js';
import { describeHttpAdapter, fingerprint, type HttpHarness } from './http-cases.js';
import { fetchFrom } from './express-app.js';
import { buildFastifyScenarioApp, injectInto, listenFastify } from './fastify-app.js';
import { createScenario, SECRET_MESSAGE, type Scenario } from './http-scenario.js';

describeHttpAdapter('fastify (inject and socket)', async (scenario, options) => listenFastify(await buildFastifyScenarioApp(scenario, options)));

describe('fastify: router refusals', () => {
  it('answers an over-long tenant id with the router 414, as a problem, without touching storage', async () => {
    const scenario = await createScenario();
    const http = injectInto(await buildFastifyScenarioApp(scenario));
    scenario.store.reset();
    const result = await http.send({ path: `/tenants/${'x'.repeat(200)}`, user: 'alice' });
    await http.close();
    expect(result.status).toBe(414);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(result.body)).toMatchObject({ type: 'about:blank', title: 'URI Too Long', status: 414 });
    expect(scenario.store.total()).toBe(0);
  });
});

describe('fastify: over a real socket', () => {
  let scenario: Scenario;
  let close: HttpHarness['close'] | undefined;
  let origin: string;

  beforeAll(async () => {
    scenario = await createScenario();
    const app = await buildFastifyScenarioApp(scenario);
    origin = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
  });
  afterAll(async () => {
    await close?.();
  });

  it('answers a member with 200 and the three 404 cases with identical bytes on the wire', async () => {
    const ok = await fetchFrom(origin, { path: `/tenants/${scenario.tenantId}`, user: 'bob' });
    expect(ok.status).toBe(200);
    const notFound = await Promise.all([
      fetchFrom(origin, { path: `/tenants/${scenario.tenantId}`, user: 'mallory' }),
      fetchFrom(origin, { path: '/tenants/00000000-0000-4000-8000-000000000000', user: 'alice' }),
      fetchFrom(origin, { path: '/tenants/malformed', user: 'alice' }),
    ]);
    const [first, ...rest] = notFound.map(fingerprint);
    expect(first).toMatchObject({ status: 404, headers: { 'content-type': 'application/problem+json' } });
    for (const other of rest) expect(other).toEqual(first);
  });
});

describe('fastify: construction and encapsulation', () => {
  it('checks the guarded capability at start-up, and types it from the catalog', () => {
    const { tenantry } = setup();
    // @ts-expect-error 'billing.raed' is not a declared capability
    expect(() => requireCapability(tenantry, 'billing.raed')).toThrow(UnknownCapabilityError);
  });

  it('rejects invalid options at start-up with ConfigurationError', async () => {
    const { tenantry } = setup();
    expect(() => tenantContext(tenantry, { userId: 'alice' } as never)).toThrow(ConfigurationError);
    const app = Fastify();
    await expect(app.register(tenantryPlugin, { problemHandler: 'yes' } as never)).rejects.toThrow(ConfigurationError);
    await app.close();
    const badOptions = Fastify();
    await expect(badOptions.register(tenantryPlugin, { problemHandler: { typeBase: 'relative/' } })).rejects.toThrow(/typeBase/);
    await badOptions.close();
  });

  it('returns named hooks, so stack traces read well', () => {
    const { tenantry } = setup();
    expect(tenantContext(tenantry, { userId: () => undefined }).name).toBe('tenantContextHook');
    expect(requireCapability(tenantry, 'tenant.read').name).toBe('requireCapabilityHook');
    expect(problemHandler().name).toBe('problemErrorHandler');
    expect(notFoundHandler().name).toBe('notFoundRouteHandler');
  });

  it('decorates the request once, even when registered twice, and keeps a host error handler with problemHandler: false', async () => {
    const app = Fastify();
    await app.register(tenantryPlugin, { problemHandler: false });
    await app.register(tenantryPlugin, { problemHandler: false });
    app.get('/', (request) => ({ tenantry: request.tenantry }));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    expect(JSON.parse((await app.inject({ url: '/' })).body)).toEqual({ tenantry: null });
    const boom = await app.inject({ url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.headers['content-type']).toMatch(/^application\/json/);
    await app.close();
  });

  it('confines the error handler to the context that registered the plugin', async () => {
    const app = Fastify();
    const reported: unknown[] = [];
    await app.register((inner, _options, done) => {
      void inner.register(tenantryPlugin, { problemHandler: { onServerError: (error) => reported.push(error) } });
      inner.get('/inside', () => {
        throw new Error('inside');
      });
      done();
    });
    app.get('/outside', () => {
      throw new Error('outside');
    });
    expect((await app.inject({ url: '/inside' })).headers['content-type']).toBe('application/problem+json');
    expect((await app.inject({ url: '/outside' })).headers['content-type']).toMatch(/^application\/json/);
    expect(reported.map((error) => (error as Error).message)).toEqual(['inside']);
    await app.close();
  });

  it('reports 5xx errors to onServerError and shields the response from a throwing reporter', async () => {
    const seen: unknown[] = [];
    const app = Fastify();
    await app.register(tenantryPlugin, {
      problemHandler: {
        onServerError: (error) => {
          seen.push(error);
          throw new Error('reporter failed');
        },
      },
    });
    const crash = new Error('crash');
    app.get('/crash', () => {
      throw crash;
    });
    const response = await app.inject({ url: '/crash' });
    expect(response.statusCode).toBe(500);
    expect(seen).toEqual([crash]);
    await app.close();
  });

  it('stops the request at the hook that answered, even with a slow async onSend hook', async () => {
    const scenario = await createScenario();
    const app = Fastify();
    await app.register(tenantryPlugin);
    app.addHook('onSend', async (_request, _reply, payload) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return payload;
    });
    let handled = 0;
    app.get('/tenants/:tenantId', { preHandler: tenantContext(scenario.tenantry, { userId: () => 'mallory' }) }, () => {
      handled += 1;
      return {};
    });
    const response = await app.inject({ url: `/tenants/${scenario.tenantId}` });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(response.statusCode).toBe(404);
    expect(handled).toBe(0);
    await app.close();
  });

  it("answers unmatched routes with the canonical 404 through setNotFoundHandler(notFoundHandler()) and the plugin's problem handler", async () => {
    const app = Fastify();
    await app.register(tenantryPlugin);
    app.setNotFoundHandler(notFoundHandler());
    const response = await app.inject({ method: 'POST', url: '/no/such/route?token=secret', payload: { a: 1 } });
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe(notFoundResponse().body);
    expect(response.headers).toMatchObject(notFoundResponse().headers);
    await app.close();
  });

  it('installs the canonical 404 from the plugin only when asked, and only for the prefix it is registered under', async () => {
    const canonical = notFoundResponse().body;
    const byDefault = Fastify();
    await byDefault.register(tenantryPlugin);
    expect((await byDefault.inject({ url: '/nope' })).body).not.toBe(canonical);
    await byDefault.close();

    const app = Fastify();
    await app.register(
      (api, _options, done) => {
        void api.register(tenantryPlugin, { notFoundHandler: true });
        done();
      },
      { prefix: '/api' },
    );
    expect((await app.inject({ url: '/api/nope' })).body).toBe(canonical);
    expect((await app.inject({ url: '/nope' })).body).not.toBe(canonical);
    await app.close();
  });

  it('refuses a second not-found handler for the same prefix, or a notFoundHandler that is not a boolean, with ConfigurationError', async () => {
    const twice = Fastify();
    await twice.register(tenantryPlugin, { notFoundHandler: true });
    await expect(twice.register(tenantryPlugin, { problemHandler: false, notFoundHandler: true })).rejects.toThrow(ConfigurationError);
    await twice.close();
    const hostFirst = Fastify();
    hostFirst.setNotFoundHandler((_request, reply) => reply.code(404).send('host'));
    await expect(hostFirst.register(tenantryPlugin, { notFoundHandler: true })).rejects.toThrow(/already set for prefix '\/'/);
    await hostFirst.close();
    const invalid = Fastify();
    await expect(invalid.register(tenantryPlugin, { notFoundHandler: 'yes' } as never)).rejects.toThrow(/notFoundHandler/);
    await invalid.close();
  });

  it('types request.tenantry through declaration merging', () => {
    expectTypeOf<FastifyRequest['tenantry']>().toEqualTypeOf<TenantContext | null>();
  });
});

describe('fastify: entitlement guard and rate limiter construction', () => {
  it('checks the guarded feature at start-up, and types it as a limit feature of the catalog', async () => {
    const { tenantry } = await createScenario();
    // @ts-expect-error 'ai.tokns' is not a declared feature
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokns', amount: 1 })).toThrow(FeatureNotFoundError);
    // @ts-expect-error 'sso' is a boolean feature: it is switched on, never consumed
    expect(() => requireEntitlement(tenantry, { featureKey: 'sso', amount: 1 })).toThrow(ConfigurationError);
    const { tenantry: withoutEntitlements } = setup();
    // @ts-expect-error without entitlements there is no limit feature to name
    expect(() => requireEntitlement(withoutEntitlements, { featureKey: 'ai.tokens', amount: 1 })).toThrow(/entitlements/);
  });

  it('rejects invalid options at start-up with ConfigurationError naming the option', async () => {
    const { tenantry } = await createScenario();
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: -1 })).toThrow(/amount/);
    expect(() => requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1, idempotencyKeyHeader: '' })).toThrow(/idempotencyKeyHeader/);
    expect(() => rateLimit(tenantry, { name: 'x', limit: 1.5, windowMs: 1_000 })).toThrow(/limit/);
    expect(() => rateLimit(tenantry, { name: '', limit: 1, windowMs: 1_000 })).toThrow(/name/);
  });

  it('returns named hooks, so stack traces read well', async () => {
    const { tenantry } = await createScenario();
    expect(requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1 }).name).toBe('requireEntitlementHook');
    expect(rateLimit(tenantry, { name: 'x', limit: 1, windowMs: 1_000 }).name).toBe('rateLimitHook');
  });

  it('decorates request.tenantryEntitlements, and types the decision from the key', async () => {
    const app = Fastify();
    await app.register(tenantryPlugin, { problemHandler: { onServerError: () => undefined } });
    app.get('/', (request) => ({ decisions: request.tenantryEntitlements }));
    app.get('/unguarded', (request) => entitlementOf(request, 'ai.tokens'));
    expect(JSON.parse((await app.inject({ url: '/' })).body)).toEqual({ decisions: null });
    expect(JSON.parse((await app.inject({ url: '/unguarded' })).body)).toMatchObject({ status: 500, code: 'configuration_invalid' });
    await app.close();
    expectTypeOf(entitlementOf<'ai.tokens'>).returns.toEqualTypeOf<EntitlementDecision<'ai.tokens'>>();
    expect(() => entitlementOf({} as FastifyRequest, 'ai.tokns')).toThrow(ConfigurationError);
    expectTypeOf<FastifyRequest['tenantryEntitlements']>().toEqualTypeOf<EntitlementDecisions | null>();
  });
});

describe('fastify: default onServerError', () => {
  it('logs a 5xx through the request logger when the Fastify logger is enabled, never the error message', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => void lines.push(line) } } });
    await app.register(tenantryPlugin);
    app.get('/crash', () => {
      throw new Error(SECRET_MESSAGE);
    });
    const response = await app.inject({ url: '/crash?token=secret-token' });
    await app.close();
    expect(response.statusCode).toBe(500);
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; err?: unknown });
    expect(logged.map((entry) => entry.msg)).toEqual(['tenantry: GET /crash answered 500 internal_error: Error']);
    expect(logged[0]?.err).toEqual(expect.stringMatching(/^\s+at /));
    expect(lines.join('\n')).not.toContain(SECRET_MESSAGE);
    expect(lines.join('\n')).not.toContain('secret-token');
  });

  it('logs a 5xx with console.error when the Fastify logger is disabled, so it is never silent', async () => {
    const app = Fastify();
    await app.register(tenantryPlugin);
    app.get('/crash', () => {
      throw new Error(SECRET_MESSAGE);
    });
    // Replaces the test setup's console spy for this test: the log is expected, and asserted here.
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await app.inject({ url: '/crash' });
    await app.close();
    expect(response.statusCode).toBe(500);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toBe('tenantry: GET /crash answered 500 internal_error: Error');
    expect(log.mock.calls.flat().map(String).join('\n')).not.toContain(SECRET_MESSAGE);
  });
});
