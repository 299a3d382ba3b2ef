import { expect } from 'vitest';
import type { ProblemDetails } from 'tenantry/express';
import type { HttpResult } from './http-cases.js';
import { SECRETS } from './http-scenario.js';

/** Asserts the headers every problem response carries and returns the parsed body. */
export function problemOf(result: HttpResult): ProblemDetails {
  expect(result.headers['content-type']).toBe('application/problem+json');
  expect(result.headers['cache-control']).toBe('no-store');
  expect(Number(result.headers['content-length'])).toBe(Buffer.byteLength(result.body));
  return JSON.parse(result.body) as ProblemDetails;
}

/** Asserts that no secret planted in the scenario reached the body. */
export function expectNoSecrets(result: HttpResult): void {
  for (const secret of SECRETS) expect(result.body).not.toContain(secret);
}
