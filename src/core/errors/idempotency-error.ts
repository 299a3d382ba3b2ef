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
