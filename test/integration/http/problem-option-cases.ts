import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { notFoundResponse, PROBLEM_CATALOG } from 'tenantry/express';
import { fingerprint, type HttpHarness, type StartHarness } from './http-cases.js';
import { createScenario, RATE_LIMIT, SECRET_MESSAGE, type Scenario } from './http-scenario.js';
import { expectNoSecrets, problemOf } from './problem-assertions.js';

const TYPE_BASE = 'https://api.example.com/errors/';

/**
 * The problem handler's options on one adapter: `typeBase` and `extend`
 * reach every problem the application sends (the guards hand their refusals
 * to the handler), never the canonical 404's bytes beyond the type base; and
 * by default a 5xx is logged, safely.
 */
export function describeProblemOptions(adapter: string, start: StartHarness): void {
  describe(`${adapter}: problem handler options`, () => {
    let scenario: Scenario;
    const harnesses: HttpHarness[] = [];

    beforeAll(async () => {
      scenario = await createScenario();
      return async () => {
        for (const harness of harnesses) await harness.close();
      };
    });

    async function app(options: Parameters<StartHarness>[1]): Promise<HttpHarness> {
      const harness = await start(scenario, options);
      harnesses.push(harness);
      return harness;
    }

    it('prefixes every problem type with typeBase: guard refusals, thrown errors and the canonical 404 alike', async () => {
      const http = await app({ typeBase: TYPE_BASE });
      const forbidden = problemOf(await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'bob' }));
      const unauthenticated = problemOf(await http.send({ path: `/tenants/${scenario.tenantId}` }));
      const conflict = problemOf(await http.send({ path: `/tenants/${scenario.tenantId}/errors/last_owner`, user: 'alice' }));
      expect([forbidden.type, unauthenticated.type, conflict.type]).toEqual([`${TYPE_BASE}forbidden`, `${TYPE_BASE}unauthenticated`, `${TYPE_BASE}last-owner`]);

      const notFound = await Promise.all([
        http.send({ path: `/tenants/${scenario.tenantId}`, user: 'mallory' }),
        http.send({ path: '/tenants/not-a-uuid', user: 'alice' }),
        http.send({ path: `/tenants/${scenario.tenantId}/not-found`, user: 'alice' }),
        http.send({ path: '/no/such/route' }),
      ]);
      const [first, ...rest] = notFound.map(fingerprint);
      for (const other of rest) expect(other).toEqual(first);
      expect(problemOf(notFound[0])).toEqual({ ...(JSON.parse(notFoundResponse().body) as object), type: `${TYPE_BASE}not-found` });
      expect(notFound[0].body).toBe(notFoundResponse({ typeBase: TYPE_BASE }).body);
    });

    it('prefixes the 429 of the rate limiter too, keeping its headers', async () => {
      const http = await app({ typeBase: TYPE_BASE });
      let last = await http.send({ path: '/limited/type-base' });
      for (let i = 0; i < RATE_LIMIT; i += 1) last = await http.send({ path: '/limited/type-base' });
      expect(last.status).toBe(429);
      expect(last.headers['retry-after']).toMatch(/^\d+$/);
      expect(problemOf(last).type).toBe(`${TYPE_BASE}rate-limited`);
    });

    it('adds the members extend returns to every problem but the canonical 404, never overwriting one', async () => {
      const http = await app({
        extend: (_problem, _error, request) => ({
          traceId: request.headers['x-trace-id'],
          status: 200,
          code: 'ok',
          detail: 'overwritten',
          capability: 'everything',
          issues: [],
        }),
      });
      const traced = { 'x-trace-id': 'trace-1' };
      const forbidden = problemOf(await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'bob', headers: traced }));
      expect(forbidden).toEqual({
        type: 'https://tenantry.dev/problems/forbidden',
        title: 'Forbidden',
        status: 403,
        detail: PROBLEM_CATALOG.forbidden.detail,
        instance: `/tenants/${scenario.tenantId}/billing`,
        code: 'forbidden',
        capability: 'billing.read',
        traceId: 'trace-1',
      });
      const invalid = problemOf(
        await http.send({
          method: 'POST',
          path: `/tenants/${scenario.tenantId}/members`,
          user: 'alice',
          json: { userId: '', role: 'readonly' },
          headers: traced,
        }),
      );
      expect(invalid).toMatchObject({ status: 400, code: 'validation_failed', traceId: 'trace-1' });
      expect(invalid.issues).toEqual([{ path: ['userId'], message: 'Must not be empty.' }]);
      const crash = problemOf(await http.send({ path: `/tenants/${scenario.tenantId}/crash`, user: 'alice', headers: traced }));
      expect(crash).toMatchObject({ status: 500, code: 'internal_error', traceId: 'trace-1' });
      // The 404 must not vary with the request: no traceId, the very canonical bytes.
      const notFound = await http.send({ path: `/tenants/${scenario.tenantId}`, user: 'mallory', headers: traced });
      expect(notFound.body).toBe(notFoundResponse().body);
    });

    it('hands extend a copy of the problem, so mutating it changes nothing', async () => {
      const http = await app({
        extend: (problem) => {
          (problem as { status: number }).status = 200;
          return { seen: problem.code };
        },
      });
      const result = await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'bob' });
      expect(result.status).toBe(403);
      expect(problemOf(result)).toMatchObject({ status: 403, code: 'forbidden', seen: 'forbidden' });
    });

    it('sends the problem without extra members when extend throws or returns what JSON cannot hold', async () => {
      for (const extend of [
        () => {
          throw new Error(SECRET_MESSAGE);
        },
        () => ({ big: 1n }),
      ]) {
        const http = await app({ extend });
        const result = await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'bob' });
        expect(result.status).toBe(403);
        expect(Object.keys(problemOf(result))).toEqual(['type', 'title', 'status', 'detail', 'instance', 'code', 'capability']);
        expectNoSecrets(result);
      }
    });

    describe('default onServerError', () => {
      afterEach(() => {
        vi.restoreAllMocks();
      });

      /** Replaces the test setup's console spy for this test: the log is expected, and asserted below. */
      function expectLogs() {
        return vi.spyOn(console, 'error').mockImplementation(() => undefined);
      }

      it('logs a 500 once with the method, path, code and error name, never the error message', async () => {
        const http = await app({ defaultReporting: true });
        const log = expectLogs();
        const result = await http.send({ path: `/tenants/${scenario.tenantId}/crash?token=secret-token`, user: 'alice' });
        expect(result.status).toBe(500);
        expect(log).toHaveBeenCalledTimes(1);
        const [message, frames] = log.mock.calls[0] as [string, unknown];
        expect(message).toBe(`tenantry: GET /tenants/${scenario.tenantId}/crash answered 500 internal_error: Error`);
        expect(frames).toEqual(expect.stringMatching(/^\s+at /));
        const logged = log.mock.calls.flat().map(String).join('\n');
        expect(logged).not.toContain(SECRET_MESSAGE);
        expect(logged).not.toContain('secret-token');
      });

      it('logs a tenantry 5xx with the error itself, which is safe to log whole', async () => {
        const http = await app({ defaultReporting: true });
        const log = expectLogs();
        const result = await http.send({ path: '/rate-broken' });
        expect(result.status).toBe(503);
        expect(log).toHaveBeenCalledTimes(1);
        const [message, error] = log.mock.calls[0] as [string, unknown];
        expect(message).toBe('tenantry: GET /rate-broken answered 503 storage_unavailable: StorageUnavailableError');
        expect(error).toMatchObject({ code: 'storage_unavailable', reason: 'connection_lost' });
        expect(log.mock.calls.flat().map(String).join('\n')).not.toContain(SECRET_MESSAGE);
      });

      it('does not log 4xx refusals', async () => {
        const http = await app({ defaultReporting: true });
        const log = expectLogs();
        expect((await http.send({ path: `/tenants/${scenario.tenantId}/billing`, user: 'bob' })).status).toBe(403);
        expect((await http.send({ path: `/tenants/${scenario.tenantId}`, user: 'mallory' })).status).toBe(404);
        expect(log).not.toHaveBeenCalled();
      });
    });
  });
}
