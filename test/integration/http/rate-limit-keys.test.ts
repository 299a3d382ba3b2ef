import { createHash } from 'node:crypto';
import express from 'express';
import Fastify from 'fastify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidationError, ValidationError } from 'tenantry';
import { problemHandler as expressProblemHandler, rateLimit as expressRateLimit, type TenantContext } from 'tenantry/express';
import { rateLimit as fastifyRateLimit, tenantryPlugin } from 'tenantry/fastify';
import { enforceRateLimit } from '../../../src/integrations/http/rate-limit-flow.js';
import { defaultRateLimitSubject, rateLimitKey } from '../../../src/integrations/http/rate-limit-key.js';
import { resolveRateLimitOptions } from '../../../src/integrations/http/rate-limit-options.js';
import type { RequestReader } from '../../../src/integrations/http/request-reader.js';
import { setup, type TestTenantry } from '../../support/catalog.js';
import type { HttpClient } from './http-cases.js';
import { listenExpress } from './express-app.js';
import { injectInto } from './fastify-app.js';
import { problemOf } from './problem-assertions.js';

// The key derivation reads only the tenant and user ids of the context.
const context = (tenantId: string, userId: string) => ({ tenantId, userId });

/** Keys that are not text a database can hold or a log can show. */
const UNSAFE_KEYS = ['a\u0000b', 'bell\u0007', 'del\u007f', 'c1\u0085', 'lone \ud800 high', '\udc00 lone low', 'x'.repeat(300) + '\u0000'];

describe('rate-limit keys', () => {
  it('keep hashed and plain keys apart: a short key spelling sha256:<digest> is not the long key it digests', () => {
    const long = 'x'.repeat(250);
    const digest = createHash('sha256').update(long).digest('hex');
    expect(rateLimitKey('api', `sha256:${digest}`)).not.toBe(rateLimitKey('api', long));
    expect(rateLimitKey('api', long)).toBe(`api#sha256:${digest}`);
    expect(rateLimitKey('api', 'user-1')).toBe('api:user-1');
  });

  it('are injective: distinct subjects of one limiter never share a stored key', () => {
    const digestOf = (subject: string) => `sha256:${createHash('sha256').update(subject).digest('hex')}`;
    const subject = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 190, maxLength: 260 }));
    fc.assert(
      fc.property(subject, subject, (a, b) => {
        fc.pre(a !== b);
        expect(rateLimitKey('api', a)).not.toBe(rateLimitKey('api', b));
        // The adversarial pair: a short subject that spells the other's digest.
        expect(rateLimitKey('api', digestOf(a))).not.toBe(rateLimitKey('api', a));
      }),
    );
  });

  it('are at most 200 characters, in either form', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 400 }), (subject) => {
        expect(rateLimitKey('a'.repeat(64), subject).length).toBeLessThanOrEqual(200);
      }),
    );
  });

  it('reject a subject with a control character or a lone surrogate with ValidationError, never echoing it', () => {
    for (const subject of UNSAFE_KEYS) {
      let error: unknown;
      try {
        rateLimitKey('api', subject);
      } catch (caught) {
        error = caught;
      }
      expect(isValidationError(error), JSON.stringify(subject)).toBe(true);
      expect((error as ValidationError).issues).toEqual([{ path: ['key'], message: expect.any(String) as string }]);
      expect((error as ValidationError).message).not.toContain(subject);
    }
  });

  it('derive the default subject totally: a lone surrogate in the user id is a ValidationError, not a URIError', () => {
    expect(defaultRateLimitSubject(context('t-1', 'user:1'), undefined)).toBe('tenant:t-1:user:user%3A1');
    expect(() => defaultRateLimitSubject(context('t-1', 'bad\ud800'), undefined)).toThrow(ValidationError);
    expect(() => defaultRateLimitSubject(context('t-1', '\udfffbad'), undefined)).toThrow(ValidationError);
    expect(() => defaultRateLimitSubject(context('t-1', 'nul\u0000'), undefined)).toThrow(ValidationError);
    expect(() => defaultRateLimitSubject(context('t\u0085', 'u'), undefined)).toThrow(ValidationError);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), (tenantId, userId) => {
        try {
          const subject = defaultRateLimitSubject(context(tenantId, userId), undefined);
          expect(subject).toMatch(/^tenant:[A-Za-z0-9%_.!~*'()-]*:user:[A-Za-z0-9%_.!~*'()-]*$/);
        } catch (error) {
          expect(isValidationError(error)).toBe(true);
        }
      }),
    );
  });

  it('a bad default key rejects before the store is called', async () => {
    const { tenantry, store } = setup();
    const options = resolveRateLimitOptions<object>({ name: 'api', limit: 3, windowMs: 60_000 });
    const reader: RequestReader<object> = {
      param: () => undefined,
      header: () => undefined,
      path: () => '/x',
      method: () => 'GET',
      route: () => '/x',
      body: () => undefined,
      ip: () => '127.0.0.1',
    };
    const bad = context('t-1', 'bad\ud800') as unknown as TenantContext;
    await expect(enforceRateLimit(tenantry.limiter, options, {}, bad, reader)).rejects.toSatisfy(isValidationError);
    expect(store.total()).toBe(0);
  });
});

/** An app whose limiter is keyed by the JSON body's `email`, as the docs' attempt limiter is. */
type StartApp = (tenantry: TestTenantry) => Promise<HttpClient>;

const startExpress: StartApp = (tenantry) => {
  const app = express();
  app.use(express.json());
  app.post(
    '/accept',
    expressRateLimit(tenantry, { name: 'accept', limit: 3, windowMs: 60_000, key: (req) => String((req.body as { email?: unknown }).email) }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  app.use(expressProblemHandler());
  return listenExpress(app);
};

const startFastify: StartApp = async (tenantry) => {
  const app = Fastify();
  await app.register(tenantryPlugin);
  app.post(
    '/accept',
    {
      preHandler: fastifyRateLimit(tenantry, {
        name: 'accept',
        limit: 3,
        windowMs: 60_000,
        key: (request) => String((request.body as { email?: unknown }).email),
      }),
    },
    () => ({ ok: true }),
  );
  return injectInto(app);
};

for (const [adapter, start] of [
  ['express', startExpress],
  ['fastify', startFastify],
] as const) {
  describe(`${adapter}: a custom rate-limit key from the request`, () => {
    it('with a NUL, another control character or a lone surrogate is a 400 validation_failed, and nothing is counted', async () => {
      const { tenantry, store } = setup();
      const http = await start(tenantry);
      try {
        for (const email of UNSAFE_KEYS) {
          // JSON escapes carry the NUL and the lone surrogates through the body parser intact.
          const result = await http.send({ method: 'POST', path: '/accept', json: JSON.stringify({ email }) });
          expect(result.status, JSON.stringify(email)).toBe(400);
          expect(problemOf(result)).toMatchObject({ code: 'validation_failed', status: 400 });
          expect(result.body).not.toContain(email);
        }
        expect(store.total()).toBe(0);
        const fine = await http.send({ method: 'POST', path: '/accept', json: { email: 'a@example.com' } });
        expect(fine.status).toBe(200);
        expect(fine.headers['ratelimit-remaining']).toBe('2');
      } finally {
        await http.close();
      }
    });
  });
}
