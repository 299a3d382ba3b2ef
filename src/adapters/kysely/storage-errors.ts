import type { StorageFailure } from '../../store/store-adapter.js';
import type { StoreDialect } from './dialects/store-dialect.js';
import { DriverErrorCause } from './driver-error-cause.js';

/**
 * `KyselyAdapter.classifyError`: a failure that provably comes from the
 * driver, the network or the server, with the dialect's reason and a
 * sanitized copy of the driver error as the cause to keep
 * ({@link DriverErrorCause}); `undefined` for anything else (a bug, a Kysely
 * `NoResultError`, a tenantry error), which then surfaces as itself.
 */
export function storageFailureOf(dialect: StoreDialect, error: unknown): StorageFailure | undefined {
  const reason = dialect.unavailableReason(error);
  return reason === undefined ? undefined : { reason, cause: new DriverErrorCause(error) };
}
