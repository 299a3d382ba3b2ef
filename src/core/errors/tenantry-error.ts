/**
 * Marks every tenantry error. `Symbol.for` makes the brand shared by every copy
 * of the package loaded in one process (two versions in `node_modules`, or the
 * ESM and CJS builds side by side), which `instanceof` cannot do.
 */
const TENANTRY_ERROR = Symbol.for('tenantry.error');

/**
 * Every stable, machine-readable error code with its HTTP-ish status, in one
 * table: the error classes read their `status` from it and the HTTP adapters
 * render it, so the two cannot disagree. Codes never change meaning once
 * released.
 *
 * - `not_found` (404): the tenant does not exist, the id is malformed, or the actor is not a member (deliberately indistinguishable); also a member or record that does not exist.
 * - `forbidden` (403): the actor is a member but its role lacks the capability (`capability` names it).
 * - `owner_required` (403): only an owner may do this: grant the owner role, change or remove an owner, transfer ownership.
 * - `delegation_denied` (403): a non-owner manager tried to grant, change or remove a role holding more than their own, or to change their own role.
 * - `actor_not_allowed` (403): the operation needs the other kind of actor: provisioning needs a system actor, `leave` a user.
 * - `unknown_capability` (500): a capability string that is not in the registry reached the runtime (a programming error).
 * - `unknown_role` (400): a role string that is not in the role map (the only code for an unknown role).
 * - `validation_failed` (400): input failed validation at the boundary; nothing was written.
 * - `configuration_invalid` (500): a catalog, an option or the wiring is invalid (a programming error).
 * - `already_exists` (409): the record being created exists already (for example a second membership for the same user).
 * - `idempotency_conflict` (409): an idempotency key was reused for a different request; nothing was consumed.
 * - `idempotent_replay` (409): an HTTP request repeated a key already consumed; the guard did not run the handler again.
 * - `last_owner` (409): the change would leave a tenant without an owner; nothing was changed.
 * - `storage_unavailable` (503): the storage backend could not be reached or failed mid-operation; nothing was written, retrying is safe.
 * - `limit_exceeded` (403): a consumption would take usage of a feature (or one of its pools) past its limit; nothing was consumed. Not 429: waiting does not fix a plan limit.
 * - `feature_not_found` (500): a feature key that is not in the feature catalog reached the runtime.
 * - `package_not_found` (404): a package key that is not in the package catalog.
 * - `feature_not_enabled` (403): the feature exists, but no package or active boost of the tenant grants it.
 * - `invalid_code` (401): a two-factor or recovery code was refused (`reason` says why).
 * - `two_factor_not_enrolled` (409): the user has no active (or, for `confirm`, no pending) second factor.
 * - `two_factor_active` (409): re-enrolling would replace an active second factor without a fresh verification or a system actor.
 * - `two_factor_locked` (429): too many failed verifications; `Retry-After` says when to try again.
 * - `second_factor_required` (401): the capability needs a recent second-factor verification (step-up).
 * - `storage_integrity` (500): a stored secret failed authenticated decryption (tampered, moved, or its key is missing).
 * - `unsafe_url` (400): a webhook URL was refused by the SSRF policy (`reason` says which rule); no connection was made.
 * - `webhook_verification_failed` (401): a received webhook failed signature, header or timestamp checks (`reason` says which).
 * - `invalid_token` (404): an invitation token that cannot be accepted, for any reason (deliberately one code: malformed, unknown, wrong, expired, revoked, used).
 * - `too_many_attempts` (429): too many attempts in the current window (invitation acceptances, resends); retry later.
 * - `invalid_snapshot` (400): `parseSnapshot()` got something that is not a client snapshot of a known version (`field` names the part).
 * - `tenant_archived` (409): entitlement consumption in an archived tenant, by any actor (the system actor included); nothing was consumed.
 * - `idempotency_in_progress` (409): an HTTP request repeated a key whose first request is still running; the response-replay helper did not run the handler again.
 * - `role_in_use` (409): a tenant role that members hold cannot be deleted without `reassignTo`; nothing was changed.
 */
export const ERROR_STATUS = Object.freeze({
  not_found: 404,
  forbidden: 403,
  owner_required: 403,
  delegation_denied: 403,
  actor_not_allowed: 403,
  unknown_capability: 500,
  unknown_role: 400,
  validation_failed: 400,
  configuration_invalid: 500,
  already_exists: 409,
  idempotency_conflict: 409,
  idempotent_replay: 409,
  last_owner: 409,
  storage_unavailable: 503,
  limit_exceeded: 403,
  feature_not_found: 500,
  package_not_found: 404,
  feature_not_enabled: 403,
  invalid_code: 401,
  two_factor_not_enrolled: 409,
  two_factor_active: 409,
  two_factor_locked: 429,
  second_factor_required: 401,
  storage_integrity: 500,
  unsafe_url: 400,
  webhook_verification_failed: 401,
  invalid_token: 404,
  too_many_attempts: 429,
  invalid_snapshot: 400,
  idempotency_in_progress: 409,
  tenant_archived: 409,
  role_in_use: 409,
} as const);

/** See {@link ERROR_STATUS}. */
export type TenantryErrorCode = keyof typeof ERROR_STATUS;

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

  /**
   * HTTP-ish status of this error (401, 403, 404, 400, 409, 429, 500, 503), the one the
   * HTTP adapters answer with; readable by non-HTTP callers too. See
   * {@link ERROR_STATUS}.
   */
  get status(): (typeof ERROR_STATUS)[TenantryErrorCode] {
    return ERROR_STATUS[this.code];
  }

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
