import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROBLEM_CATALOG, problemTypeOf, type ProblemDetails } from 'tenantry/express';
import { describeEntitlementGuard } from './entitlement-cases.js';
import { createScenario, ERROR_CODES, WWW_AUTHENTICATE, type Scenario } from './http-scenario.js';
import { expectNoSecrets, problemOf } from './problem-assertions.js';
import { describeRateLimit } from './rate-limit-cases.js';
import type { RawRequest } from './raw-request.js';

/** One request, framework-neutral. */
export interface HttpRequest {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  /** Sent as `x-user-id`; omitted means unauthenticated. */
  readonly user?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as the body with `content-type: application/json`; a string is sent verbatim. */
  readonly json?: unknown;
}

/** One response, with lower-case header names. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A client of an app under test; `close()` releases every resource. */
export interface HttpClient {
  readonly send: (request: HttpRequest) => Promise<HttpResult>;
  readonly close: () => Promise<void>;
}

/** An app under test, started on the scenario and listening on a real socket for `sendRaw`. */
export interface HttpHarness extends HttpClient {
  /** Writes the request line as given, for targets `fetch` and `inject()` normalize (absolute form, `//host`). */
  readonly sendRaw: (request: RawRequest) => Promise<HttpResult>;
}

/** Builds and starts the scenario app (see `Scenario`) for one adapter. */
export type StartHarness = (scenario: Scenario) => Promise<HttpHarness>;

/** Headers that legitimately differ between two otherwise identical responses. */
const PER_RESPONSE_HEADERS = new Set(['date', 'connection', 'keep-alive']);

/** Status, headers (minus the per-response ones) and body: what must be byte-identical. */
export function fingerprint(result: HttpResult): { status: number; headers: Record<string, string>; body: string } {
  const headers = Object.fromEntries(Object.entries(result.headers).filter(([name]) => !PER_RESPONSE_HEADERS.has(name)));
  return { status: result.status, headers, body: result.body };
}

/**
 * The behaviour table both adapters must satisfy, entitlement guard and rate
 * limiting included. Each adapter's test file calls this with a function
 * that starts its app on a fresh scenario.
 */
