import type {
  RecoveryCodeRecord,
  RecoveryCodeSet,
  RecoveryCodeUse,
  TwoFactorEnrolment,
  TwoFactorRecord,
  TwoFactorReseal,
  TwoFactorResealPage,
  TwoFactorStepAdvance,
} from './two-factor-records.js';

/**
 * Two-factor storage: one row per user (its sealed TOTP secret and replay
 * state) and the user's recovery codes. User-level, not tenant-level. The
 * writes that decide a security outcome are guarded single writes: the
 * `WHERE` clause is the check, so concurrent calls cannot both succeed.
 */
export interface TwoFactorOperations {
  /** The user's second factor, pending or active; `undefined` when none. */
  findTwoFactor(userId: string): Promise<TwoFactorRecord | undefined>;
  /**
   * Stores a pending enrolment, replacing a pending one (and an active one
   * only with `replaceActive`), atomically. `'active_exists'`: an active
   * factor exists and `replaceActive` is false; nothing was written.
   */
  saveTwoFactor(enrolment: TwoFactorEnrolment): Promise<'saved' | 'active_exists'>;
  /**
   * Accepts a code: sets `lastStep` to `step` (and the status to `active`)
   * only where the row has status `from` and `lastStep < step`, in one
   * guarded write. True when it wrote: of concurrent calls with one step,
   * exactly one gets true.
   */
  advanceTwoFactorStep(advance: TwoFactorStepAdvance): Promise<boolean>;
  /** Deletes the user's second factor and recovery codes together. True when a second factor existed. */
  deleteTwoFactor(userId: string): Promise<boolean>;
  /** Up to `limit` second factors sealed with another key than `currentKeyId`, by user id. */
  listTwoFactorToReseal(page: TwoFactorResealPage): Promise<readonly TwoFactorRecord[]>;
  /** Replaces the sealed secret if the row still holds `expected` (compare and set). True when it wrote. */
  resealTwoFactorSecret(reseal: TwoFactorReseal): Promise<boolean>;
  /** Deletes every recovery code of the user and stores `codes`, atomically. */
  replaceRecoveryCodes(set: RecoveryCodeSet): Promise<void>;
  /** The user's unused recovery codes, oldest first (then by id). */
  listRecoveryCodes(userId: string): Promise<readonly RecoveryCodeRecord[]>;
  /** Marks one unused code used, in one guarded write. True when it wrote: of concurrent uses, exactly one gets true. */
  useRecoveryCode(use: RecoveryCodeUse): Promise<boolean>;
}
