import { isTenantryError, StorageUnavailableError } from '../../core/errors/index.js';
import type { StoreDialect } from './dialects/store-dialect.js';
import { DriverErrorCause } from './driver-error-cause.js';

/**
 * The error a store operation throws for `error`: tenantry errors as they
 * are; failures that provably come from the driver, the network or the
 * server as `StorageUnavailableError` with the dialect's `reason` and a
 * sanitized copy of the driver error as `cause` ({@link DriverErrorCause});
 * anything else (a bug, a Kysely `NoResultError`) unchanged.
 */
export function toStoreError(dialect: StoreDialect, error: unknown): unknown {
  if (isTenantryError(error)) return error;
  const reason = dialect.unavailableReason(error);
  if (reason === undefined) return error;
  return new StorageUnavailableError(`The ${dialect.name} backend is unavailable (${reason}).`, { cause: new DriverErrorCause(error), reason });
}
