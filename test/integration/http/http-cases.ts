import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROBLEM_CATALOG, problemTypeOf, type ProblemDetails, type ProblemExtender } from 'tenantry/express';
import { describeEntitlementGuard } from './entitlement-cases.js';
import { createScenario, ERROR_CODES, SECRET_MESSAGE, WWW_AUTHENTICATE, type Scenario } from './http-scenario.js';
import { expectNoSecrets, problemOf } from './problem-assertions.js';
import { describeProblemOptions } from './problem-option-cases.js';
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

/** How a test app's problem handler is configured; by default it records 5xx errors in `scenario.serverErrors`. */
export interface HarnessOptions {
  readonly typeBase?: string;
  readonly extend?: ProblemExtender<{ readonly headers: IncomingHttpHeaders }>;
  /** Leave `onServerError` at the adapter's default (logging) instead of recording. */
  readonly defaultReporting?: boolean;
}

/** Builds and starts the scenario app (see `Scenario`) for one adapter. */
export type StartHarness = (scenario: Scenario, options?: HarnessOptions) => Promise<HttpHarness>;

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
  describeProblemOptions(adapter, start);
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
      scenario.serverErrors.length = 0;
    });

    it('answers 200 for a member, with the validated tenant id and the user on the request', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}`, user: 'bob' });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ tenantId: scenario.tenantId, userId: 'bob' });
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
      const bob = { type: 'user', id: 'bob' };
      expect(scenario.denials).toEqual([
        { capability: null, tenantId: scenario.otherTenantId, actor: bob, reason: 'not_member', status: 404 },
        { capability: null, tenantId: null, actor: bob, reason: 'malformed_tenant_id', status: 404 },
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
      expect(scenario.store.counts.findActiveMembership).toBe(1);
      expect(scenario.store.total()).toBe(1);
      // A new request has a new scope: one more lookup, not zero (no hidden cross-request cache).
      await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'alice' });
      expect(scenario.store.counts.findActiveMembership).toBe(2);
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
      const result = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members`, user: 'alice', json: { userId: '', role: [rejected] } });
      expect(result.status).toBe(400);
      const problem = problemOf(result);
      expect(problem).toMatchObject({ type: problemTypeOf('validation_failed'), code: 'validation_failed', status: 400 });
      const paths = (problem.issues as { path: string[] }[]).map((issue) => issue.path.join('.'));
      expect([...new Set(paths)].sort()).toEqual(['role', 'userId']);
      expect(result.body).not.toContain(rejected);
    });

    it('answers 400 unknown_role, the one code for a role that is not declared, without echoing it', async () => {
      const rejected = 'not-a-role-but-a-secret';
      const result = await http.send({
        method: 'POST',
        path: `/tenants/${scenario.tenantId}/members`,
        user: 'alice',
        json: { userId: 'erin', role: rejected },
      });
      expect(result.status).toBe(400);
      expect(problemOf(result)).toEqual({
        type: problemTypeOf('unknown_role'),
        title: 'Unknown Role',
        status: 400,
        detail: PROBLEM_CATALOG.unknown_role.detail,
        instance: `/tenants/${scenario.tenantId}/members`,
        code: 'unknown_role',
      });
      expect(result.body).not.toContain(rejected);
    });

    it('answers 400 validation_failed for a malformed user id from the resolver, in our own words', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}`, user: 'u'.repeat(300) });
      expect(result.status).toBe(400);
      const problem = problemOf(result);
      expect(problem.code).toBe('validation_failed');
      expect(problem.issues).toEqual([{ path: ['userId'], message: 'Must be at most 255 characters.' }]);
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

    it.each(ERROR_CODES)('renders %s with its catalogued status, type, title and code, leaking nothing, and reports it when 5xx', async (code) => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/errors/${code}`, user: 'alice' });
      const entry = PROBLEM_CATALOG[code];
      expect(result.status).toBe(entry.status);
      const problem = problemOf(result);
      expect(problem).toMatchObject({ type: problemTypeOf(code), title: entry.title, status: entry.status, detail: entry.detail, code });
      expect(problem.instance).toBe(code === 'not_found' ? undefined : `/tenants/${scenario.tenantId}/errors/${code}`);
      expectNoSecrets(result);
      // onServerError sees exactly the 5xx errors, as thrown.
      expect(scenario.serverErrors.map((error) => (error as { code?: unknown }).code)).toEqual(entry.status >= 500 ? [code] : []);
    });

    it('adds the documented extension members', async () => {
      const get = async (code: string) =>
        JSON.parse((await http.send({ path: `/tenants/${scenario.tenantId}/errors/${code}`, user: 'alice' })).body) as ProblemDetails;
      expect(await get('limit_exceeded')).toMatchObject({ featureKey: 'seats', limit: 5, used: 5, requested: 1 });
      expect(await get('feature_not_enabled')).toMatchObject({ featureKey: 'sso' });
      expect(await get('forbidden')).toMatchObject({ capability: 'billing.manage' });
      expect(await get('owner_required')).toMatchObject({ reason: 'owner_role' });
      expect(await get('delegation_denied')).toMatchObject({ reason: 'role_exceeds_actor', capability: 'billing.manage' });
      expect(Object.keys(await get('actor_not_allowed'))).toEqual(['type', 'title', 'status', 'detail', 'instance', 'code']);
      expect(await get('validation_failed')).toMatchObject({ issues: [{ path: ['userId'], message: 'Required' }] });
      expect(Object.keys(await get('package_not_found'))).toEqual(['type', 'title', 'status', 'detail', 'instance', 'code']);
    });

    it('answers 500 for an unknown capability, never an allow, without naming it', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/unknown-capability`, user: 'alice' });
      expect(result.status).toBe(500);
      expect(problemOf(result)).toMatchObject({ code: 'unknown_capability', type: problemTypeOf('unknown_capability') });
      expectNoSecrets(result);
    });

    it('answers a generic 500 for an error that is not a tenantry error, and reports the error', async () => {
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/crash`, user: 'alice' });
      expect(scenario.serverErrors).toEqual([new Error(SECRET_MESSAGE)]);
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

    it('answers 403 delegation_denied when a non-owner manager changes their own role, and audits the refusal', async () => {
      const result = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members/dave/role`, user: 'dave', json: { role: 'operator' } });
      expect(result.status).toBe(403);
      expect(problemOf(result)).toEqual({
        type: problemTypeOf('delegation_denied'),
        title: 'Delegation Denied',
        status: 403,
        detail: PROBLEM_CATALOG.delegation_denied.detail,
        instance: `/tenants/${scenario.tenantId}/members/dave/role`,
        code: 'delegation_denied',
        reason: 'own_role',
        capability: null,
      });
      const page = await scenario.system.members.list({ tenantId: scenario.tenantId });
      expect(page.items.find((member) => member.userId === 'dave')?.role).toBe('manager');
      const audit = await scenario.system.audit.list({ tenantId: scenario.tenantId, limit: 1 });
      expect(audit.items[0]).toMatchObject({ action: 'tenant_membership.denied', subjectUserId: 'dave' });
    });

    it('answers 403 owner_required, not forbidden, when a non-owner manager grants the owner role', async () => {
      const result = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members/bob/role`, user: 'dave', json: { role: 'owner' } });
      expect(result.status).toBe(403);
      const problem = problemOf(result);
      expect(problem).toMatchObject({ type: problemTypeOf('owner_required'), title: 'Owner Required', code: 'owner_required', reason: 'owner_role' });
      expect(problem).not.toHaveProperty('capability');
    });

    it('lets a non-owner manager change a role within their own capabilities', async () => {
      const demoted = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members/bob/role`, user: 'dave', json: { role: 'readonly' } });
      expect(demoted.status).toBe(200);
      expect(JSON.parse(demoted.body)).toEqual({ userId: 'bob', role: 'readonly' });
      const restored = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/members/bob/role`, user: 'dave', json: { role: 'operator' } });
      expect(JSON.parse(restored.body)).toEqual({ userId: 'bob', role: 'operator' });
    });

    it('answers 403 actor_not_allowed when a handler provisions through a user scope, changing nothing', async () => {
      const result = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/plan`, user: 'alice' });
      expect(result.status).toBe(403);
      expect(problemOf(result)).toEqual({
        type: problemTypeOf('actor_not_allowed'),
        title: 'Actor Not Allowed',
        status: 403,
        detail: PROBLEM_CATALOG.actor_not_allowed.detail,
        instance: `/tenants/${scenario.tenantId}/plan`,
        code: 'actor_not_allowed',
      });
      expect(scenario.serverErrors).toEqual([]);
      const report = await scenario.system.usage.report({ tenantId: scenario.tenantId });
      expect(report.features.find((entry) => entry.featureKey === 'ai.tokens')?.limit).toBe(1_000);
    });

    describe('the user id from a gateway header', () => {
      const gateway = (headers: Record<string, string>, tenantId = scenario.tenantId) => http.send({ path: `/gateway/${tenantId}`, headers });

      it('establishes the context for a member', async () => {
        const result = await gateway({ 'X-Gateway-User': 'bob' });
        expect(result.status).toBe(200);
        expect(JSON.parse(result.body)).toEqual({ tenantId: scenario.tenantId, userId: 'bob' });
      });

      it('answers 401 without the header, before any storage access', async () => {
        const result = await gateway({});
        expect(result.status).toBe(401);
        expect(problemOf(result)).toMatchObject({ code: 'unauthenticated', instance: `/gateway/${scenario.tenantId}` });
        expect(result.headers).not.toHaveProperty('www-authenticate');
        expect(scenario.store.total()).toBe(0);
      });

      it.each([
        ['empty', '', 'Must not be empty.'],
        ['over-long', 'u'.repeat(256), 'Must be at most 255 characters.'],
      ])('answers 400 validation_failed for an %s header, under the header path, without echoing it or touching storage', async (_case, value, message) => {
        const result = await gateway({ 'X-Gateway-User': value });
        expect(result.status).toBe(400);
        const problem = problemOf(result);
        expect(problem).toMatchObject({ code: 'validation_failed', instance: `/gateway/${scenario.tenantId}` });
        expect(problem.issues).toEqual([{ path: ['headers', 'x-gateway-user'], message }]);
        if (value !== '') expect(result.body).not.toContain(value);
        expect(scenario.store.total()).toBe(0);
      });

      it('answers the canonical 404 for a non-member, like the resolver form', async () => {
        const viaHeader = await gateway({ 'X-Gateway-User': 'mallory' });
        const viaResolver = await http.send({ path: `/tenants/${scenario.tenantId}`, user: 'mallory' });
        expect(fingerprint(viaHeader)).toEqual(fingerprint(viaResolver));
      });
    });
  });
}
