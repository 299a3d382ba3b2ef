import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { entitlementOf, notFoundHandler, problemHandler, rateLimit, requireCapability, requireEntitlement, tenantContext, tenantOf } from 'tenantry/express';
import type { HttpHarness, HttpRequest, HttpResult } from './http-cases.js';
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

/** The scenario application (see `Scenario`) on Express. */
export function buildExpressScenarioApp({ tenantry, entitlements, rateLimitStore, brokenRateLimitStore, clock }: Scenario): Express {
  const app = express();
  app.use(express.json());
  const actor = (req: express.Request) => actorFromHeaders(req.headers);
  const policy = { limit: RATE_LIMIT, windowMs: RATE_WINDOW_MS, now: clock.now };

  const tenants = express.Router({ mergeParams: true });
  tenants.use(tenantContext(tenantry, { actor, wwwAuthenticate: WWW_AUTHENTICATE }));
  tenants.get('/', (req, res) => {
    res.json({ tenantId: tenantOf(tenantry, req).tenantId });
  });
  tenants.get('/billing', requireCapability(tenantry, 'billing.read'), async (req, res) => {
    res.json(await billingBody(tenantOf(tenantry, req)));
  });
  tenants.post('/members', requireCapability(tenantry, 'membership.manage'), async (req, res) => {
    res.status(201).json(await addMember(tenantry, tenantOf(tenantry, req), req.body));
  });
  tenants.get('/errors/:code', (req) => {
    throw errorFor(req.params.code);
  });
  tenants.get('/not-found', () => {
    throw errorFor('not_found');
  });
  tenants.get('/unknown-capability', async (req, res) => {
    res.json(await checkUnknownCapability(tenantOf(tenantry, req)));
  });
  tenants.get('/crash', () => {
    throw new Error(SECRET_MESSAGE);
  });
  const tokenGuard = requireEntitlement(entitlements, 'ai.tokens', (req) => tokensFrom(req.body));
  tenants.post('/ai', tokenGuard, (req, res) => {
    res.json(consumptionBody(entitlementOf(entitlements, req, 'ai.tokens')));
  });
  tenants.post('/metered', requireEntitlement(entitlements, 'api.requests', 1), tokenGuard, (req, res) => {
    res.json({
      requests: consumptionBody(entitlementOf(entitlements, req, 'api.requests')),
      tokens: consumptionBody(entitlementOf(entitlements, req, 'ai.tokens')),
    });
  });
  const imageGuard = requireEntitlement(entitlements, 'ai.tokens.images', 5, {
    idempotencyKeyHeader: 'X-Request-Id',
    namespace: (req) => req.get('x-project'),
  });
  tenants.post('/images', imageGuard, (req, res) => {
    res.json(consumptionBody(entitlementOf(entitlements, req, 'ai.tokens.images')));
  });
  tenants.get('/limited', rateLimit({ store: rateLimitStore, ...policy }), (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/tenants/:tenantId', tenants);

  app.get('/by-header', tenantContext(tenantry, { actor, tenantId: { header: 'X-Tenant-Id' } }), (req, res) => {
    res.json({ tenantId: tenantOf(tenantry, req).tenantId });
  });
  app.get('/unguarded/billing', requireCapability(tenantry, 'billing.read'), (_req, res) => {
    res.json({ reached: true });
  });
  app.post('/unguarded/ai', requireEntitlement(entitlements, 'ai.tokens', 1), (_req, res) => {
    res.json({ reached: true });
  });
  const byBucket = rateLimit({ store: rateLimitStore, ...policy, name: 'bucket', key: (req) => String(req.params['bucket']), cost: (req) => costFrom(req.headers) });
  app.get('/limited/:bucket', byBucket, (req, res) => {
    res.json({ bucket: req.params.bucket });
  });
  app.get('/limited-by-ip', rateLimit({ store: rateLimitStore, ...policy, name: 'by-ip' }), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/rate-broken', rateLimit({ store: brokenRateLimitStore, ...policy }), (_req, res) => {
    res.json({ reached: true });
  });

  // After every route: an unmatched one is answered with the canonical 404.
  app.use(notFoundHandler());
  app.use(problemHandler());
  return app;
}

/** Starts `app` on an ephemeral loopback port and talks to it with `fetch` (or raw bytes on a socket). */
export async function listenExpress(app: Express): Promise<HttpHarness> {
  const server = await new Promise<ReturnType<Express['listen']>>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error) reject(error);
      else resolve(listening);
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    send: (request) => fetchFrom(origin, request),
    sendRaw: (request) => sendRaw(origin, request),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        // fetch keeps connections alive; close them so close() resolves at once.
        server.closeAllConnections();
      }),
  };
}

/** Sends one request over the network and reads the whole response. */
export async function fetchFrom(origin: string, request: HttpRequest): Promise<HttpResult> {
  const headers = new Headers(request.headers);
  if (request.user !== undefined) headers.set('x-user-id', request.user);
  let body: string | undefined;
  if (request.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = typeof request.json === 'string' ? request.json : JSON.stringify(request.json);
  }
  const init: RequestInit = body === undefined ? { method: request.method ?? 'GET', headers } : { method: request.method ?? 'GET', headers, body };
  const response = await fetch(origin + request.path, init);
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}
