import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTenantry, type DenialEvent, type TwoFactorAuditEvent } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles, tenantWith } from '../support/catalog.js';
import { codeNear, secretOf, testClock } from '../support/two-factor.js';

/** Every form a secret value could leak in. */
function formsOf(value: Uint8Array | string): string[] {
  if (typeof value === 'string') return [value, value.replaceAll('-', ''), value.toUpperCase()];
  const bytes = Buffer.from(value);
  return [bytes.toString('base64'), bytes.toString('hex'), bytes.toString('base64url')];
}

/** Everything an observer sees of a thrown value: message, name, fields, cause, stack. */
function visible(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return [error.message, error.name, error.stack ?? '', JSON.stringify(error), cause === undefined ? '' : visible(cause)].join('\n');
}

const step = fc.constantFrom('verify-right', 'verify-wrong', 'verify-replay', 'recover-right', 'recover-wrong', 'regenerate', 'check-step-up', 'reenroll');

describe('two-factor secrecy (property)', () => {
  it('no secret, code, key or recovery code ever appears in audit events, errors, denial events or reported errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), fc.integer({ min: 0, max: 2 ** 31 }), async (steps, offset) => {
        const key = randomBytes(32);
        const clock = testClock(Date.parse('2026-01-05T10:00:15.000Z') + offset * 1000);
        const audit: TwoFactorAuditEvent[] = [];
        const denials: DenialEvent[] = [];
        const reported: unknown[] = [];
        const errors: unknown[] = [];
        const tenantry = createTenantry({
          store: memoryStore(),
          capabilities,
          roles,
          now: clock.now,
          onDenied: (event) => denials.push(event),
          onError: (error) => reported.push(error),
          twoFactor: {
            keys: { current: 'k1', k1: key },
            recoveryCodes: 2,
            attempts: { maxFailures: 3 },
            stepUp: { capabilities: ['billing.manage'] },
            onAudit: (event) => audit.push(event),
          },
        });
        const userId = 'olivia';
        const tenantId = await tenantWith(tenantry, userId);
        const secrets: (Uint8Array | string)[] = [key];
        const enrol = async () => {
          const enrolment = await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'olivia', actor: { type: 'system', label: 'support' } });
          const secret = secretOf(enrolment);
          secrets.push(secret, enrolment.secret);
          const code = await codeNear(secret, clock.ms);
          secrets.push(code);
          await tenantry.twoFactor.confirm({ userId, code });
          return secret;
        };
        let secret = await enrol();
        let codes: readonly string[] = [];
        let last = '';
        const attempt = async (work: () => Promise<unknown>) => {
          try {
            await work();
          } catch (error) {
            errors.push(error);
          }
        };
        for (const action of steps) {
          clock.advance(30_000);
          if (action === 'verify-right' || action === 'verify-replay') {
            const code = action === 'verify-replay' && last !== '' ? last : await codeNear(secret, clock.ms);
            secrets.push(code);
            last = code;
            await attempt(() => tenantry.twoFactor.verify({ userId, code }));
          } else if (action === 'verify-wrong') {
            const right = await codeNear(secret, clock.ms);
            const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
            secrets.push(wrong);
            await attempt(() => tenantry.twoFactor.verify({ userId, code: wrong }));
          } else if (action === 'regenerate') {
            await attempt(async () => {
              codes = (await tenantry.twoFactor.generateRecoveryCodes({ userId })).codes;
              secrets.push(...codes);
            });
          } else if (action === 'recover-right' && codes.length > 0) {
            await attempt(() => tenantry.twoFactor.useRecoveryCode({ userId, code: codes[0] as string }));
          } else if (action === 'recover-wrong') {
            await attempt(() => tenantry.twoFactor.useRecoveryCode({ userId, code: 'zzzz-zzzz-zzzz' }));
          } else if (action === 'check-step-up') {
            await attempt(() => tenantry.forRequest({ userId }).authorize(tenantId, 'billing.manage'));
          } else if (action === 'reenroll') {
            // Confirming may be refused (a lockout): the error is observed like any other.
            await attempt(async () => {
              secret = await enrol();
            });
          }
        }
        const observed = [JSON.stringify(audit), JSON.stringify(denials), ...errors.map(visible), ...reported.map(visible)].join('\n');
        for (const value of secrets) for (const form of formsOf(value)) expect(observed).not.toContain(form);
      }),
      { numRuns: 25 },
    );
  });
});
