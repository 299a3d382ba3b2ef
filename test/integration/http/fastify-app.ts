import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { entitlementOf, problemHandler, rateLimit, requireCapability, requireEntitlement, tenantContext, tenantOf, tenantryPlugin } from 'tenantry/fastify';
import type { HarnessOptions, HttpClient, HttpHarness, HttpResult } from './http-cases.js';
import { sendRaw } from './raw-request.js';
import {
  addMember,
  assignPlan,
  billingBody,
  changeRole,
  checkUnknownCapability,
  consumptionBody,
  costFrom,
  errorFor,
  problemOptionsOf,
  RATE_LIMIT,
  RATE_WINDOW_MS,
  SECRET_MESSAGE,
  tokensFrom,
  userFromHeaders,
  WWW_AUTHENTICATE,
  type Scenario,
} from './http-scenario.js';

/** The scenario application (see `Scenario`) on Fastify: tenant routes in an encapsulated, prefixed context. */
export async function buildFastifyScenarioApp(scenario: Scenario, options: HarnessOptions = {}): Promise<FastifyInstance> {
  const { tenantry, brokenTenantry, buggyTenantry } = scenario;
  const report = problemOptionsOf(scenario, options);
  // frameworkErrors: the router's own refusals (over-long parameter, bad URL encoding) as problems too.
  const app = Fastify({ frameworkErrors: problemHandler(report) });
  const userId = (request: FastifyRequest) => userFromHeaders(request.headers);
  const policy = { limit: RATE_LIMIT, windowMs: RATE_WINDOW_MS };
  // notFoundHandler: an unmatched route is answered with the canonical 404.
  await app.register(tenantryPlugin, { notFoundHandler: true, problemHandler: report });

  await app.register(
    (tenants, _options, done) => {
      tenants.addHook('preHandler', tenantContext(tenantry, { userId, wwwAuthenticate: WWW_AUTHENTICATE }));
      tenants.get('/', (request) => {
        const { tenantId, userId: user } = tenantOf(tenantry, request);
        return { tenantId, userId: user };
      });
      tenants.get('/billing', { preHandler: requireCapability(tenantry, 'billing.read') }, (request) => billingBody(tenantOf(tenantry, request)));
      tenants.post('/members', { preHandler: requireCapability(tenantry, 'membership.manage') }, async (request, reply) => {
        return reply.code(201).send(await addMember(tenantOf(tenantry, request), request.body));
      });
      tenants.post<{ Params: { userId: string } }>('/members/:userId/role', { preHandler: requireCapability(tenantry, 'tenant.manage') }, (request) =>
        changeRole(tenantOf(tenantry, request), request.params.userId, request.body),
      );
      tenants.post('/plan', (request) => assignPlan(tenantOf(tenantry, request)));
      tenants.get<{ Params: { code: string } }>('/errors/:code', (request) => {
        throw errorFor(request.params.code);
      });
      tenants.get('/not-found', () => {
        throw errorFor('not_found');
      });
      tenants.get('/unknown-capability', (request) => checkUnknownCapability(tenantOf(tenantry, request)));
      tenants.get('/crash', () => {
        throw new Error(SECRET_MESSAGE);
      });
      const tokenGuard = requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: (request) => tokensFrom(request.body) });
      tenants.post('/ai', { preHandler: tokenGuard }, (request) => consumptionBody(entitlementOf(request, 'ai.tokens')));
      tenants.post('/metered', { preHandler: [requireEntitlement(tenantry, { featureKey: 'api.requests', amount: 1 }), tokenGuard] }, (request) => ({
        requests: consumptionBody(entitlementOf(request, 'api.requests')),
        tokens: consumptionBody(entitlementOf(request, 'ai.tokens')),
      }));
      const imageGuard = requireEntitlement(tenantry, {
        featureKey: 'ai.tokens.images',
        amount: 5,
        idempotencyKeyHeader: 'X-Request-Id',
        onReplay: 'pass',
        namespace: (request) => {
          const project = request.headers['x-project'];
          return typeof project === 'string' ? project : undefined;
        },
      });
      tenants.post('/images', { preHandler: imageGuard }, (request) => consumptionBody(entitlementOf(request, 'ai.tokens.images')));
      tenants.get('/limited', { preHandler: rateLimit(tenantry, { name: 'member', ...policy }) }, () => ({ ok: true }));
      done();
    },
    { prefix: '/tenants/:tenantId' },
  );

  app.get('/by-header', { preHandler: tenantContext(tenantry, { userId, tenantId: { header: 'X-Tenant-Id' } }) }, (request) => ({
    tenantId: tenantOf(tenantry, request).tenantId,
  }));
  app.get('/gateway/:tenantId', { preHandler: tenantContext(tenantry, { userId: { header: 'X-Gateway-User' } }) }, (request) => {
    const { tenantId, userId: user } = tenantOf(tenantry, request);
    return { tenantId, userId: user };
  });
  app.get('/unguarded/billing', { preHandler: requireCapability(tenantry, 'billing.read') }, () => ({ reached: true }));
  app.post('/unguarded/ai', { preHandler: requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1 }) }, () => ({ reached: true }));
  const byBucket = rateLimit(tenantry, {
    name: 'bucket',
    ...policy,
    key: (request) => (request.params as { bucket: string }).bucket,
    cost: (request) => costFrom(request.headers),
  });
  app.get<{ Params: { bucket: string } }>('/limited/:bucket', { onRequest: byBucket }, (request) => ({ bucket: request.params.bucket }));
  app.get('/limited-by-ip', { onRequest: rateLimit(tenantry, { name: 'by-ip', ...policy }) }, () => ({ ok: true }));
  app.get('/rate-broken', { preHandler: rateLimit(brokenTenantry, { name: 'broken', ...policy }) }, () => ({ reached: true }));
  app.get('/rate-buggy', { preHandler: rateLimit(buggyTenantry, { name: 'buggy', ...policy }) }, () => ({ reached: true }));
  await app.ready();
  return app;
}

/** Talks to `app` in process through `inject()`. */
export function injectInto(app: FastifyInstance): HttpClient {
  return {
    async send(request): Promise<HttpResult> {
      const headers: Record<string, string> = { ...request.headers };
      if (request.user !== undefined) headers['x-user-id'] = request.user;
      let payload: string | undefined;
      if (request.json !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof request.json === 'string' ? request.json : JSON.stringify(request.json);
      }
      const method = request.method ?? 'GET';
      const response = await app.inject(payload === undefined ? { method, url: request.path, headers } : { method, url: request.path, headers, payload });
      const flat = Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]);
      return { status: response.statusCode, headers: Object.fromEntries(flat) as Record<string, string>, body: response.body };
    },
    close: () => app.close(),
  };
}

/** Starts `app` on an ephemeral loopback port: `send` still injects, `sendRaw` writes on a real socket. */
export async function listenFastify(app: FastifyInstance): Promise<HttpHarness> {
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { ...injectInto(app), sendRaw: (request) => sendRaw(origin, request) };
}
