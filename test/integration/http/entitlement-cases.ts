import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROBLEM_CATALOG, problemTypeOf } from 'tenantry/express';
import type { HttpHarness, HttpResult, StartHarness } from './http-cases.js';
import { createScenario, usedOf, type Scenario } from './http-scenario.js';
import { problemOf } from './problem-assertions.js';

const KEY_ISSUE = 'Idempotency keys are 1 to 128 printable ASCII characters without spaces, sent once, bare or as a quoted string.';

/**
 * The entitlement guard's behaviour on one adapter: the scenario's tenant is
 * on the `free` package (1000 `ai.tokens` a month), the other tenant on none.
 * Usage accumulates across the cases, so each compares before and after.
 */
export function describeEntitlementGuard(adapter: string, start: StartHarness): void {
  describe(`${adapter}: entitlement guard`, () => {
    let scenario: Scenario;
    let http: HttpHarness;

    beforeAll(async () => {
      scenario = await createScenario();
      http = await start(scenario);
    });
    afterAll(async () => {
      await (http as HttpHarness | undefined)?.close();
    });
    beforeEach(() => {
      scenario.store.reset();
    });

    function consumeTokens(tokens: unknown, headers: Readonly<Record<string, string>> = {}, as = { user: 'alice', tenantId: '' }): Promise<HttpResult> {
      const tenantId = as.tenantId === '' ? scenario.tenantId : as.tenantId;
      return http.send({ method: 'POST', path: `/tenants/${tenantId}/ai`, user: as.user, json: { tokens }, headers });
    }

    function usedTokens(featureKey: 'ai.tokens' | 'ai.tokens.images' | 'api.requests' = 'ai.tokens'): Promise<number> {
      return usedOf(scenario, featureKey);
    }

    it('consumes for the request tenant and hands the decision to the handler', async () => {
      const before = await usedTokens();
      const result = await consumeTokens(10);
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ featureKey: 'ai.tokens', namespace: null, requested: 10, used: before + 10, replayed: false });
      expect(await usedTokens()).toBe(before + 10);
    });

    it('counts a request retried with the same Idempotency-Key once, and answers the retry 409 idempotent_replay without running the handler', async () => {
      const key = randomUUID();
      const before = await usedTokens();
      const first = await consumeTokens(25, { 'Idempotency-Key': key });
      const retry = await consumeTokens(25, { 'Idempotency-Key': key });
      // The IETF draft's structured-field spelling names the same key.
      const quoted = await consumeTokens(25, { 'idempotency-key': `"${key}"` });
      expect([first.status, retry.status, quoted.status]).toEqual([200, 409, 409]);
      expect(JSON.parse(first.body)).toMatchObject({ replayed: false, used: before + 25 });
      expect(problemOf(retry)).toMatchObject({ status: 409, code: 'idempotent_replay', type: 'https://tenantry.dev/problems/idempotent-replay' });
      expect(problemOf(quoted).code).toBe('idempotent_replay');
      expect(await usedTokens()).toBe(before + 25);
    });

    it('20 POSTs with one key: the handler runs once, every other answer is 409 idempotent_replay', async () => {
      const key = randomUUID();
      const before = await usedTokens();
      const results = await Promise.all(Array.from({ length: 20 }, () => consumeTokens(3, { 'Idempotency-Key': key })));
      expect(results.filter((result) => result.status === 200)).toHaveLength(1);
      expect(results.filter((result) => result.status === 409 && problemOf(result).code === 'idempotent_replay')).toHaveLength(19);
      expect(await usedTokens()).toBe(before + 3);
    });

    it('the same key with another body is 409 idempotency_conflict (the default fingerprint hashes method, route and body)', async () => {
      const key = randomUUID();
      const before = await usedTokens();
      const send = (json: unknown) =>
        http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/ai`, user: 'alice', json, headers: { 'Idempotency-Key': key } });
      expect((await send({ tokens: 4, prompt: 'a' })).status).toBe(200);
      const other = await send({ tokens: 4, prompt: 'b' });
      expect(other.status).toBe(409);
      expect(problemOf(other).code).toBe('idempotency_conflict');
      expect(problemOf(await send({ tokens: 4, prompt: 'a' })).code).toBe('idempotent_replay');
      expect(await usedTokens()).toBe(before + 4);
    });

    it('one member cannot replay another member’s key: each counts under its own scope', async () => {
      const key = randomUUID();
      const before = await usedTokens();
      const alice = await consumeTokens(2, { 'Idempotency-Key': key });
      const bob = await consumeTokens(2, { 'Idempotency-Key': key }, { user: 'bob', tenantId: scenario.tenantId });
      expect([alice.status, bob.status]).toEqual([200, 200]);
      expect(JSON.parse(bob.body)).toMatchObject({ replayed: false });
      expect(await usedTokens()).toBe(before + 4);
    });

    it('lets one Idempotency-Key cover every guard of a route, each counting once', async () => {
      const key = randomUUID();
      const send = () =>
        http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/metered`, user: 'alice', json: { tokens: 7 }, headers: { 'Idempotency-Key': key } });
      const [requestsBefore, tokensBefore] = [await usedTokens('api.requests'), await usedTokens()];
      const first = JSON.parse((await send()).body) as Record<'requests' | 'tokens', { replayed: boolean; featureKey: string }>;
      const retry = await send();
      expect([first.requests.featureKey, first.tokens.featureKey]).toEqual(['api.requests', 'ai.tokens']);
      expect([first.requests.replayed, first.tokens.replayed]).toEqual([false, false]);
      expect(problemOf(retry).code).toBe('idempotent_replay');
      expect([await usedTokens('api.requests'), await usedTokens()]).toEqual([requestsBefore + 1, tokensBefore + 7]);
    });

    it('answers 409 idempotency_conflict when a key is reused for another amount, consuming nothing', async () => {
      const key = randomUUID();
      expect((await consumeTokens(10, { 'Idempotency-Key': key })).status).toBe(200);
      const before = await usedTokens();
      const reused = await consumeTokens(20, { 'Idempotency-Key': key });
      expect(reused.status).toBe(409);
      expect(problemOf(reused)).toEqual({
        type: problemTypeOf('idempotency_conflict'),
        title: 'Idempotency Conflict',
        status: 409,
        detail: PROBLEM_CATALOG.idempotency_conflict.detail,
        instance: `/tenants/${scenario.tenantId}/ai`,
        code: 'idempotency_conflict',
      });
      expect(await usedTokens()).toBe(before);
    });

    it.each([
      ['with a space', 'two words'],
      ['too long', 'k'.repeat(129)],
      ['badly quoted', '"unterminated'],
      ['non-ASCII', 'clé'],
    ])('answers 400 validation_failed for a key %s, before any entitlement storage access', async (_case, key) => {
      const result = await consumeTokens(10, { 'Idempotency-Key': key });
      expect(result.status).toBe(400);
      expect(problemOf(result)).toMatchObject({
        code: 'validation_failed',
        instance: `/tenants/${scenario.tenantId}/ai`,
        issues: [{ path: ['headers', 'idempotency-key'], message: KEY_ISSUE }],
      });
      // Only the tenant context's membership lookup reached the store.
      expect(scenario.store.total()).toBe(scenario.store.counts.findActiveMembership);
    });

    it('answers 403 limit_exceeded with feature, limit, used and requested, consuming nothing', async () => {
      const before = await usedTokens();
      const result = await consumeTokens(5_000);
      expect(result.status).toBe(403);
      expect(problemOf(result)).toEqual({
        type: problemTypeOf('limit_exceeded'),
        title: 'Limit Exceeded',
        status: 403,
        detail: PROBLEM_CATALOG.limit_exceeded.detail,
        instance: `/tenants/${scenario.tenantId}/ai`,
        code: 'limit_exceeded',
        featureKey: 'ai.tokens',
        limit: 1_000,
        used: before,
        requested: 5_000,
      });
      expect(await usedTokens()).toBe(before);
    });

    it('answers 403 feature_not_enabled for a tenant whose plan does not grant the feature', async () => {
      const result = await consumeTokens(10, {}, { user: 'mallory', tenantId: scenario.otherTenantId });
      expect(result.status).toBe(403);
      expect(problemOf(result)).toMatchObject({ type: problemTypeOf('feature_not_enabled'), code: 'feature_not_enabled', featureKey: 'ai.tokens' });
    });

    it('answers 400 validation_failed for a computed amount the service rejects', async () => {
      const before = await usedTokens();
      const result = await consumeTokens('lots');
      expect(result.status).toBe(400);
      expect(problemOf(result)).toMatchObject({ code: 'validation_failed', issues: [{ path: ['amount'] }] });
      expect(await usedTokens()).toBe(before);
    });

    it('answers the canonical 404 to a non-member before consuming anything', async () => {
      const result = await consumeTokens(10, {}, { user: 'mallory', tenantId: scenario.tenantId });
      expect(result.status).toBe(404);
      expect(scenario.store.counts.consume).toBe(0);
    });

    it('reads the key from a configured header and consumes in the namespace the route resolves', async () => {
      const send = (headers: Record<string, string>) =>
        http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/images`, user: 'bob', headers: { 'x-project': 'apollo', ...headers } });
      const key = randomUUID();
      const first = await send({ 'X-Request-Id': key });
      const retry = await send({ 'x-request-id': key });
      expect(JSON.parse(first.body)).toMatchObject({ featureKey: 'ai.tokens.images', namespace: 'apollo', requested: 5, replayed: false });
      expect(JSON.parse(retry.body)).toMatchObject({ namespace: 'apollo', replayed: true });
      // The default header means nothing on this route: both requests consume.
      const other = randomUUID();
      const bodies = [await send({ 'Idempotency-Key': other }), await send({ 'Idempotency-Key': other })].map(
        (result) => JSON.parse(result.body) as { replayed: boolean },
      );
      expect(bodies.map((body) => body.replayed)).toEqual([false, false]);
      expect(await usedOf(scenario, 'ai.tokens.images', 'apollo')).toBe(15);
    });

    it('answers 400 validation_failed for a namespace the service rejects', async () => {
      const result = await http.send({ method: 'POST', path: `/tenants/${scenario.tenantId}/images`, user: 'bob', headers: { 'x-project': '-no' } });
      expect(result.status).toBe(400);
      expect(problemOf(result)).toMatchObject({ code: 'validation_failed', issues: [{ path: ['namespace'] }] });
    });

    it('answers 500 configuration_invalid when requireEntitlement runs without tenantContext', async () => {
      const result = await http.send({ method: 'POST', path: '/unguarded/ai', user: 'alice' });
      expect(result.status).toBe(500);
      expect(problemOf(result).code).toBe('configuration_invalid');
    });
  });
}
