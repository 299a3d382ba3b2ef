import { isTenantryError, StorageUnavailableError } from '../../core/errors/index.js';
import type { StoreDialect } from './dialects/store-dialect.js';

/**
 * The error a store operation throws for `error`: tenantry errors as they
 * are, backend failures as `StorageUnavailableError` with the driver error as
 * `cause`, anything else (a bug) unchanged.
 */
export function toStoreError(dialect: StoreDialect, error: unknown): unknown {
  if (isTenantryError(error)) return error;
  if (dialect.classifyError(error) === 'unavailable') {
    return new StorageUnavailableError(`The ${dialect.name} backend is unavailable.`, { cause: error });
  }
  return error;
}
