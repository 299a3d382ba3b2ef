import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { InvalidCodeError, StorageIntegrityError, systemActor, TwoFactorActiveError, TwoFactorLockedError, TwoFactorNotEnrolledError } from 'tenantry';
import { describeDatabases, type DatabaseName } from '../../support/databases.js';
import { codeNear, rejection, secretOf, twoFactorWorld } from '../../support/two-factor.js';

const STORES: readonly DatabaseName[] = ['memory', 'sqlite-file', 'postgres', 'mysql'];
const user = () => `tf-user-${randomUUID()}`;

await describeDatabases(STORES, (database) => {
  it('a user enrols, confirms with the first code, verifies, and cannot replay a code or an earlier still-valid one', async () => {
    const { tenantry, clock, audit } = twoFactorWorld(database.store());
    const userId = user();
    const enrolment = await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'ada@example.com' });
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/Acme:ada%40example\.com\?secret=[A-Z2-7]+/);
    expect(enrolment).toMatchObject({ algorithm: 'sha1', digits: 6, period: 30 });
    const secret = secretOf(enrolment);
    expect(secret).toHaveLength(20);
    expect(await tenantry.twoFactor.status({ userId })).toEqual({ status: 'pending', recoveryCodesRemaining: 0 });
    await expect(tenantry.twoFactor.verify({ userId, code: await codeNear(secret, clock.ms) })).rejects.toBeInstanceOf(TwoFactorNotEnrolledError);

    const confirmed = await tenantry.twoFactor.confirm({ userId, code: await codeNear(secret, clock.ms) });
    expect(confirmed.verifiedAt).toEqual(clock.now());
    expect((await tenantry.twoFactor.status({ userId })).status).toBe('active');
    // The confirming code was accepted once already.
    expect(await rejection(tenantry.twoFactor.verify({ userId, code: await codeNear(secret, clock.ms) }))).toMatchObject({
      code: 'invalid_code',
      reason: 'replayed',
    });

    clock.advance(30_000);
    const later = await codeNear(secret, clock.ms, 1);
    const earlier = await codeNear(secret, clock.ms, 0);
    expect((await tenantry.twoFactor.verify({ userId, code: later })).verifiedAt).toEqual(clock.now());
    expect(await rejection(tenantry.twoFactor.verify({ userId, code: later }))).toMatchObject({ reason: 'replayed', status: 401 });
    expect(await rejection(tenantry.twoFactor.verify({ userId, code: earlier }))).toMatchObject({ reason: 'replayed' });
    // Not enrolled yet is refused before any attempt is counted: no event.
    expect(audit.map((event) => event.action)).toEqual([
      'two_factor.enroll',
      'two_factor.confirm',
      'two_factor.verify_failed',
      'two_factor.verify_failed',
      'two_factor.verify_failed',
    ]);
  });

  it('16 concurrent verifications of one code: exactly one succeeds, the others are replays, in each of 3 rounds', async () => {
    const { tenantry, clock } = twoFactorWorld(database.store(), { attempts: { maxFailures: 1000 } });
    const userId = user();
    const secret = secretOf(await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'race' }));
    await tenantry.twoFactor.confirm({ userId, code: await codeNear(secret, clock.ms) });
    for (let round = 1; round <= 3; round += 1) {
      clock.advance(30_000);
      const code = await codeNear(secret, clock.ms);
      const outcomes = await Promise.allSettled(Array.from({ length: 16 }, () => tenantry.twoFactor.verify({ userId, code })));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(refusals.every((e) => e instanceof InvalidCodeError && e.reason === 'replayed')).toBe(true);
      expect(await rejection(tenantry.twoFactor.verify({ userId, code }))).toMatchObject({ reason: 'replayed' });
    }
  });

  it('five failures lock the user out (429 with retry-after), a correct code included, until the window ends; success does not reset the count', async () => {
    const { tenantry, clock, audit } = twoFactorWorld(database.store(), { attempts: { maxFailures: 5, windowMs: 300_000 } });
    clock.set(Date.parse('2026-01-05T10:00:15.000Z'));
    const userId = user();
    const secret = secretOf(await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'lock' }));
    await tenantry.twoFactor.confirm({ userId, code: await codeNear(secret, clock.ms) });
    const wrong = async () => {
      const right = await codeNear(secret, clock.ms);
      return right === '000000' ? '111111' : '000000';
    };
    for (let i = 0; i < 4; i += 1) expect(await rejection(tenantry.twoFactor.verify({ userId, code: await wrong() }))).toMatchObject({ reason: 'mismatch' });
    clock.advance(30_000);
    await tenantry.twoFactor.verify({ userId, code: await codeNear(secret, clock.ms) });
    expect(await rejection(tenantry.twoFactor.verify({ userId, code: await wrong() }))).toMatchObject({ reason: 'mismatch' });
    clock.advance(30_000);
    const locked = await rejection(tenantry.twoFactor.verify({ userId, code: await codeNear(secret, clock.ms) }));
    expect(locked).toBeInstanceOf(TwoFactorLockedError);
    expect(locked).toMatchObject({ status: 429, retryAfterSeconds: 300 - 75 });
    expect(audit.at(-1)?.action).toBe('two_factor.locked');
    // Malformed codes are refused before the lockout is even consulted, and never counted.
    expect(await rejection(tenantry.twoFactor.verify({ userId, code: ' 123456' }))).toMatchObject({ reason: 'malformed' });
    clock.set(Date.parse('2026-01-05T10:05:00.000Z'));
    expect((await tenantry.twoFactor.verify({ userId, code: await codeNear(secret, clock.ms) })).verifiedAt).toEqual(clock.now());
  });

  it('the lockout holds across instances sharing the store', async () => {
    const store = database.store();
    const a = twoFactorWorld(store, { attempts: { maxFailures: 2 } });
    const b = twoFactorWorld(store, { attempts: { maxFailures: 2 } }, a.clock);
    const userId = user();
    const secret = secretOf(await a.tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'x' }));
    await a.tenantry.twoFactor.confirm({ userId, code: await codeNear(secret, a.clock.ms) });
    const right = await codeNear(secret, a.clock.ms, 1);
    const wrong = right === '999999' ? '999998' : '999999';
    await expect(a.tenantry.twoFactor.verify({ userId, code: wrong })).rejects.toBeInstanceOf(InvalidCodeError);
    await expect(b.tenantry.twoFactor.verify({ userId, code: wrong })).rejects.toBeInstanceOf(InvalidCodeError);
    await expect(a.tenantry.twoFactor.verify({ userId, code: right })).rejects.toBeInstanceOf(TwoFactorLockedError);
  });

  it('recovery codes: ten of 60 bits shown once, each works once, regenerating invalidates the old set, concurrent use of one succeeds once', async () => {
    const { tenantry, clock, audit } = twoFactorWorld(database.store(), { attempts: { maxFailures: 1000 } });
    const userId = user();
    await expect(tenantry.twoFactor.generateRecoveryCodes({ userId })).rejects.toBeInstanceOf(TwoFactorNotEnrolledError);
    const secret = secretOf(await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'r' }));
    await tenantry.twoFactor.confirm({ userId, code: await codeNear(secret, clock.ms) });
    const { codes } = await tenantry.twoFactor.generateRecoveryCodes({ userId });
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
    expect(new Set(codes).size).toBe(10);
    const first = codes[0] as string;
    const used = await tenantry.twoFactor.useRecoveryCode({ userId, code: first.toUpperCase().replaceAll('-', '') });
    expect(used).toEqual({ verifiedAt: clock.now(), remaining: 9 });
    expect(audit.at(-1)).toMatchObject({ action: 'two_factor.recovery_code_use', userId, metadata: { remaining: 9 } });
    expect(await rejection(tenantry.twoFactor.useRecoveryCode({ userId, code: first }))).toMatchObject({ reason: 'used' });
    expect(await rejection(tenantry.twoFactor.useRecoveryCode({ userId, code: 'not a code' }))).toMatchObject({ reason: 'malformed' });

    const again = await tenantry.twoFactor.generateRecoveryCodes({ userId });
    expect(await rejection(tenantry.twoFactor.useRecoveryCode({ userId, code: codes[1] as string }))).toMatchObject({ reason: 'used' });
    expect((await tenantry.twoFactor.status({ userId })).recoveryCodesRemaining).toBe(10);

    const contested = again.codes[3] as string;
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => tenantry.twoFactor.useRecoveryCode({ userId, code: contested })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o.reason as InvalidCodeError).reason === 'used')).toBe(true);
    expect((await tenantry.twoFactor.status({ userId })).recoveryCodesRemaining).toBe(9);
  });

  it('re-enrolment replaces a pending secret, never an active one without a fresh verification or a system actor; disable is audited', async () => {
    const { tenantry, clock, audit } = twoFactorWorld(database.store());
    const userId = user();
    const first = secretOf(await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'e' }));
    const second = secretOf(await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'e' }));
    expect(await rejection(tenantry.twoFactor.confirm({ userId, code: await codeNear(first, clock.ms) }))).toMatchObject({ reason: 'mismatch' });
    const { verifiedAt } = await tenantry.twoFactor.confirm({ userId, code: await codeNear(second, clock.ms) });
    await expect(tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'e' })).rejects.toBeInstanceOf(TwoFactorActiveError);
    await expect(tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'e', secondFactorAt: new Date(clock.ms - 3_600_000) })).rejects.toBeInstanceOf(
      TwoFactorActiveError,
    );
    clock.advance(60_000);
    const third = secretOf(await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'e', secondFactorAt: verifiedAt }));
    expect((await tenantry.twoFactor.status({ userId })).status).toBe('pending');
    await tenantry.twoFactor.confirm({ userId, code: await codeNear(third, clock.ms) });
    await tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'e', actor: systemActor('support') });
    expect(audit.filter((e) => e.action === 'two_factor.enroll').map((e) => e.metadata.replacedActive)).toEqual([false, false, true, true]);
    expect(await tenantry.twoFactor.disable({ userId, actor: systemActor('support') })).toBe(true);
    expect(audit.at(-1)).toMatchObject({ action: 'two_factor.disable', userId, actor: { type: 'system', id: 'support' } });
    expect(await tenantry.twoFactor.disable({ userId })).toBe(false);
    expect(await tenantry.twoFactor.status({ userId })).toEqual({ status: 'none', recoveryCodesRemaining: 0 });
  });

  it('rotate() re-encrypts old secrets with the current key in batches; the old key can then be dropped', async () => {
    const store = database.store();
    const old = twoFactorWorld(store);
    const users = Array.from({ length: 5 }, user);
    const secrets = new Map<string, Uint8Array>();
    for (const userId of users) {
      const secret = secretOf(await old.tenantry.twoFactor.enroll({ userId, issuer: 'Acme', label: 'rot' }));
      await old.tenantry.twoFactor.confirm({ userId, code: await codeNear(secret, old.clock.ms) });
      secrets.set(userId, secret);
    }
    const { KEY_1, KEY_2 } = await import('../../support/two-factor.js');
    const both = twoFactorWorld(store, { keys: { current: 'k2', k2: KEY_2, k1: KEY_1 } }, old.clock);
    const report = await both.tenantry.twoFactor.rotate({ actor: systemActor('ops'), batchSize: 2 });
    expect(report.skipped).toBe(0);
    expect(report.resealed).toBeGreaterThanOrEqual(5);
    expect(await both.tenantry.twoFactor.rotate({ actor: systemActor('ops') })).toEqual({ resealed: 0, skipped: 0 });
    const onlyNew = twoFactorWorld(store, { keys: { current: 'k2', k2: KEY_2 } }, old.clock);
    old.clock.advance(30_000);
    for (const userId of users) {
      await onlyNew.tenantry.twoFactor.verify({ userId, code: await codeNear(secrets.get(userId) as Uint8Array, old.clock.ms) });
    }
    // A keyring without the key a secret names cannot open it: an integrity error, never a 500 with a stack.
    const lost = twoFactorWorld(store, { keys: { current: 'k3', k3: KEY_1 } }, old.clock);
    old.clock.advance(30_000);
    const error = await rejection(
      lost.tenantry.twoFactor.verify({ userId: users[0] as string, code: await codeNear(secrets.get(users[0] as string) as Uint8Array, old.clock.ms) }),
    );
    expect(error).toBeInstanceOf(StorageIntegrityError);
  });
});
