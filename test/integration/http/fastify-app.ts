import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  entitlementOf,
  problemHandler,
  rateLimit,
  requireCapability,
  requireEntitlement,
  tenantContext,
  tenantOf,
  tenantryPlugin,
} from 'tenantry/fastify';
import type { HttpClient, HttpHarness, HttpResult } from './http-cases.js';
import { sendRaw } from './raw-request.js';
import {
  actorFromHeaders,
  addMember,
  billingBody,
  checkUnknownCapability,
  consumptionBody,
  costFrom,
  errorFor,
  RATE_LIMIT,
  RATE_WINDOW_MS,
  SECRET_MESSAGE,
  tokensFrom,
  WWW_AUTHENTICATE,
  type Scenario,
} from './http-scenario.js';

/** The scenario application (see `Scenario`) on Fastify: tenant routes in an encapsulated, prefixed context. */
export async function buildFastifyScenarioApp({ tenantry, entitlements, rateLimitStore, brokenRateLimitStore, clock }: Scenario): Promise<FastifyInstance> {
  // frameworkErrors: the router's own refusals (over-long parameter, bad URL encoding) as problems too.
  const app = Fastify({ frameworkErrors: problemHandler() });
  const actor = (request: FastifyRequest) => actorFromHeaders(request.headers);
  const policy = { limit: RATE_LIMIT, windowMs: RATE_WINDOW_MS, now: clock.now };
  // notFoundHandler: an unmatched route is answered with the canonical 404.
  await app.register(tenantryPlugin, { notFoundHandler: true });

  await app.register(
    (tenants, _options, done) => {
      tenants.addHook('preHandler', tenantContext(tenantry, { actor, wwwAuthenticate: WWW_AUTHENTICATE }));
      tenants.get('/', (request) => ({ tenantId: tenantOf(tenantry, request).tenantId }));
      tenants.get('/billing', { preHandler: requireCapability(tenantry, 'billing.read') }, (request) => billingBody(tenantOf(tenantry, request)));
      tenants.post('/members', { preHandler: requireCapability(tenantry, 'membership.manage') }, async (request, reply) => {
        return reply.code(201).send(await addMember(tenantry, tenantOf(tenantry, request), request.body));
      });
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
      const tokenGuard = requireEntitlement(entitlements, 'ai.tokens', (request) => tokensFrom(request.body));
      tenants.post('/ai', { preHandler: tokenGuard }, (request) => consumptionBody(entitlementOf(entitlements, request, 'ai.tokens')));
      tenants.post('/metered', { preHandler: [requireEntitlement(entitlements, 'api.requests', 1), tokenGuard] }, (request) => ({
        requests: consumptionBody(entitlementOf(entitlements, request, 'api.requests')),
        tokens: consumptionBody(entitlementOf(entitlements, request, 'ai.tokens')),
      }));
      const imageGuard = requireEntitlement(entitlements, 'ai.tokens.images', 5, {
        idempotencyKeyHeader: 'X-Request-Id',
        namespace: (request) => {
          const project = request.headers['x-project'];
          return typeof project === 'string' ? project : undefined;
        },
      });
      tenants.post('/images', { preHandler: imageGuard }, (request) => consumptionBody(entitlementOf(entitlements, request, 'ai.tokens.images')));
      tenants.get('/limited', { preHandler: rateLimit({ store: rateLimitStore, ...policy }) }, () => ({ ok: true }));
      done();
    },
    { prefix: '/tenants/:tenantId' },
  );

  app.get('/by-header', { preHandler: tenantContext(tenantry, { actor, tenantId: { header: 'X-Tenant-Id' } }) }, (request) => ({
    tenantId: tenantOf(tenantry, request).tenantId,
  }));
  app.get('/unguarded/billing', { preHandler: requireCapability(tenantry, 'billing.read') }, () => ({ reached: true }));
  app.post('/unguarded/ai', { preHandler: requireEntitlement(entitlements, 'ai.tokens', 1) }, () => ({ reached: true }));
  const byBucket = rateLimit({
    store: rateLimitStore,
    ...policy,
    name: 'bucket',
    key: (request) => (request.params as { bucket: string }).bucket,
    cost: (request) => costFrom(request.headers),
  });
  app.get<{ Params: { bucket: string } }>('/limited/:bucket', { onRequest: byBucket }, (request) => ({ bucket: request.params.bucket }));
  app.get('/limited-by-ip', { onRequest: rateLimit({ store: rateLimitStore, ...policy, name: 'by-ip' }) }, () => ({ ok: true }));
  app.get('/rate-broken', { preHandler: rateLimit({ store: brokenRateLimitStore, ...policy }) }, () => ({ reached: true }));
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
