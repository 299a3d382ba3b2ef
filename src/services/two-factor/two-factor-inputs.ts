import { z } from 'zod';
import { systemActorSchema, type SystemActor } from '../../core/actors/actor.js';
import { userIdSchema } from '../../core/ids/identifiers.js';

/** Input of `twoFactor.enroll`. */
export interface EnrollInput {
  readonly userId: string;
  /** Shown by the authenticator app above the code, e.g. your product name. */
  readonly issuer: string;
  /** The account name shown in the app, e.g. the user's e-mail. Only in the URI; never stored. */
  readonly label: string;
  /**
   * When the user last verified a second factor (from the host session):
   * needed, within the step-up max age, to replace an active factor.
   */
  readonly secondFactorAt?: Date;
  /** A system actor may replace an active factor without a verification (account recovery by support). */
  readonly actor?: SystemActor;
}

/** Input of `twoFactor.confirm` and `twoFactor.verify`. */
export interface CodeInput {
  readonly userId: string;
  /** Exactly the configured number of digits, as typed; see `parseTotpCode`. */
  readonly code: string;
}

/** Input of `twoFactor.useRecoveryCode`. */
export interface RecoveryCodeInput {
  readonly userId: string;
  /** A code as shown (`xxxx-xxxx-xxxx`); case and hyphens do not matter. */
  readonly code: string;
}

/** Input of `twoFactor.disable`. */
export interface DisableInput {
  readonly userId: string;
  /** The system actor of an administrative disable; default: the user themself (the host checked a fresh verification). */
  readonly actor?: SystemActor;
}

/** Input of the user-only calls (`status`, `generateRecoveryCodes`). */
export interface UserInput {
  readonly userId: string;
}

/** Input of `twoFactor.rotate`. */
export interface RotateInput {
  /** Rotation is an administrative operation: an explicit system actor. */
  readonly actor: SystemActor;
  /** Secrets per batch (one read, then one compare-and-set write each), 1 to 1000. Default 100. */
  readonly batchSize?: number;
}

const text = z.string().min(1).max(200);
// Codes are checked by their own parsers, which answer InvalidCodeError('malformed') for anything wrong, a non-string included.
const codeText = z.unknown();

export const enrollSchema = z
  .object({ userId: userIdSchema, issuer: text, label: text, secondFactorAt: z.date().optional(), actor: systemActorSchema.optional() })
  .strict();
export const codeSchema = z.object({ userId: userIdSchema, code: codeText }).strict();
export const disableSchema = z.object({ userId: userIdSchema, actor: systemActorSchema.optional() }).strict();
export const userSchema = z.object({ userId: userIdSchema }).strict();
export const rotateSchema = z.object({ actor: systemActorSchema, batchSize: z.number().int().min(1).max(1000).optional() }).strict();
