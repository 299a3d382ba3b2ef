import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryStore } from 'tenantry/memory';
import type { Store } from 'tenantry';
import type { TotpAlgorithm, TotpDigits } from '../../../src/store/two-factor-records.js';
import { Keyring } from '../../../src/services/two-factor/keyring.js';
import { codeNear, KEY_1, rejection, secretOf, testClock, twoFactorWorld } from '../../support/two-factor.js';

/** Stores an active factor with a known seed, sealed exactly as enrolment seals one. */
async function activeWithSeed(store: Store, seed: string, algorithm: TotpAlgorithm, digits: TotpDigits): Promise<string> {
  const userId = `vector-${randomUUID()}`;
  const secret = new Keyring({ current: 'k1', k1: KEY_1 }).seal(Buffer.from(seed, 'ascii'), { userId, purpose: 'totp-secret' });
  const at = new Date(0);
  await store.saveTwoFactor({
    record: { userId, status: 'active', secret, algorithm, digits, period: 30, lastStep: -1, createdAt: at, updatedAt: at },
    replaceActive: false,
  });
  return userId;
}

/** RFC 6238 Appendix B: the seed of each algorithm is the ASCII digits repeated to the hash's length (20, 32, 64 bytes). */
const SEEDS = {
  sha1: '12345678901234567890',
  sha256: '12345678901234567890123456789012',
  sha512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;

const RFC_6238: readonly (readonly [seconds: number, sha1: string, sha256: string, sha512: string])[] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

/** RFC 4226 Appendix D: HOTP values of the SHA-1 seed for counters 0 to 9. */
const RFC_4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('RFC vectors through twoFactor.verify with an injected clock', () => {
  for (const [index, algorithm] of (['sha1', 'sha256', 'sha512'] as const).entries()) {
    it(`RFC 6238 Appendix B, ${algorithm} with its ${String(SEEDS[algorithm].length)}-byte seed, 8 digits: all six vectors pass, each once`, async () => {
      const store = memoryStore();
      const clock = testClock(0);
      const { tenantry } = twoFactorWorld(store, { attempts: { maxFailures: 100 } }, clock);
      const userId = await activeWithSeed(store, SEEDS[algorithm], algorithm, 8);
      let passed = 0;
      for (const row of RFC_6238) {
        clock.set(row[0] * 1000);
        const code = row[index + 1] as string;
        expect(await tenantry.twoFactor.verify({ userId, code })).toEqual({ verifiedAt: new Date(row[0] * 1000) });
        expect(await rejection(tenantry.twoFactor.verify({ userId, code }))).toMatchObject({ reason: 'replayed' });
        passed += 1;
      }
      expect(passed).toBe(6);
    });
  }

  it('RFC 4226 Appendix D: the ten HOTP values pass as the codes of time steps 0 to 9 (a 30 s period at T = 30·counter)', async () => {
    const store = memoryStore();
    const clock = testClock(0);
    const { tenantry } = twoFactorWorld(store, {}, clock);
    const userId = await activeWithSeed(store, SEEDS.sha1, 'sha1', 6);
    for (const [counter, code] of RFC_4226.entries()) {
      clock.set(counter * 30_000);
      await tenantry.twoFactor.verify({ userId, code });
    }
    expect((await store.findTwoFactor(userId))?.lastStep).toBe(9);
  });

  it('an 8-digit vector is malformed for a 6-digit factor, and its 6-digit suffix is a mismatch for the wrong seed', async () => {
    const store = memoryStore();
    const clock = testClock(59_000);
    const { tenantry } = twoFactorWorld(store, {}, clock);
    const userId = await activeWithSeed(store, SEEDS.sha256, 'sha1', 6);
    expect(await rejection(tenantry.twoFactor.verify({ userId, code: '94287082' }))).toMatchObject({ reason: 'malformed' });
    expect(await rejection(tenantry.twoFactor.verify({ userId, code: '287082' }))).toMatchObject({ reason: 'mismatch' });
  });
});

describe('clock drift boundaries', () => {
  async function verifyAtOffset(drift: number | undefined, offset: number): Promise<unknown> {
    const { tenantry, clock } = twoFactorWorld(memoryStore(), drift === undefined ? {} : { totp: { drift } });
    const userId = `drift-${randomUUID()}`;
    const secret = secretOf(await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'd' }));
    // Confirm well before, so the step under test is after the last accepted one.
    const confirmAt = clock.ms;
    await tenantry.twoFactor.confirm({ userId, code: await codeNear(secret, confirmAt) });
    clock.advance(10 * 30_000);
    return tenantry.twoFactor.verify({ userId, code: await codeNear(secret, clock.ms, offset) }).then(
      () => 'accepted',
      (error: unknown) => (error as { reason?: string }).reason,
    );
  }

  it('with drift 2, codes of steps −2, −1, 0, +1 and +2 are accepted; −3 and +3 are not', async () => {
    for (const offset of [-2, -1, 0, 1, 2]) expect(await verifyAtOffset(2, offset)).toBe('accepted');
    for (const offset of [-3, 3]) expect(await verifyAtOffset(2, offset)).toBe('mismatch');
  });

  it('with the default drift 1, −1, 0 and +1 are accepted; −2 and +2 are not', async () => {
    for (const offset of [-1, 0, 1]) expect(await verifyAtOffset(undefined, offset)).toBe('accepted');
    for (const offset of [-2, 2]) expect(await verifyAtOffset(undefined, offset)).toBe('mismatch');
  });

  it('with drift 0 only the current step is accepted', async () => {
    expect(await verifyAtOffset(0, 0)).toBe('accepted');
    for (const offset of [-1, 1]) expect(await verifyAtOffset(0, offset)).toBe('mismatch');
  });

  it('a drift of 3 is a ConfigurationError at construction', () => {
    expect(() => twoFactorWorld(memoryStore(), { totp: { drift: 3 } })).toThrow(/drift/);
  });
});

describe('malformed codes', () => {
  it.each(['12345', '1234567', '12 3456', ' 123456', '123456 ', '123456\n', '12345a', '１２３４５６', '-12345', '+12345', '', '١٢٣٤٥٦'])(
    '%j is InvalidCodeError(malformed), not counted',
    async (code) => {
      const { tenantry, clock } = twoFactorWorld(memoryStore(), { attempts: { maxFailures: 1 } });
      const userId = `m-${randomUUID()}`;
      const secret = secretOf(await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'm' }));
      await tenantry.twoFactor.confirm({ userId, code: await codeNear(secret, clock.ms) });
      expect(await rejection(tenantry.twoFactor.verify({ userId, code }))).toMatchObject({ code: 'invalid_code', reason: 'malformed', status: 401 });
      clock.advance(30_000);
      await tenantry.twoFactor.verify({ userId, code: await codeNear(secret, clock.ms) });
    },
  );

  it('a non-string code is InvalidCodeError(malformed), and a malformed user id a ValidationError', async () => {
    const { tenantry } = twoFactorWorld(memoryStore());
    const userId = `m-${randomUUID()}`;
    await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'm' });
    expect(await rejection(tenantry.twoFactor.confirm({ userId, code: 123456 as unknown as string }))).toMatchObject({
      code: 'invalid_code',
      reason: 'malformed',
    });
    await expect(tenantry.twoFactor.verify({ userId: '', code: '123456' })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
