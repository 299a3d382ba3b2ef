import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROBLEM_CATALOG, problemTypeOf } from 'tenantry/express';
import type { HttpHarness, HttpResult, StartHarness } from './http-cases.js';
import { createScenario, RATE_LIMIT, RATE_WINDOW_MS, type Scenario } from './http-scenario.js';
import { expectNoSecrets, problemOf } from './problem-assertions.js';

/** How far into its window each case starts: 45 s remain, so `Retry-After` is 45. */
const OFFSET_MS = 15_000;

/** The rate-limit header fields of one response. */
function rateLimitHeadersOf(result: HttpResult): Record<string, string | undefined> {
  const { headers } = result;
  return {
    limit: headers['ratelimit-limit'],
    remaining: headers['ratelimit-remaining'],
    reset: headers['ratelimit-reset'],
    policy: headers['ratelimit-policy'],
  };
}

/**
 * The rate limiter's behaviour on one adapter. Every limiter of the scenario
 * allows {@link RATE_LIMIT} requests per {@link RATE_WINDOW_MS}; each case
 * moves the clock to a window of its own, so counts never leak between
 * cases.
 */
export function describeRateLimit(adapter: string, start: StartHarness): void {
  describe(`${adapter}: rate limiting`, () => {
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
      const nextWindow = (Math.floor(scenario.clock.now().getTime() / RATE_WINDOW_MS) + 1) * RATE_WINDOW_MS;
      scenario.clock.set(new Date(nextWindow + OFFSET_MS).toISOString());
    });

    const limited = (user: string) => http.send({ path: `/tenants/${scenario.tenantId}/limited`, user });

    it('allows the limit, then answers 429 rate_limited with Retry-After and RateLimit headers', async () => {
      const allowed = [await limited('alice'), await limited('alice'), await limited('alice')];
      expect(allowed.map((result) => result.status)).toEqual([200, 200, 200]);
      expect(allowed.map((result) => rateLimitHeadersOf(result))).toEqual(
        ['2', '1', '0'].map((remaining) => ({ limit: '3', remaining, reset: '45', policy: '3;w=60' })),
      );
      const refused = await limited('alice');
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('45');
      expect(rateLimitHeadersOf(refused)).toEqual({ limit: '3', remaining: '0', reset: '45', policy: '3;w=60' });
      expect(problemOf(refused)).toEqual({
        type: 'https://tenantry.dev/problems/rate-limited',
        title: 'Too Many Requests',
        status: 429,
        detail: PROBLEM_CATALOG.rate_limited.detail,
        instance: `/tenants/${scenario.tenantId}/limited`,
        code: 'rate_limited',
      });
    });

    it('counts each member of a tenant separately by default', async () => {
      for (let i = 0; i < RATE_LIMIT; i += 1) await limited('alice');
      expect((await limited('alice')).status).toBe(429);
      const bob = await limited('bob');
      expect(bob.status).toBe(200);
      expect(bob.headers['ratelimit-remaining']).toBe('2');
    });

    it('counts separate keys independently', async () => {
      for (let i = 0; i < RATE_LIMIT; i += 1) await http.send({ path: '/limited/a' });
      expect((await http.send({ path: '/limited/a' })).status).toBe(429);
      const other = await http.send({ path: '/limited/b' });
      expect(other.status).toBe(200);
      expect(JSON.parse(other.body)).toEqual({ bucket: 'b' });
    });

    it('counts by client address when no tenant context ran', async () => {
      const statuses: number[] = [];
      for (let i = 0; i <= RATE_LIMIT; i += 1) statuses.push((await http.send({ path: '/limited-by-ip' })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    });

    it('opens a new window when the clock reaches the end of the current one', async () => {
      for (let i = 0; i < RATE_LIMIT; i += 1) await limited('alice');
      scenario.clock.advance(RATE_WINDOW_MS - OFFSET_MS - 500);
      const late = await limited('alice');
      expect(late.status).toBe(429);
      // Half a second left rounds up: zero would invite a retry into the same window.
      expect(late.headers['retry-after']).toBe('1');
      scenario.clock.advance(500);
      const next = await limited('alice');
      expect(next.status).toBe(200);
      expect(rateLimitHeadersOf(next)).toEqual({ limit: '3', remaining: '2', reset: '60', policy: '3;w=60' });
    });

    it('weighs requests by cost, and reports the room a cheaper request still has', async () => {
      const heavy = await http.send({ path: '/limited/costly', headers: { 'x-cost': '2' } });
      expect(heavy.headers['ratelimit-remaining']).toBe('1');
      const tooHeavy = await http.send({ path: '/limited/costly', headers: { 'x-cost': '2' } });
      expect(tooHeavy.status).toBe(429);
      expect(tooHeavy.headers['ratelimit-remaining']).toBe('1');
      const light = await http.send({ path: '/limited/costly' });
      expect(light.status).toBe(200);
      expect(light.headers['ratelimit-remaining']).toBe('0');
    });

    it('shares the limit between app instances that share the store', async () => {
      const second = await start(scenario);
      try {
        expect((await http.send({ path: '/limited/shared' })).status).toBe(200);
        expect((await second.send({ path: '/limited/shared' })).status).toBe(200);
        const third = await http.send({ path: '/limited/shared' });
        expect(third.status).toBe(200);
        expect(third.headers['ratelimit-remaining']).toBe('0');
        expect((await second.send({ path: '/limited/shared' })).status).toBe(429);
        expect((await http.send({ path: '/limited/shared' })).status).toBe(429);
      } finally {
        await second.close();
      }
    });

    it('fails closed with 503 storage_unavailable when the store fails, leaking nothing', async () => {
      scenario.serverErrors.length = 0;
      const result = await http.send({ path: '/rate-broken' });
      expect(result.status).toBe(503);
      expect(problemOf(result)).toMatchObject({ type: problemTypeOf('storage_unavailable'), code: 'storage_unavailable', instance: '/rate-broken' });
      expect(result.body).not.toContain('reached');
      expectNoSecrets(result);
      expect(scenario.serverErrors).toEqual([expect.objectContaining({ code: 'storage_unavailable', reason: 'connection_lost' })]);
    });

    it('fails closed with a 500 when the store fails with an error it does not classify (a bug), leaking nothing', async () => {
      scenario.serverErrors.length = 0;
      const result = await http.send({ path: '/rate-buggy' });
      expect(result.status).toBe(500);
      expect(problemOf(result)).toMatchObject({ code: 'internal_error', instance: '/rate-buggy' });
      expect(result.body).not.toContain('reached');
      expectNoSecrets(result);
      expect(scenario.serverErrors).toHaveLength(1);
    });

    it('counts on the instance clock: the window and Retry-After follow createTenantry({ now })', async () => {
      // The scenario clock is far from the wall clock (2026), so a limiter on Date.now() would disagree.
      const first = await limited('alice');
      expect(first.headers['ratelimit-reset']).toBe(String((RATE_WINDOW_MS - OFFSET_MS) / 1000));
      scenario.clock.advance(RATE_WINDOW_MS);
      expect((await limited('alice')).headers['ratelimit-remaining']).toBe('2');
    });
  });
}
