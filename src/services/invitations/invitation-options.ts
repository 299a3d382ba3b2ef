import { z } from 'zod';

const DAY_MS = 86_400_000;

/** A fixed-window limit. */
export interface AttemptLimit {
  /** Most attempts per window. */
  readonly limit: number;
  /** Window length in milliseconds. */
  readonly windowMs: number;
}

/** Options of the invitations module (`createTenantry({ invitations })`). */
export interface InvitationOptions {
  /** How long a new or resent token stays valid, in milliseconds. Default is 7 days. */
  readonly expiresInMs?: number;
  /** Longest `expiresInMs` a call may ask for. Default is 30 days. Shortest is always 5 minutes. */
  readonly maxExpiresInMs?: number;
  /**
   * A server secret (at least 32 characters): verifiers are then stored as
   * HMAC-SHA-256 with it instead of SHA-256. Changing it invalidates every
   * outstanding token. Default: none.
   */
  readonly pepper?: string;
  /** Acceptance attempts allowed per token and per caller. Default is 10 per 15 minutes. */
  readonly attempts?: AttemptLimit;
  /** Resends allowed per invitation. Default is 5 per hour. */
  readonly resends?: AttemptLimit;
  /** Most rows one `createMany` call takes. Default is 500, at most 10,000. */
  readonly maxBulkRows?: number;
}

/** Shortest expiry a call may ask for. */
export const MIN_EXPIRES_IN_MS = 5 * 60_000;

const limitSchema = z
  .object({
    limit: z.number().int().min(1).max(1_000_000),
    windowMs: z
      .number()
      .int()
      .min(1000)
      .max(366 * DAY_MS),
  })
  .strict();

/** The strict shape of {@link InvitationOptions}. */
export const invitationOptionsSchema = z
  .object({
    expiresInMs: z
      .number()
      .int()
      .min(MIN_EXPIRES_IN_MS)
      .max(366 * DAY_MS)
      .optional(),
    maxExpiresInMs: z
      .number()
      .int()
      .min(MIN_EXPIRES_IN_MS)
      .max(366 * DAY_MS)
      .optional(),
    pepper: z.string().min(32).max(1024).optional(),
    attempts: limitSchema.optional(),
    resends: limitSchema.optional(),
    maxBulkRows: z.number().int().min(1).max(10_000).optional(),
  })
  .strict()
  .refine((o) => (o.expiresInMs ?? 7 * DAY_MS) <= (o.maxExpiresInMs ?? 30 * DAY_MS), { message: 'expiresInMs must not exceed maxExpiresInMs' });

/** {@link InvitationOptions} with every default applied. */
export interface ResolvedInvitationOptions {
  readonly expiresInMs: number;
  readonly maxExpiresInMs: number;
  readonly pepper: string | undefined;
  readonly attempts: AttemptLimit;
  readonly resends: AttemptLimit;
  readonly maxBulkRows: number;
}

/** Applies the defaults to already validated options. */
export function resolveInvitationOptions(options: InvitationOptions | undefined): ResolvedInvitationOptions {
  return Object.freeze({
    expiresInMs: options?.expiresInMs ?? 7 * DAY_MS,
    maxExpiresInMs: options?.maxExpiresInMs ?? 30 * DAY_MS,
    pepper: options?.pepper,
    attempts: options?.attempts ?? { limit: 10, windowMs: 15 * 60_000 },
    resends: options?.resends ?? { limit: 5, windowMs: 3_600_000 },
    maxBulkRows: options?.maxBulkRows ?? 500,
  });
}