export function describeHttpAdapter(adapter: string, start: StartHarness): void {
  describeEntitlementGuard(adapter, start);
  describeRateLimit(adapter, start);
  describe(`${adapter}: tenant context, guards and problem responses`, () => {
    let scenario: Scenario;
    let http: HttpHarness;
    const unknownTenant = '00000000-0000-4000-8000-000000000000';

    beforeAll(async () => {
      scenario = await createScenario();
      http = await start(scenario);
    });
    afterAll(async () => {
      // Optional: if start-up failed, that failure is the one to report.
      await (http as HttpHarness | undefined)?.close();
    });
    beforeEach(() => {
      scenario.store.reset();
    });

    it('answers 200 for a member, with the validated tenant id on the request', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}`, user: 'bob' });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ tenantId: scenario.tenantId });
    });

    it('lets a member through a capability guard their role satisfies', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'alice' });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ tenantId: scenario.tenantId, canWrite: true });
    });

    it('answers 403 forbidden for a member lacking the capability, naming the capability and the path', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/billing?token=secret-token`, user: 'bob' });
      expect(result.status).toBe(403);
      expect(problemOf(result)).toEqual({
        type: 'https://tenantry.dev/problems/forbidden',
        title: 'Forbidden',
        status: 403,
        detail: PROBLEM_CATALOG.forbidden.detail,
        instance: `/tenants/${scenario.tenantId}/billing`,
        code: 'forbidden',
        capability: 'billing.read',
      });
      expect(result.body).not.toContain('secret-token');
    });

    it('answers a byte-identical 404 for a non-member, an unknown tenant, a malformed id and a NotFoundError', async () => {
      const responses = await Promise.all([
        http.send({ path: `/tenants/${scenario.tenantId}`, user: 'mallory' }),
        http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'mallory' }),
        http.send({ path: `/tenants/${unknownTenant}`, user: 'alice' }),
        http.send({ path: '/tenants/not-a-tenant-id', user: 'alice' }),
        http.send({ path: `/tenants/${scenario.tenantId.toUpperCase()}/billing`, user: 'alice' }),
        http.send({ path: '/by-header', user: 'alice', headers: { 'x-tenant-id': 'not-a-tenant-id' } }),
        http.send({ path: '/by-header', user: 'alice' }),
        http.send({ path: `/tenants/${scenario.tenantId}/not-found`, user: 'alice' }),
      ]);
      const [first, ...rest] = responses.map(fingerprint);
      expect(first?.status).toBe(404);
      for (const other of rest) expect(other).toEqual(first);
      expect(problemOf(responses[0])).toEqual({
        type: 'https://tenantry.dev/problems/not-found',
        title: 'Not Found',
        status: 404,
        detail: PROBLEM_CATALOG.not_found.detail,
        code: 'not_found',
      });
      expect(responses[0].body).not.toContain(scenario.tenantId);
    });

    it('answers an unmatched route with the canonical 404, byte-identical to a tenant 404, echoing nothing', async () => {
      const probe = 'probe-secret-path';
      const tenant404 = fingerprint(await http.send({ path: `/tenants/${scenario.tenantId}`, user: 'mallory' }));
      const unmatched = await Promise.all([
        http.send({ path: `/${probe}` }),
        http.send({ path: `/${probe}/deeper?token=${probe}`, user: 'alice' }),
        http.send({ method: 'POST', path: `/${probe}`, json: { probe } }),
        // A member, on a sub-path of the tenant routes that no route serves.
        http.send({ path: `/tenants/${scenario.tenantId}/${probe}`, user: 'alice' }),
        // A route that exists, with a method it does not serve.
        http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/billing`, user: 'alice' }),
        http.sendRaw({ target: `http://evil.example/${probe}` }),
        http.sendRaw({ target: `//evil.example/${probe}` }),
      ]);
      for (const result of unmatched) {
        expect(fingerprint(result)).toEqual(tenant404);
        expect(result.body).not.toContain(probe);
      }
      expect(tenant404).toMatchObject({ status: 404, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' } });
    });

    it.each([
      ['an absolute-form target', (path: string) => `http://evil.example${path}?token=secret-token`],
      ['an absolute-form target with user info, a port and an upper-case scheme', (path: string) => `HTTPS://user:secret-token@evil.example:8443${path}`],
    ])('derives instance from the path of %s only, never naming another origin', async (_case, target) => {
      const path = `/tenants/${scenario.tenantId}/billing`;
      const result = await http.sendRaw({ target: target(path), user: 'bob' });
      expect(result.status).toBe(403);
      expect(problemOf(result)).toMatchObject({ code: 'forbidden', instance: path });
      expect(result.body).not.toContain('evil.example');
      expect(result.body).not.toContain('secret-token');
    });

    it.each([
      ['//evil.example/%zz', '/evil.example/%zz'],
      ['/\\evil.example/%zz', '/evil.example/%zz'],
      ['http://evil.example//evil.example/%zz', '/evil.example/%zz'],
    ])('never renders %s as a protocol-relative instance', async (target, instance) => {
      // A broken body (Express parses it on every path) and broken percent-encoding (Fastify's router
      // refuses it before routing): a 400 with an instance on either framework, on a path no route serves.
      const result = await http.sendRaw({ method: 'POST', target, json: '{"probe": ' });
      expect(result.status).toBe(400);
      expect(problemOf(result)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, instance });
    });

    it('renders a malformed header under its lower-case name, without echoing the value', async () => {
      const rejected = 'secret-token with spaces';
      const result = await http.send({
        method: 'POST',
        path: `/tenants/${scenario.tenantId}/images`,
        user: 'bob',
        headers: { 'X-Request-Id': rejected, 'x-project': 'apollo' },
      });
      expect(result.status).toBe(400);
      const problem = problemOf(result);
      expect(problem).toMatchObject({ code: 'validation_failed', instance: `/tenants/${scenario.tenantId}/images` });
      expect((problem.issues as { path: unknown }[]).map((issue) => issue.path)).toEqual([['headers', 'x-request-id']]);
      expect(result.body).not.toContain('secret-token');
    });

    it('emits one denial event, without a capability, for each tenant-context 404', async () => {
      scenario.denials.length = 0;
      await http.send({ path: `/tenants/${scenario.otherTenantId}`, user: 'bob' });
      await http.send({ path: '/tenants/not-a-uuid', user: 'bob' });
      expect(scenario.denials).toEqual([
        { capability: null, tenantId: scenario.otherTenantId, userId: 'bob', reason: 'not_member', status: 404 },
        { capability: null, tenantId: null, userId: 'bob', reason: 'malformed_tenant_id', status: 404 },
      ]);
    });

    it('never reaches storage for a malformed tenant id', async () => {
      // 65 characters: one past the longest tenant id (Fastify refuses params over 100 itself, with 414).
      const malformed = ['not-a-uuid', encodeURIComponent("' OR 1=1 --"), 'ABCDEF00-0000-4000-8000-000000000000', 'x'.repeat(65)];
      for (const id of malformed) {
        expect((await http.send({ path: `/tenants/${id}/billing`, user: 'alice' })).status).toBe(404);
        expect((await http.send({ path: '/by-header', user: 'alice', headers: { 'x-tenant-id': id } })).status).toBe(404);
      }
      expect(scenario.store.total()).toBe(0);
    });

    it('looks the membership up once per request, across tenantContext, requireCapability and handler checks', async () => {
      await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'alice' });
      expect(scenario.store.counts.findMembership).toBe(1);
      expect(scenario.store.total()).toBe(1);
      // A new request has a new scope: one more lookup, not zero (no hidden cross-request cache).
      await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'alice' });
      expect(scenario.store.counts.findMembership).toBe(2);
    });

    it('answers 401 unauthenticated, with the configured challenge, before any storage access', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}` });
      expect(result.status).toBe(401);
      expect(result.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(problemOf(result)).toMatchObject({ type: problemTypeOf('unauthenticated'), status: 401, code: 'unauthenticated' });
      expect(scenario.store.total()).toBe(0);
    });

    it('answers 400 validation_failed with issues that do not echo the input', async () => {
      const rejected = 'not-a-role-but-a-secret';
      const result = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members`, user: 'alice', json: { userId: '', role: rejected } });
      expect(result.status).toBe(400);
      const problem = problemOf(result);
      expect(problem).toMatchObject({ type: problemTypeOf('validation_failed'), code: 'validation_failed', status: 400 });
      const paths = (problem.issues as { path: string[] }[]).map((issue) => issue.path.join('.'));
      expect([...new Set(paths)].sort()).toEqual(['role', 'userId']);
      expect(result.body).not.toContain(rejected);
    });

    it('answers 400 validation_failed for a malformed actor id', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}`, user: 'u'.repeat(300) });
      expect(result.status).toBe(400);
      expect(problemOf(result).code).toBe('validation_failed');
    });

    it('creates a member (201) and answers 409 already_exists for a duplicate', async () => {
      const body = { userId: 'carol', role: 'readonly' };
      const created = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members`, user: 'alice', json: body });
      expect(created.status).toBe(201);
      expect(JSON.parse(created.body)).toEqual({ tenantId: scenario.tenantId, ...body });
      const duplicate = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members`, user: 'alice', json: body });
      expect(duplicate.status).toBe(409);
      expect(problemOf(duplicate)).toMatchObject({ code: 'already_exists', type: problemTypeOf('already_exists') });
    });

    it('renders a framework 4xx (a malformed JSON body) with its status and no message', async () => {
      const result = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members`, user: 'alice', json: '{"userId": ' });
      expect(result.status).toBe(400);
      expect(problemOf(result)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, instance: `/tenants/${scenario.tenantId}/members` });
    });

    it.each(ERROR_CODES)('renders %s with its catalogued status, type, title and code, leaking nothing', async (code) => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/errors/${code}`, user: 'alice' });
      const entry = PROBLEM_CATALOG[code];
      expect(result.status).toBe(entry.status);
      const problem = problemOf(result);
      expect(problem).toMatchObject({ type: problemTypeOf(code), title: entry.title, status: entry.status, detail: entry.detail, code });
      expect(problem.instance).toBe(code === 'not_found' ? undefined : `/tenants/${scenario.tenantId}/errors/${code}`);
      expectNoSecrets(result);
    });

    it('adds the documented extension members', async () => {
      const get = async (code: string) => JSON.parse((await http.send({ path: `/tenants/${scenario.tenantId}/errors/${code}`, user: 'alice' })).body) as ProblemDetails;
      expect(await get('limit_exceeded')).toMatchObject({ feature: 'seats', limit: 5, used: 5, requested: 1 });
      expect(await get('feature_not_enabled')).toMatchObject({ feature: 'sso' });
      expect(await get('forbidden')).toMatchObject({ capability: 'billing.manage' });
      expect(await get('validation_failed')).toMatchObject({ issues: [{ path: ['userId'], message: 'Required' }] });
      expect(Object.keys(await get('package_not_found'))).toEqual(['type', 'title', 'status', 'detail', 'instance', 'code']);
    });

    it('answers 500 for an unknown capability, never an allow, without naming it', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/unknown-capability`, user: 'alice' });
      expect(result.status).toBe(500);
      expect(problemOf(result)).toMatchObject({ code: 'unknown_capability', type: problemTypeOf('unknown_capability') });
      expectNoSecrets(result);
    });

    it('answers a generic 500 for an error that is not a tenantry error', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/crash`, user: 'alice' });
      expect(result.status).toBe(500);
      expect(problemOf(result)).toEqual({
        type: 'https://tenantry.dev/problems/internal-error',
        title: 'Internal Server Error',
        status: 500,
        detail: PROBLEM_CATALOG.internal_error.detail,
        instance: `/tenants/${scenario.tenantId}/crash`,
        code: 'internal_error',
      });
      expectNoSecrets(result);
    });

    it('answers 500 configuration_invalid when requireCapability runs without tenantContext', async () => {
      const result = await http.send({ path: '/unguarded/billing', user: 'alice' });
      expect(result.status).toBe(500);
      expect(problemOf(result).code).toBe('configuration_invalid');
    });

    it('accepts the tenant id from a header', async () => {
      const result = await http.send({ path: '/by-header', user: 'bob', headers: { 'x-tenant-id': scenario.tenantId } });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ tenantId: scenario.tenantId });
    });
  });
}
