import { timingSafeEqual } from 'node:crypto';
import { generate, generateURI, ScureBase32Plugin } from 'otplib';
import type { TotpAlgorithm, TotpDigits } from '../../store/two-factor-records.js';

/** The parameters of one TOTP secret (RFC 6238). */
export interface TotpParameters {
  readonly algorithm: TotpAlgorithm;
  readonly digits: TotpDigits;
  /** Seconds per time step. */
  readonly period: number;
}

const base32 = new ScureBase32Plugin();

/** The RFC 6238 time step of `nowMs` (T0 = 0). */
export function timeStepOf(nowMs: number, period: number): number {
  return Math.floor(nowMs / 1000 / period);
}

/** The code of `step` (HOTP of the step counter, RFC 6238 §4), computed by otplib. */
export function codeAt(secret: Uint8Array, step: number, parameters: TotpParameters): Promise<string> {
  return generate({ secret, strategy: 'hotp', counter: step, algorithm: parameters.algorithm, digits: parameters.digits });
}

/**
 * Every time step within `drift` steps of `nowMs` whose code equals `code`,
 * newest first. Every candidate is computed and compared in constant time,
 * whatever matches, so the time taken says nothing about which step (if any)
 * matched.
 */
export async function matchingSteps(secret: Uint8Array, code: string, nowMs: number, drift: number, parameters: TotpParameters): Promise<number[]> {
  const current = timeStepOf(nowMs, parameters.period);
  const given = Buffer.from(code, 'ascii');
  const matches: number[] = [];
  for (let step = current + drift; step >= current - drift; step -= 1) {
    if (step < 0) continue;
    const expected = Buffer.from(await codeAt(secret, step, parameters), 'ascii');
    if (expected.length === given.length && timingSafeEqual(expected, given)) matches.push(step);
  }
  return matches;
}

/** The base32 form of a secret, for manual entry in an authenticator app. */
export function base32Of(secret: Uint8Array): string {
  return base32.encode(secret, { padding: false });
}

/** The `otpauth://totp/...` URI an authenticator app scans. */
export function otpauthUri(input: { readonly issuer: string; readonly label: string; readonly secret: Uint8Array } & TotpParameters): string {
  return generateURI({
    issuer: input.issuer,
    label: input.label,
    secret: base32Of(input.secret),
    algorithm: input.algorithm,
    digits: input.digits,
    period: input.period,
  });
}
