/**
 * Marks every tenantry error. `Symbol.for` makes the brand shared by every copy
 * of the package loaded in one process (two versions in `node_modules`, or the
 * ESM and CJS builds side by side), which `instanceof` cannot do.
 */
const TENANTRY_ERROR = Symbol.for('tenantry.error');

/**
 * Stable, machine-readable error codes. They never change meaning once
 * released; HTTP adapters map them to statuses and problem types.
 *
 * - `not_found`: the tenant does not exist or the actor is not a member (the two are deliberately indistinguishable).
 * - `forbidden`: the actor is a member but its role lacks the capability.
 * - `unknown_capability`: a capability string that is not in the registry reached the runtime (a programming error).
 * - `unknown_role`: a role string that is not in the role map.
 * - `validation_failed`: input failed validation at the boundary; nothing was written.
 * - `configuration_invalid`: `defineCapabilities`, `defineRoles` or `createTenantry` received an invalid configuration.
 * - `already_exists`: the record being created exists already (for example a second membership for the same user).
 * - `idempotency_conflict`: an idempotency key was reused for a different request; nothing was consumed.
 * - `last_owner`: the change would leave a tenant without an owner; nothing was changed.
 * - `storage_unavailable`: the storage backend could not be reached or failed mid-operation; nothing was written.
 * - `limit_exceeded`: a consumption would take usage of a feature (or one of its pools) past its limit; nothing was consumed.
 * - `feature_not_found`: a feature key that is not in the feature catalog reached the runtime.
 * - `package_not_found`: a package key that is not in the package catalog reached the runtime.
 * - `feature_not_enabled`: the feature exists, but no package or active boost of the tenant grants it.
 */
export type TenantryErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'unknown_capability'
  | 'unknown_role'
  | 'validation_failed'
  | 'configuration_invalid'
  | 'already_exists'
  | 'idempotency_conflict'
  | 'last_owner'
  | 'storage_unavailable'
  | 'limit_exceeded'
  | 'feature_not_found'
  | 'package_not_found'
  | 'feature_not_enabled';

/** Options accepted by every tenantry error constructor. */
export interface TenantryErrorOptions {
  /** The underlying error, kept as the ES2022 `cause`. */
  readonly cause?: unknown;
}

/**
 * Base class of every error tenantry throws. Each subclass has a stable
 * {@link TenantryErrorCode} in `code`; branch on `code` (or the `isXError`
 * guards), never on `message`, which is for humans and may be reworded.
 *
 * @example
 * ```ts
 * try {
 *   await scope.authorize(tenantId, 'billing.read');
 * } catch (error) {
 *   if (isTenantryError(error)) console.log(error.code);
 *   throw error;
 * }
 * ```
 */
export abstract class TenantryError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: TenantryErrorCode;

  /** Brand read by {@link isTenantryError}; survives duplicate package copies. */
  readonly [TENANTRY_ERROR] = true;

  constructor(message: string, options: TenantryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/**
 * True when `value` is an error thrown by any copy of tenantry.
 *
 * Works across package copies because it reads a `Symbol.for` brand rather
 * than relying on `instanceof`.
 */
export function isTenantryError(value: unknown): value is TenantryError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TENANTRY_ERROR] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/**
 * Builds a guard for one error code. Internal: each error module exports its
 * own named guard built with this.
 */
export function hasCode<E extends TenantryError>(code: E['code']) {
  return (value: unknown): value is E => isTenantryError(value) && value.code === code;
}
