import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * The record being created already exists, for example a second membership
 * for the same (tenant, user) pair. Store adapters translate their driver's
 * unique-violation errors into this.
 */
export class AlreadyExistsError extends TenantryError {
  readonly code = 'already_exists' as const;

  /** Which kind of record collided, e.g. `"membership"`. */
  readonly entity: string;

  constructor(entity: string, message = `The ${entity} already exists.`, options?: TenantryErrorOptions) {
    super(message, options);
    this.entity = entity;
  }
}

/**
 * The storage backend failed: connection lost, server shut down, transaction
 * aborted. The operation did not take effect (adapters run multi-step writes
 * in a transaction), so retrying is safe. The driver error is in `cause`.
 */
export class StorageUnavailableError extends TenantryError {
  readonly code = 'storage_unavailable' as const;

  constructor(message = 'The storage backend is unavailable.', options?: TenantryErrorOptions) {
    super(message, options);
  }
}

/** True when `value` is an {@link AlreadyExistsError} from any copy of tenantry. */
export const isAlreadyExistsError = hasCode<AlreadyExistsError>('already_exists');

/** True when `value` is a {@link StorageUnavailableError} from any copy of tenantry. */
export const isStorageUnavailableError = hasCode<StorageUnavailableError>('storage_unavailable');
