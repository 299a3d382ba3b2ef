import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ERROR_STATUS, ForbiddenError, StorageUnavailableError, ValidationError, type TenantryErrorCode } from 'tenantry';
import * as expressApi from 'tenantry/express';
import * as fastifyApi from 'tenantry/fastify';
import {
  errorResponse,
  HttpProblemError,
  isHttpProblemError,
  notFoundResponse,
  PROBLEM_CATALOG,
  problemDetailsFor,
  problemTypeOf,
  renderProblem,
  type ProblemCode,
} from 'tenantry/express';

describe('problem catalogue', () => {
  it('has exactly one entry per tenantry code plus the HTTP-layer codes', () => {
    expectTypeOf<keyof typeof PROBLEM_CATALOG>().toEqualTypeOf<ProblemCode>();
    expectTypeOf<ProblemCode>().toEqualTypeOf<TenantryErrorCode | 'unauthenticated' | 'rate_limited' | 'internal_error'>();
  });

  it('takes the status of every tenantry code from the core ERROR_STATUS table, and words every code', () => {
    for (const code of Object.keys(ERROR_STATUS) as TenantryErrorCode[]) {
      expect(PROBLEM_CATALOG[code].status, code).toBe(ERROR_STATUS[code]);
      expect(PROBLEM_CATALOG[code].title, code).not.toBe('');
      expect(PROBLEM_CATALOG[code].detail, code).toMatch(/\.$/);
    }
    expect(Object.keys(PROBLEM_CATALOG).sort()).toEqual([...Object.keys(ERROR_STATUS), 'unauthenticated', 'rate_limited', 'internal_error'].sort());
  });

  it('maps codes to the documented statuses', () => {
    const statuses = Object.fromEntries(Object.entries(PROBLEM_CATALOG).map(([code, entry]) => [code, entry.status]));
    expect(statuses).toEqual({
      not_found: 404,
      forbidden: 403,
      owner_required: 403,
      delegation_denied: 403,
      actor_not_allowed: 403,
      validation_failed: 400,
      already_exists: 409,
      last_owner: 409,
      unknown_role: 400,
      storage_unavailable: 503,
      configuration_invalid: 500,
      unknown_capability: 500,
      limit_exceeded: 403,
      feature_not_found: 500,
      package_not_found: 404,
      feature_not_enabled: 403,
      idempotency_conflict: 409,
      invalid_code: 401,
      two_factor_not_enrolled: 409,
      two_factor_active: 409,
      two_factor_locked: 429,
      second_factor_required: 401,
      storage_integrity: 500,
      unsafe_url: 400,
      webhook_verification_failed: 401,
      idempotent_replay: 409,
      idempotency_in_progress: 409,
      tenant_archived: 409,
      invalid_token: 404,
      too_many_attempts: 429,
      invalid_snapshot: 400,
      role_in_use: 409,
      unauthenticated: 401,
      rate_limited: 429,
      internal_error: 500,
    });
  });

  it('derives stable kebab-case type URIs, under a configurable base', () => {
    expect(problemTypeOf('not_found')).toBe('https://tenantry.dev/problems/not-found');
    expect(problemTypeOf('feature_not_enabled')).toBe('https://tenantry.dev/problems/feature-not-enabled');
    expect(problemTypeOf('rate_limited')).toBe('https://tenantry.dev/problems/rate-limited');
    expect(problemTypeOf('owner_required', { typeBase: 'urn:example:problem:' })).toBe('urn:example:problem:owner-required');
  });

  it('is documented in docs/http.md exactly as implemented', () => {
    const docs = readFileSync(new URL('../../../docs/http.md', import.meta.url), 'utf8');
    const rows = [...docs.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| `([^`]+)` \| ([^|]+) \|/gm)].map(([, code, status, type, title]) => ({
      code,
      status: Number(status),
      type,
      title: title!.trim(),
    }));
    const expected = Object.entries(PROBLEM_CATALOG).map(([code, entry]) => ({
      code,
      status: entry.status,
      type: problemTypeOf(code as ProblemCode),
      title: entry.title,
    }));
    expect(rows).toEqual(expected);
    expect(docs).toContain(notFoundResponse().body);
    expect(docs).toContain(`content-length: ${notFoundResponse().headers['content-length']!}`);
  });

  it('is the same catalogue from both entry points', () => {
    expect(fastifyApi.PROBLEM_CATALOG).toBe(expressApi.PROBLEM_CATALOG);
    expect(fastifyApi.notFoundResponse()).toBe(expressApi.notFoundResponse());
  });
});

describe('problemDetailsFor', () => {
  it('uses the fixed detail, never the error message', () => {
    const details = problemDetailsFor(new StorageUnavailableError('password=hunter2'), { instance: '/x' });
    expect(details).toEqual({
      type: 'https://tenantry.dev/problems/storage-unavailable',
      title: 'Storage Unavailable',
      status: 503,
      detail: PROBLEM_CATALOG.storage_unavailable.detail,
      instance: '/x',
      code: 'storage_unavailable',
    });
  });

  it('copies validation issues as plain data', () => {
    const details = problemDetailsFor(new ValidationError('bad', [{ path: ['a', 0], message: 'Required' }]), { instance: '/x' });
    expect(details.issues).toEqual([{ path: ['a', 0], message: 'Required' }]);
    expect(Object.isFrozen(details.issues)).toBe(false);
  });

  it('renders each validation issue from its own path and message only, whatever else the issue carries', () => {
    const planted = 'attacker-chosen-key';
    // What a plain JavaScript caller (or a raw zod issue passed through) can put in a ValidationError.
    const issues = [
      { path: ['metadata', 0], message: 'Unrecognized key', code: 'unrecognized_keys', keys: [planted], input: { [planted]: 1 } },
      { path: ['headers', 'idempotency-key', Symbol(planted), { planted }, Number.NaN], message: 'Invalid header', received: planted },
      { path: [], message: { planted } },
    ] as unknown as ConstructorParameters<typeof ValidationError>[1];
    const response = errorResponse(new ValidationError(`Invalid input: ${planted}`, issues), { instance: '/x' });
    // toEqual on plain parsed JSON: no member besides path and message survives.
    expect((JSON.parse(response.body) as { issues: unknown }).issues).toEqual([
      { path: ['metadata', 0], message: 'Unrecognized key' },
      { path: ['headers', 'idempotency-key'], message: 'Invalid header' },
      { path: [], message: 'Invalid value.' },
    ]);
    expect(response.body).not.toContain(planted);
  });

  it('keeps a 4xx status of a foreign error without its message, and turns any 404 into the canonical one', () => {
    const badBody = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), { status: 400 });
    expect(problemDetailsFor(badBody, { instance: '/x' })).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, instance: '/x' });
    expect(problemDetailsFor({ statusCode: 413 }, { instance: '/x' })).toMatchObject({ status: 413, title: 'Payload Too Large' });
    expect(problemDetailsFor(Object.assign(new Error('no such project'), { status: 404 }), { instance: '/x' })).toEqual(JSON.parse(notFoundResponse().body));
  });

  it('answers a generic 500 for anything else, ignoring 5xx statuses and odd values', () => {
    for (const thrown of [new Error('secret'), { status: 502, message: 'secret' }, { status: 4.5 }, 'secret', null, undefined]) {
      expect(problemDetailsFor(thrown, { instance: '/x' })).toMatchObject({ status: 500, code: 'internal_error' });
    }
  });
});

describe('problemDetailsFor: options and HTTP-layer errors', () => {
  it('uses the type base for every tenantry type, the canonical 404 included, and leaves about:blank alone', () => {
    const typeBase = 'https://api.example.com/errors/';
    expect(problemDetailsFor(new ForbiddenError('x'), { typeBase }).type).toBe(`${typeBase}forbidden`);
    expect(problemDetailsFor({ status: 404 }, { typeBase, instance: '/x' })).toEqual({
      ...(JSON.parse(notFoundResponse().body) as object),
      type: `${typeBase}not-found`,
    });
    expect(notFoundResponse({ typeBase }).body).toBe(errorResponse({ status: 404 }, { typeBase }).body);
    expect(problemDetailsFor({ status: 400 }, { typeBase }).type).toBe('about:blank');
  });

  it('renders an HttpProblemError with its code and its headers, which cannot replace the standard ones', () => {
    const error = new HttpProblemError('rate_limited', { headers: { 'retry-after': '7', 'content-type': 'text/html', 'cache-control': 'max-age=60' } });
    expect(isHttpProblemError(error)).toBe(true);
    expect(error.status).toBe(429);
    const response = errorResponse(error, { instance: '/x' });
    expect(response.status).toBe(429);
    expect(response.headers).toEqual({
      'retry-after': '7',
      'content-type': 'application/problem+json',
      'content-length': String(Buffer.byteLength(response.body)),
      'cache-control': 'no-store',
    });
    expect(JSON.parse(response.body)).toEqual({ ...PROBLEM_CATALOG.rate_limited, type: problemTypeOf('rate_limited'), instance: '/x', code: 'rate_limited' });
    expect(isHttpProblemError({ code: 'rate_limited' })).toBe(false);
  });

  it('renders a tenantry error of a code this copy does not know by its status', () => {
    // What a newer copy of tenantry throws: the shared brand, a code this catalogue lacks, its status.
    const foreign = { [Symbol.for('tenantry.error')]: true, name: 'FutureError', code: 'from_the_future', status: 403, message: 'secret' };
    expect(problemDetailsFor(foreign, { instance: '/x' })).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403, instance: '/x' });
  });
});

describe('rendered responses', () => {
  it('computes content-length in bytes and marks every problem no-store', () => {
    const response = renderProblem({ type: 'about:blank', title: 'Ünïcödé', status: 400 });
    expect(response.headers).toEqual({
      'content-type': 'application/problem+json',
      'content-length': String(Buffer.byteLength(response.body)),
      'cache-control': 'no-store',
    });
    expect(Buffer.byteLength(response.body)).toBeGreaterThan(response.body.length);
  });

  it('serves the one canonical 404 for every not-found input, whatever the instance', () => {
    const canonical = notFoundResponse();
    expect(errorResponse(new Error('x'), { instance: '/a' })).not.toBe(canonical);
    expect(errorResponse({ status: 404 }, { instance: '/a' })).toBe(canonical);
    expect(errorResponse(new ForbiddenError('x'), { instance: '/a' }).status).toBe(403);
    expect(Object.isFrozen(canonical)).toBe(true);
    expect(canonical.body).not.toContain('instance');
  });
});
