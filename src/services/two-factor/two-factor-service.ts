import { randomBytes, randomUUID } from 'node:crypto';
import { refOf, type Actor, type SystemActor } from '../../core/actors/actor.js';
import { InvalidCodeError, TwoFactorActiveError, TwoFactorNotEnrolledError } from '../../core/errors/index.js';
import { normalizeRecoveryCode, parseTotpCode } from '../../core/two-factor/code-format.js';
import { parseInput } from '../../core/validation/parse-input.js';
import type { TwoFactorOperations } from '../../store/two-factor-operations.js';
import type { TwoFactorRecord } from '../../store/two-factor-records.js';
import type { Effects } from '../effects/effects.js';
import type { AttemptLimit } from './attempt-limit.js';
import type { Keyring } from './keyring.js';
import { hashRecoveryCode, newRecoveryCode, recoveryCodeMatches } from './recovery-codes.js';
import { matchingSteps, otpauthUri, base32Of, type TotpParameters } from './totp.js';
import {
  codeSchema,
  disableSchema,
  enrollSchema,
  rotateSchema,
  userSchema,
  type CodeInput,
  type DisableInput,
  type EnrollInput,
  type RecoveryCodeInput,
  type RotateInput,
  type UserInput,
} from './two-factor-inputs.js';
import type { TwoFactorAuditAction, TwoFactorAuditHook } from './two-factor-options.js';

/** The associated-data purpose of TOTP secrets. */
const TOTP_PURPOSE = 'totp-secret';
/** Bytes of a new TOTP secret: 160 bits, RFC 4226's recommended length for HMAC-SHA-1. */
const SECRET_BYTES = 20;

/** What `enroll` returns, once: show it to the user and do not keep it. */
export interface Enrolment {
  /** The `otpauth://totp/...` URI for a QR code. */
  readonly uri: string;
  /** The secret in base32, for manual entry. */
  readonly secret: string;
  readonly algorithm: TotpParameters['algorithm'];
  readonly digits: TotpParameters['digits'];
  readonly period: number;
}

/** A successful verification: store `verifiedAt` in the host session and pass it as `forRequest({ secondFactorAt })`. */
export interface Verification {
  readonly verifiedAt: Date;
}

/** A spent recovery code. */
export interface RecoveryUse extends Verification {
  /** Unused recovery codes left. */
  readonly remaining: number;
}

/** The user's two-factor state. */
export interface TwoFactorStatus {
  readonly status: 'none' | 'pending' | 'active';
  readonly recoveryCodesRemaining: number;
}

/** What `rotate` did. */
export interface RotationReport {
  /** Secrets re-encrypted with the current key. */
  readonly resealed: number;
  /** Secrets that changed under the rotation (a re-enrolment), left for the next run. */
  readonly skipped: number;
}

/** What the two-factor service works with. Internal wiring. */
export interface TwoFactorDependencies {
  readonly store: TwoFactorOperations;
  readonly keyring: Keyring;
  readonly attempts: AttemptLimit;
  readonly totp: TotpParameters & { readonly drift: number };
  readonly recoveryCodes: number;
  /** How old a verification may be to replace an active factor (the step-up max age). */
  readonly freshForMs: number;
  readonly now: () => Date;
  readonly effects: Effects;
  readonly onAudit: TwoFactorAuditHook | undefined;
}

/**
 * Second factor for the users of the host: TOTP (RFC 6238) enrolment,
 * confirmation and verification with replay protection and attempt limits,
 * and one-time recovery codes. `tenantry.twoFactor`. tenantry does not
 * authenticate users; the host calls `verify` after its own sign-in and keeps
 * `verifiedAt` in its session for step-up.
 */
export class TwoFactorService {
  readonly #deps: TwoFactorDependencies;

  /** @internal Created by `createTenantry({ twoFactor })`. */
  constructor(deps: TwoFactorDependencies) {
    this.#deps = deps;
  }

