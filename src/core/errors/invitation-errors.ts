import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/** The one message of every refused token, whatever the reason: the caller learns nothing from it. */
const INVALID_TOKEN_MESSAGE = 'Invitation not found or no longer valid.';

/**
 * The invitation token cannot be accepted. Deliberately one error for every
 * reason (a malformed token, an unknown selector, a wrong verifier, an
 * expired, revoked or already accepted invitation, an email that does not
 * match): a guessed or replayed token learns nothing. The reason goes only to
 * the audit log (`tenant_invitation.accept_failed`). A malformed token is
 * refused before any storage access. Status 404, code `invalid_token`.
 */
export class InvalidTokenError extends TenantryError {
  readonly code = 'invalid_token' as const;

  constructor(message = INVALID_TOKEN_MESSAGE, options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/**
 * The token was right, but its invitation was accepted already (a replay, or
 * the loser of two concurrent acceptances). A subclass of
 * {@link InvalidTokenError} with the same code, status and message, so HTTP
 * callers cannot tell it apart; in-process host code may, with `instanceof`.
 */
export class InvitationAlreadyUsedError extends InvalidTokenError {}

/**
 * Too many attempts (failed acceptances per token or per caller, or resends
 * of one invitation) in the current window. Nothing was looked up or
 * written. Status 429, code `too_many_attempts`; the HTTP adapters send
 * `Retry-After`.
 */
export class TooManyAttemptsError extends TenantryError {
  readonly code = 'too_many_attempts' as const;

  /** Whole seconds until the window resets. */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message = 'Too many attempts; retry later.', options?: TenantryErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** True when `value` is an {@link InvalidTokenError} (or {@link InvitationAlreadyUsedError}) from any copy of tenantry. */
export const isInvalidTokenError = hasCode<InvalidTokenError>('invalid_token');

/** True when `value` is a {@link TooManyAttemptsError} from any copy of tenantry. */
export const isTooManyAttemptsError = hasCode<TooManyAttemptsError>('too_many_attempts');
