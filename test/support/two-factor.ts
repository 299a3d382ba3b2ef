import { randomBytes } from 'node:crypto';
import { ScureBase32Plugin } from 'otplib';
import { createTenantry, type TwoFactorAuditEvent, type TwoFactorOptions, type Store } from 'tenantry';
import { codeAt } from '../../src/services/two-factor/totp.js';
import { capabilities, roles, type Capability } from './catalog.js';

/** Fixed test keys: 32 random bytes each, made once per process. */
export const KEY_1 = randomBytes(32);
export const KEY_2 = randomBytes(32);

/** A settable clock, starting at a fixed instant in the middle of a 30-second step. */
export function testClock(start = Date.parse('2026-01-05T10:00:15.000Z')) {
  let ms = start;
  return {
    now: () => new Date(ms),
    set: (value: number) => {
      ms = value;
    },
    advance: (delta: number) => {
      ms += delta;
    },
    get ms() {
      return ms;
    },
  };
}

/** A tenantry with two-factor over `store`, on `clock`, collecting audit events and reported errors. */
export function twoFactorWorld(store: Store, options: Partial<TwoFactorOptions<Capability>> = {}, clock = testClock()) {
  const audit: TwoFactorAuditEvent[] = [];
  const reported: unknown[] = [];
  const tenantry = createTenantry({
    store,
    capabilities,
    roles,
    now: clock.now,
    onError: (error) => reported.push(error),
    twoFactor: { keys: { current: 'k1', k1: KEY_1 }, onAudit: (event) => audit.push(event), ...options },
  });
  return { tenantry, clock, audit, reported };
}

const base32 = new ScureBase32Plugin();

/** The secret bytes of an enrolment's base32 secret. */
export function secretOf(enrolment: { readonly secret: string }): Uint8Array {
  return base32.decode(enrolment.secret);
}

/** The 6-digit SHA-1 code of `secret` at `ms` plus `steps` steps of 30 s. */
export function codeNear(secret: Uint8Array, ms: number, steps = 0, digits: 6 | 7 | 8 = 6): Promise<string> {
  return codeAt(secret, Math.floor(ms / 30_000) + steps, { algorithm: 'sha1', digits, period: 30 });
}

/** What a promise rejected with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}
