import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * An idempotency key was reused for a different request (another feature,
 * amount or namespace). Nothing was consumed. Status 409, code
 * `idempotency_conflict`.
 */
export class IdempotencyConflictError extends TenantryError {
  readonly code = 'idempotency_conflict' as const;

  constructor(message = 'This idempotency key was already used for a different request.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/** True when `value` is an {@link IdempotencyConflictError} from any copy of tenantry. */
export const isIdempotencyConflictError = hasCode<IdempotencyConflictError>('idempotency_conflict');

/**
 * The request repeats an idempotency key whose consumption was already
 * counted: the HTTP entitlement guard answers it instead of running the
 * handler again (unless the route opts in with `onReplay: 'pass'` or
 * replays stored responses). Nothing was consumed. Status 409, code
 * `idempotent_replay`.
 */
export class IdempotentReplayError extends TenantryError {
  readonly code = 'idempotent_replay' as const;

  constructor(message = 'This request was already processed under its idempotency key; nothing was consumed again.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/** True when `value` is an {@link IdempotentReplayError} from any copy of tenantry. */
export const isIdempotentReplayError = hasCode<IdempotentReplayError>('idempotent_replay');

/**
 * The request repeats an idempotency key whose first request is still
 * running: its usage is counted but its response is not stored yet, and
 * the response-replay helper waited as long as it was told to. The handler
 * was not run again and nothing was consumed; retry later to get the stored
 * response. Status 409, code `idempotency_in_progress`.
 */
export class IdempotencyInProgressError extends TenantryError {
  readonly code = 'idempotency_in_progress' as const;

  constructor(message = 'The first request under this idempotency key is still being processed; retry later.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/** True when `value` is an {@link IdempotencyInProgressError} from any copy of tenantry. */
export const isIdempotencyInProgressError = hasCode<IdempotencyInProgressError>('idempotency_in_progress');
