import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * Why a one-time code was refused.
 *
 * - `malformed`: not a string of exactly the configured number of ASCII digits (whitespace, letters, wrong length). Not counted as a failed attempt: it reveals nothing about the secret.
 * - `mismatch`: well-formed, but no time step within the drift window produces it.
 * - `replayed`: it matches a time step at or before the last one accepted for this user (the same code twice, or an earlier still-valid code after a later one).
 * - `used`: a recovery code that does not match any unused recovery code of the user.
 */
export type InvalidCodeReason = 'malformed' | 'mismatch' | 'replayed' | 'used';

/**
 * A one-time code (TOTP or recovery code) was refused. The code itself is
 * never copied into the error. Status 401, code `invalid_code`.
 */
export class InvalidCodeError extends TenantryError {
  readonly code = 'invalid_code' as const;

  /** See {@link InvalidCodeReason}. */
  readonly reason: InvalidCodeReason;

  constructor(reason: InvalidCodeReason, message = 'The code is not valid.', options?: TenantryErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * The user has no active second factor (never enrolled, only a pending
 * enrolment, or disabled), or `confirm` found no pending enrolment. Status
 * 409, code `two_factor_not_enrolled`.
 */
export class TwoFactorNotEnrolledError extends TenantryError {
  readonly code = 'two_factor_not_enrolled' as const;

  constructor(message = 'Two-factor authentication is not enrolled for this user.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/**
 * `enroll` would replace an active second factor without a fresh
 * verification or a system actor. Status 409, code `two_factor_active`.
 */
export class TwoFactorActiveError extends TenantryError {
  readonly code = 'two_factor_active' as const;

  constructor(
    message = 'Two-factor authentication is already active; re-enrolling needs a fresh verification or a system actor.',
    options?: TenantryErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Too many failed verifications for this user in the current window: every
 * verification is refused until the window ends, a correct code included.
 * Status 429, code `two_factor_locked`; HTTP adapters send `Retry-After`.
 */
export class TwoFactorLockedError extends TenantryError {
  readonly code = 'two_factor_locked' as const;

  /** Whole seconds (at least 1) until the lockout ends. */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message = 'Too many failed verifications; try again later.', options?: TenantryErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The capability needs a recent second-factor verification that the request
 * does not carry (`forRequest({ userId, secondFactorAt })`). Status 401, code
 * `second_factor_required`.
 */
export class SecondFactorRequiredError extends TenantryError {
  readonly code = 'second_factor_required' as const;

  /** The capability that needs the step-up. */
  readonly capability: string;

  constructor(capability: string, message = `Capability "${capability}" needs a recent second-factor verification.`, options?: TenantryErrorOptions) {
    super(message, options);
    this.capability = capability;
  }
}

/**
 * A stored secret could not be decrypted: its ciphertext or nonce was
 * altered, it was moved to another user (the associated data differs), or its
 * key id is not in the keyring. Nothing about the key or the plaintext is in
 * the error. Status 500, code `storage_integrity`.
 */
export class StorageIntegrityError extends TenantryError {
  readonly code = 'storage_integrity' as const;

  constructor(message = 'A stored two-factor secret failed its integrity check.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/** True when `value` is an {@link InvalidCodeError} from any copy of tenantry. */
export const isInvalidCodeError = hasCode<InvalidCodeError>('invalid_code');
/** True when `value` is a {@link TwoFactorNotEnrolledError} from any copy of tenantry. */
export const isTwoFactorNotEnrolledError = hasCode<TwoFactorNotEnrolledError>('two_factor_not_enrolled');
/** True when `value` is a {@link TwoFactorActiveError} from any copy of tenantry. */
export const isTwoFactorActiveError = hasCode<TwoFactorActiveError>('two_factor_active');
/** True when `value` is a {@link TwoFactorLockedError} from any copy of tenantry. */
export const isTwoFactorLockedError = hasCode<TwoFactorLockedError>('two_factor_locked');
/** True when `value` is a {@link SecondFactorRequiredError} from any copy of tenantry. */
export const isSecondFactorRequiredError = hasCode<SecondFactorRequiredError>('second_factor_required');
/** True when `value` is a {@link StorageIntegrityError} from any copy of tenantry. */
export const isStorageIntegrityError = hasCode<StorageIntegrityError>('storage_integrity');
