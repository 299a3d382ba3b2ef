import { z } from 'zod';
import type { ActorRef } from '../../core/actors/actor.js';
import type { TotpAlgorithm, TotpDigits } from '../../store/two-factor-records.js';
import { TOTP_ALGORITHMS } from '../../store/two-factor-records.js';
import type { TwoFactorAttemptOptions } from './attempt-limit.js';
import type { TwoFactorKeys } from './keyring.js';

/**
 * What a two-factor audit event records. User-level, so it goes to the
 * `onAudit` hook rather than a tenant's audit log.
 *
 * - `two_factor.enroll`: a pending secret was created (replacing a pending one, or an active one when `replacedActive`).
 * - `two_factor.confirm`: the first valid code activated the pending secret.
 * - `two_factor.disable`: the second factor and its recovery codes were deleted.
 * - `two_factor.verify_failed`: a verification or recovery code was refused (`reason`: `mismatch`, `replayed`, `used`).
 * - `two_factor.locked`: an attempt was refused because the user is locked out.
 * - `two_factor.recovery_codes_generate`: a new set replaced every old code (`count`).
 * - `two_factor.recovery_code_use`: a recovery code was spent (`remaining`).
 */
export const TWO_FACTOR_AUDIT_ACTIONS = [
  'two_factor.enroll',
  'two_factor.confirm',
  'two_factor.disable',
  'two_factor.verify_failed',
  'two_factor.locked',
  'two_factor.recovery_codes_generate',
  'two_factor.recovery_code_use',
] as const;

/** See {@link TWO_FACTOR_AUDIT_ACTIONS}. */
export type TwoFactorAuditAction = (typeof TWO_FACTOR_AUDIT_ACTIONS)[number];

/** One two-factor audit event: ids, the action and counts; never a secret, code, key or hash. */
export interface TwoFactorAuditEvent {
  readonly action: TwoFactorAuditAction;
  /** The user whose second factor it is. */
  readonly userId: string;
  /** Who acted: the user, or the system actor of an administrative change. */
  readonly actor: ActorRef;
  readonly at: Date;
  readonly metadata: Readonly<Record<string, string | number | boolean>>;
}

/** Receives two-factor audit events. What it throws goes to `onError`; it never changes an outcome. */
export type TwoFactorAuditHook = (event: TwoFactorAuditEvent) => unknown;

/** TOTP parameters of new enrolments (existing ones keep theirs). */
export interface TotpOptions {
  /** Default `'sha1'`, what authenticator apps expect. */
  readonly algorithm?: TotpAlgorithm;
  /** Default 6. */
  readonly digits?: TotpDigits;
  /** Seconds per step. Default 30. */
  readonly period?: number;
  /** Steps of clock drift accepted on each side of the current one, 0 to 2. Default 1. */
  readonly drift?: number;
}

/** Step-up: capabilities that need a recent second-factor verification. */
export interface StepUpOptions<C extends string> {
  /** The sensitive capabilities. */
  readonly capabilities: readonly C[];
  /** How old a verification (`secondFactorAt`) may be. Default 5 minutes. */
  readonly maxAgeMs?: number;
}

/** The `twoFactor` option of `createTenantry`. */
export interface TwoFactorOptions<C extends string> {
  /** The keyring sealing TOTP secrets at rest (AES-256-GCM); see {@link TwoFactorKeys}. */
  readonly keys: TwoFactorKeys;
  readonly totp?: TotpOptions;
  /** Failed-attempt limit and lockout. */
  readonly attempts?: TwoFactorAttemptOptions;
  /** Recovery codes per set, 1 to 50. Default 10. */
  readonly recoveryCodes?: number;
  /** Capabilities that need a fresh verification. Default: none. */
  readonly stepUp?: StepUpOptions<C>;
  readonly onAudit?: TwoFactorAuditHook;
}

/** The strict shape of {@link TwoFactorOptions}, except `keys`, which the keyring checks itself (so no key reaches a zod message). */
export const twoFactorOptionsSchema = z
  .object({
    keys: z.unknown(),
    totp: z
      .object({
        algorithm: z.enum(TOTP_ALGORITHMS).optional(),
        digits: z.union([z.literal(6), z.literal(7), z.literal(8)]).optional(),
        period: z.number().int().min(10).max(300).optional(),
        drift: z.number().int().min(0).max(2).optional(),
      })
      .strict()
      .optional(),
    attempts: z
      .object({
        maxFailures: z.number().int().min(1).max(1000).optional(),
        windowMs: z
          .number()
          .int()
          .min(1000)
          .max(24 * 3_600_000)
          .optional(),
      })
      .strict()
      .optional(),
    recoveryCodes: z.number().int().min(1).max(50).optional(),
    stepUp: z
      .object({ capabilities: z.array(z.string()), maxAgeMs: z.number().int().min(1000).optional() })
      .strict()
      .optional(),
    onAudit: z.custom((value) => typeof value === 'function', { message: 'expected a function receiving two-factor audit events' }).optional(),
  })
  .strict();
