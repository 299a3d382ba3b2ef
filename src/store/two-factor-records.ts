/**
 * HMAC algorithms a TOTP secret can use (RFC 6238 §1.2). `sha1` is what
 * authenticator apps expect; the others exist for the RFC vectors and for
 * hosts whose authenticators support them.
 */
export const TOTP_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;

/** See {@link TOTP_ALGORITHMS}. */
export type TotpAlgorithm = (typeof TOTP_ALGORITHMS)[number];

/** Digits of a TOTP code (RFC 4226 §5.3 allows 6 to 8). */
export type TotpDigits = 6 | 7 | 8;

/**
 * A TOTP secret as stored: AES-256-GCM ciphertext (with its tag appended),
 * the nonce it was sealed under and the id of the key that sealed it, all
 * base64. The plaintext never reaches the store.
 */
export interface SealedSecret {
  readonly ciphertext: string;
  readonly nonce: string;
  readonly keyId: string;
}

/**
 * A user's second factor. `pending` until the first valid code confirms it,
 * then `active`. `lastStep` is the last accepted TOTP time step (`-1` before
 * any): a code of a step at or before it is a replay.
 */
export interface TwoFactorRecord {
  readonly userId: string;
  readonly status: 'pending' | 'active';
  readonly secret: SealedSecret;
  readonly algorithm: TotpAlgorithm;
  readonly digits: TotpDigits;
  /** Seconds per time step. */
  readonly period: number;
  readonly lastStep: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Input of `saveTwoFactor`: a new pending enrolment. */
export interface TwoFactorEnrolment {
  readonly record: TwoFactorRecord;
  /** Replace an active second factor too (the service checked a fresh verification or a system actor). */
  readonly replaceActive: boolean;
}

/** Input of `advanceTwoFactorStep`: the guarded write that accepts a code. */
export interface TwoFactorStepAdvance {
  readonly userId: string;
  /** The status the row must have: `pending` to confirm (and activate), `active` to verify. */
  readonly from: 'pending' | 'active';
  /** The time step of the accepted code; written only if greater than the stored `lastStep`. */
  readonly step: number;
  readonly at: Date;
}

/** Input of `resealTwoFactorSecret`: rotation's compare-and-set of one secret. */
export interface TwoFactorReseal {
  readonly userId: string;
  /** The sealed secret read for rotation; the write happens only if the row still holds exactly it. */
  readonly expected: SealedSecret;
  readonly secret: SealedSecret;
}

/** Input of `listTwoFactorToReseal`: one keyset page of secrets not sealed with `currentKeyId`. */
export interface TwoFactorResealPage {
  readonly currentKeyId: string;
  /** Only users after this id (code-unit order). */
  readonly afterUserId?: string;
  /** 1 to 1000. */
  readonly limit: number;
}

/** One stored recovery code: an argon2id hash (PHC string), never the code. */
export interface RecoveryCodeRecord {
  /** Random id, unique. */
  readonly id: string;
  readonly userId: string;
  readonly hash: string;
  readonly createdAt: Date;
}

/** Input of `replaceRecoveryCodes`: the new set, which invalidates every old code of the user. */
export interface RecoveryCodeSet {
  readonly userId: string;
  readonly codes: readonly RecoveryCodeRecord[];
}

/** Input of `useRecoveryCode`: the guarded write that spends one code. */
export interface RecoveryCodeUse {
  readonly userId: string;
  readonly id: string;
  readonly at: Date;
}
