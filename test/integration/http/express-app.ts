import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { entitlementOf, notFoundHandler, problemHandler, rateLimit, requireCapability, requireEntitlement, tenantContext, tenantOf } from 'tenantry/express';
import type { HarnessOptions, HttpHarness, HttpRequest, HttpResult } from './http-cases.js';
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

/** The scenario application (see `Scenario`) on Express. */
export function buildExpressScenarioApp(scenario: Scenario, options: HarnessOptions = {}): Express {
  const { tenantry, brokenTenantry, buggyTenantry } = scenario;
  const app = express();
  app.use(express.json());
  const userId = (req: express.Request) => userFromHeaders(req.headers);
  const policy = { limit: RATE_LIMIT, windowMs: RATE_WINDOW_MS };

  const tenants = express.Router({ mergeParams: true });
  tenants.use(tenantContext(tenantry, { userId, wwwAuthenticate: WWW_AUTHENTICATE }));
  tenants.get('/', (req, res) => {
    const { tenantId, userId: user } = tenantOf(tenantry, req);
    res.json({ tenantId, userId: user });
  });
  tenants.get('/billing', requireCapability(tenantry, 'billing.read'), async (req, res) => {
    res.json(await billingBody(tenantOf(tenantry, req)));
  });
  tenants.post('/members', requireCapability(tenantry, 'membership.manage'), async (req, res) => {
    res.status(201).json(await addMember(tenantOf(tenantry, req), req.body));
  });
  tenants.post('/members/:userId/role', requireCapability(tenantry, 'tenant.manage'), async (req, res) => {
    res.json(await changeRole(tenantOf(tenantry, req), String(req.params['userId']), req.body));
  });
  tenants.post('/plan', async (req, res) => {
    res.json(await assignPlan(tenantOf(tenantry, req)));
  });
  tenants.get('/errors/:code', (req) => {
    throw errorFor(String(req.params['code']));
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
  const tokenGuard = requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: (req) => tokensFrom(req.body) });
  tenants.post('/ai', tokenGuard, (req, res) => {
    res.json(consumptionBody(entitlementOf(req, 'ai.tokens')));
  });
  tenants.post('/metered', requireEntitlement(tenantry, { featureKey: 'api.requests', amount: 1 }), tokenGuard, (req, res) => {
    res.json({ requests: consumptionBody(entitlementOf(req, 'api.requests')), tokens: consumptionBody(entitlementOf(req, 'ai.tokens')) });
  });
  const imageGuard = requireEntitlement(tenantry, {
    featureKey: 'ai.tokens.images',
    amount: 5,
    idempotencyKeyHeader: 'X-Request-Id',
    onReplay: 'pass',
    namespace: (req) => req.get('x-project'),
  });
  tenants.post('/images', imageGuard, (req, res) => {
    res.json(consumptionBody(entitlementOf(req, 'ai.tokens.images')));
  });
  tenants.get('/limited', rateLimit(tenantry, { name: 'member', ...policy }), (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/tenants/:tenantId', tenants);

  app.get('/by-header', tenantContext(tenantry, { userId, tenantId: { header: 'X-Tenant-Id' } }), (req, res) => {
    res.json({ tenantId: tenantOf(tenantry, req).tenantId });
  });
  app.get('/gateway/:tenantId', tenantContext(tenantry, { userId: { header: 'X-Gateway-User' } }), (req, res) => {
    const { tenantId, userId: user } = tenantOf(tenantry, req);
    res.json({ tenantId, userId: user });
  });
  app.get('/unguarded/billing', requireCapability(tenantry, 'billing.read'), (_req, res) => {
    res.json({ reached: true });
  });
  app.post('/unguarded/ai', requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: 1 }), (_req, res) => {
    res.json({ reached: true });
  });
  const byBucket = rateLimit(tenantry, { name: 'bucket', ...policy, key: (req) => String(req.params['bucket']), cost: (req) => costFrom(req.headers) });
  app.get('/limited/:bucket', byBucket, (req, res) => {
    res.json({ bucket: req.params['bucket'] });
  });
  app.get('/limited-by-ip', rateLimit(tenantry, { name: 'by-ip', ...policy }), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/rate-broken', rateLimit(brokenTenantry, { name: 'broken', ...policy }), (_req, res) => {
    res.json({ reached: true });
  });
  app.get('/rate-buggy', rateLimit(buggyTenantry, { name: 'buggy', ...policy }), (_req, res) => {
    res.json({ reached: true });
  });

  // After every route: an unmatched one is answered with the canonical 404.
  app.use(notFoundHandler());
  app.use(problemHandler(problemOptionsOf(scenario, options)));
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