  /**
   * Creates a pending secret and returns its URI and base32 form, once. A
   * pending enrolment is replaced; an active one only with a fresh
   * verification (`secondFactorAt` within the step-up max age) or a system
   * `actor`, otherwise `TwoFactorActiveError`. The factor is active only
   * after {@link TwoFactorService.confirm}.
   */
  async enroll(input: EnrollInput): Promise<Enrolment> {
    const { userId, issuer, label, secondFactorAt, actor } = parseInput(enrollSchema, input, 'two-factor enrolment');
    const now = this.#deps.now();
    const replaceActive = actor !== undefined || (secondFactorAt !== undefined && this.#isFresh(secondFactorAt, now));
    const secret = new Uint8Array(randomBytes(SECRET_BYTES));
    const { algorithm, digits, period } = this.#deps.totp;
    const record: TwoFactorRecord = {
      userId,
      status: 'pending',
      secret: this.#deps.keyring.seal(secret, { userId, purpose: TOTP_PURPOSE }),
      algorithm,
      digits,
      period,
      lastStep: -1,
      createdAt: now,
      updatedAt: now,
    };
    const existing = await this.#deps.store.findTwoFactor(userId);
    if ((await this.#deps.store.saveTwoFactor({ record, replaceActive })) === 'active_exists') throw new TwoFactorActiveError();
    this.#audit('two_factor.enroll', userId, actor, now, { replacedActive: existing?.status === 'active' });
    const enrolment = { uri: otpauthUri({ issuer, label, secret, algorithm, digits, period }), secret: base32Of(secret), algorithm, digits, period };
    secret.fill(0);
    return Object.freeze(enrolment);
  }

  /**
   * Activates the pending secret with its first valid code.
   * `TwoFactorNotEnrolledError` without a pending enrolment; otherwise like
   * {@link TwoFactorService.verify}.
   */
  async confirm(input: CodeInput): Promise<Verification> {
    const { userId, code } = parseInput(codeSchema, input, 'two-factor confirmation');
    return await this.#acceptCode(userId, code, 'pending');
  }

  /**
   * Verifies a code of the user's active factor: the current step or up to
   * `drift` steps either side. Each step is accepted once: a code of a step
   * at or before the last accepted one is `InvalidCodeError('replayed')`, and
   * the acceptance is one guarded write, so of concurrent verifications of
   * one code exactly one succeeds. A malformed code is
   * `InvalidCodeError('malformed')` (not counted); a wrong one
   * `InvalidCodeError('mismatch')`, counted towards the lockout
   * (`TwoFactorLockedError`, 429). A stored secret that fails authentication
   * is `StorageIntegrityError`.
   */
  async verify(input: CodeInput): Promise<Verification> {
    const { userId, code } = parseInput(codeSchema, input, 'two-factor verification');
    return await this.#acceptCode(userId, code, 'active');
  }

  /** Deletes the user's second factor and recovery codes, audited. False when there was none. */
  async disable(input: DisableInput): Promise<boolean> {
    const { userId, actor } = parseInput(disableSchema, input, 'two-factor disable');
    const deleted = await this.#deps.store.deleteTwoFactor(userId);
    if (deleted) this.#audit('two_factor.disable', userId, actor, this.#deps.now(), {});
    return deleted;
  }

  /** Whether the user has a second factor, and how many recovery codes are left. */
  async status(input: UserInput): Promise<TwoFactorStatus> {
    const { userId } = parseInput(userSchema, input, 'two-factor status');
    const [record, codes] = await Promise.all([this.#deps.store.findTwoFactor(userId), this.#deps.store.listRecoveryCodes(userId)]);
    return Object.freeze({ status: record?.status ?? 'none', recoveryCodesRemaining: codes.length });
  }

  /**
   * A new set of recovery codes (`xxxx-xxxx-xxxx`, 60 bits each), returned
   * once; stored as argon2id hashes, and every older code stops working.
   * Needs an active factor (`TwoFactorNotEnrolledError`).
   */
  async generateRecoveryCodes(input: UserInput): Promise<{ readonly codes: readonly string[] }> {
    const { userId } = parseInput(userSchema, input, 'recovery code generation');
    const record = await this.#deps.store.findTwoFactor(userId);
    if (record?.status !== 'active') throw new TwoFactorNotEnrolledError();
    const now = this.#deps.now();
    const fresh = Array.from({ length: this.#deps.recoveryCodes }, newRecoveryCode);
    const hashes = await Promise.all(fresh.map((code) => hashRecoveryCode(code.canonical)));
    const codes = hashes.map((hash, i) => ({ id: randomUUID(), userId, hash, createdAt: new Date(now.getTime() + i) }));
    await this.#deps.store.replaceRecoveryCodes({ userId, codes });
    this.#audit('two_factor.recovery_codes_generate', userId, undefined, now, { count: codes.length });
    return Object.freeze({ codes: Object.freeze(fresh.map((code) => code.display)) });
  }

  /**
   * Spends one recovery code in place of a TOTP code. Each code works once,
   * even under concurrent use (a guarded write); a wrong or spent code is
   * `InvalidCodeError('used')`, counted towards the lockout.
   */
  async useRecoveryCode(input: RecoveryCodeInput): Promise<RecoveryUse> {
    const { userId, code } = parseInput(codeSchema, input, 'recovery code');
    const canonical = normalizeRecoveryCode(code);
    await this.#gate(userId);
    const unused = await this.#deps.store.listRecoveryCodes(userId);
    // Every unused hash is tried (argon2 is slow on purpose; the codes carry no selector to look one up by).
    for (const stored of unused) {
      if (!(await recoveryCodeMatches(stored.hash, canonical))) continue;
      const at = this.#deps.now();
      if (!(await this.#deps.store.useRecoveryCode({ userId, id: stored.id, at }))) break;
      const remaining = unused.length - 1;
      this.#audit('two_factor.recovery_code_use', userId, undefined, at, { remaining });
      return Object.freeze({ verifiedAt: at, remaining });
    }
    return this.#fail(userId, 'used');
  }

  /**
   * Re-encrypts every secret sealed with an old key with the current one, in
   * batches of `batchSize` (one keyset read, then one compare-and-set write
   * per secret, so a concurrent re-enrolment is never overwritten). Run it
   * after adding a new current key; remove the old key once it reports
   * nothing left. A secret that fails authentication stops the rotation with
   * `StorageIntegrityError`.
   */
  async rotate(input: RotateInput): Promise<RotationReport> {
    const { batchSize = 100 } = parseInput(rotateSchema, input, 'two-factor rotation');
    const { keyring, store } = this.#deps;
    let resealed = 0;
    let skipped = 0;
    let afterUserId: string | undefined;
    for (;;) {
      const page = await store.listTwoFactorToReseal({
        currentKeyId: keyring.currentKeyId,
        limit: batchSize,
        ...(afterUserId === undefined ? {} : { afterUserId }),
      });
      for (const record of page) {
        const context = { userId: record.userId, purpose: TOTP_PURPOSE };
        const plaintext = keyring.open(record.secret, context);
        const written = await store.resealTwoFactorSecret({ userId: record.userId, expected: record.secret, secret: keyring.seal(plaintext, context) });
        plaintext.fill(0);
        if (written) resealed += 1;
        else skipped += 1;
      }
      if (page.length < batchSize) break;
      afterUserId = page[page.length - 1]?.userId;
    }
    return Object.freeze({ resealed, skipped });
  }

  async #acceptCode(userId: string, rawCode: unknown, from: 'pending' | 'active'): Promise<Verification> {
    const { store, keyring, totp } = this.#deps;
    const record = await store.findTwoFactor(userId);
    if (record?.status !== from) throw new TwoFactorNotEnrolledError();
    const code = parseTotpCode(rawCode, record.digits);
    await this.#gate(userId);
    const secret = keyring.open(record.secret, { userId, purpose: TOTP_PURPOSE });
    const now = this.#deps.now();
    let steps: number[];
    try {
      steps = await matchingSteps(secret, code, now.getTime(), totp.drift, record);
    } finally {
      secret.fill(0);
    }
    if (steps.length === 0) return this.#fail(userId, 'mismatch');
    // Newest first: a code that happens to match two steps is accepted for the later one.
    const step = steps.find((s) => s > record.lastStep);
    if (step === undefined || !(await store.advanceTwoFactorStep({ userId, from, step, at: now }))) return this.#fail(userId, 'replayed');
    if (from === 'pending') this.#audit('two_factor.confirm', userId, undefined, now, {});
    return Object.freeze({ verifiedAt: now });
  }

  /** Refuses every attempt of a locked-out user, audited. */
  async #gate(userId: string): Promise<void> {
    try {
      await this.#deps.attempts.assertNotLocked(userId);
    } catch (error) {
      this.#audit('two_factor.locked', userId, undefined, this.#deps.now(), {});
      throw error;
    }
  }

  async #fail(userId: string, reason: 'mismatch' | 'replayed' | 'used'): Promise<never> {
    await this.#deps.attempts.recordFailure(userId);
    this.#audit('two_factor.verify_failed', userId, undefined, this.#deps.now(), { reason });
    throw new InvalidCodeError(reason);
  }

  #isFresh(secondFactorAt: Date, now: Date): boolean {
    const age = now.getTime() - secondFactorAt.getTime();
    return age >= 0 && age <= this.#deps.freshForMs;
  }

  #audit(
    action: TwoFactorAuditAction,
    userId: string,
    actor: SystemActor | undefined,
    at: Date,
    metadata: Readonly<Record<string, string | number | boolean>>,
  ): void {
    const hook = this.#deps.onAudit;
    if (hook === undefined) return;
    const by: Actor = actor ?? { type: 'user', userId };
    const event = Object.freeze({ action, userId, actor: refOf(by), at, metadata: Object.freeze({ ...metadata }) });
    this.#deps.effects.run('twoFactor.onAudit', () => hook(event));
  }
}
