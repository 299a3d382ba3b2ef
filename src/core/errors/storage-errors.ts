import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * The record being created already exists, for example a second membership
 * for the same (tenant, user) pair. Store adapters translate their driver's
 * unique-violation errors into this. Status 409, code `already_exists`.
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
 * Why the storage backend failed, as far as the adapter can tell. Every
 * reason means the operation did not take effect; they differ in what a
 * retry can expect.
 *
 * - `unreachable`: no connection could be made (refused, unknown host, network down, connect timeout, server still starting up).
 * - `connection_lost`: the connection broke or was ended mid-operation (reset, terminated with `pg_terminate_backend` or `KILL`, server shutdown, idle timeout).
 * - `closed`: the store's own database handle was closed (`db.destroy()`, a closed pool or SQLite connection); retrying in this process will fail the same way.
 * - `timeout`: a server-side time limit expired while the operation waited or ran: lock wait timeout (PostgreSQL `lock_timeout`, InnoDB `innodb_lock_wait_timeout`), statement timeout (`statement_timeout`, `max_statement_time`, `max_execution_time`).
 * - `deadlock`: the server chose this transaction as a deadlock victim and rolled it back.
 * - `serialization_failure`: the transaction could not be serialized with a concurrent one (PostgreSQL `40001`).
 * - `busy`: SQLite's database lock stayed taken past the busy timeout.
 * - `resources_exhausted`: too many connections, out of memory or disk space.
 * - `server_error`: the server or the file system failed (I/O error, system error, read-only or unopenable database file, interrupted query).
 * - `unknown`: the failure was not classified, e.g. a `StorageUnavailableError` built without a reason (a third-party adapter's own), or a classifier that recognised an outage without telling which.
 */
export const STORAGE_UNAVAILABLE_REASONS = [
  'unreachable',
  'connection_lost',
  'closed',
  'timeout',
  'deadlock',
  'serialization_failure',
  'busy',
  'resources_exhausted',
  'server_error',
  'unknown',
] as const;

/** See {@link STORAGE_UNAVAILABLE_REASONS}. */
export type StorageUnavailableReason = (typeof STORAGE_UNAVAILABLE_REASONS)[number];

/** Options of {@link StorageUnavailableError}. */
export interface StorageUnavailableErrorOptions extends TenantryErrorOptions {
  /** Why the backend failed. Default is `'unknown'`. */
  readonly reason?: StorageUnavailableReason;
}

/**
 * The storage backend failed: connection lost, server shut down, transaction
 * aborted, a lock or statement timeout. The operation did not take effect
 * (adapters run multi-step writes in a transaction), so retrying is safe (status 503, code `storage_unavailable`);
 * `reason` says what happened. The Kysely store keeps a sanitized copy of
 * the driver error in `cause` (its `code`, `errno`, `sqlState`, `severity`
 * and message, without SQL text or parameter values), so the error is safe
 * to log whole.
 *
 * @example
 * ```ts
 * try {
 *   await store.hitRateLimit(hit);
 * } catch (error) {
 *   if (isStorageUnavailableError(error) && error.reason === 'timeout') {
 *     // A lock was held too long: try again shortly.
 *   }
 *   throw error;
 * }
 * ```
 */
export class StorageUnavailableError extends TenantryError {
  readonly code = 'storage_unavailable' as const;

  /** Why the backend failed; see {@link STORAGE_UNAVAILABLE_REASONS}. */
  readonly reason: StorageUnavailableReason;

  constructor(message = 'The storage backend is unavailable.', options: StorageUnavailableErrorOptions = {}) {
    super(message, options);
    this.reason = options.reason ?? 'unknown';
  }
}

/** True when `value` is an {@link AlreadyExistsError} from any copy of tenantry. */
export const isAlreadyExistsError = hasCode<AlreadyExistsError>('already_exists');

/** True when `value` is a {@link StorageUnavailableError} from any copy of tenantry. */
export const isStorageUnavailableError = hasCode<StorageUnavailableError>('storage_unavailable');
