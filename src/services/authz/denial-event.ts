import type { ActorRef } from '../../core/actors/actor.js';

/**
 * Why a check was denied, for server-side diagnostics. Finer than the
 * decision's reason: a malformed tenant id is reported as such here, while the
 * decision (and any HTTP response) stays an indistinguishable `not_member`.
 *
 * - `not_member`: well-formed tenant id, but no membership (or no such tenant; for a system actor, no such tenant).
 * - `malformed_tenant_id`: the id failed validation and storage was not touched.
 * - `missing_capability`: member whose role lacks the capability.
 * - `second_factor_required`: member whose role grants a step-up capability, without a recent second-factor verification.
 * - `invitation_<reason>`: a refused acceptance of a known invitation (`capability` is `null`, `status` 404); the
 *   reason is the audit log's `wrong_verifier`, `expired`, `revoked`, `used` or `email_mismatch`, which the caller
 *   never sees (it gets the same `InvalidTokenError`-class 404 for all of them).
 */
export type DenialEventReason =
  | 'not_member'
  | 'malformed_tenant_id'
  | 'missing_capability'
  | 'second_factor_required'
  | 'invitation_wrong_verifier'
  | 'invitation_expired'
  | 'invitation_revoked'
  | 'invitation_used'
  | 'invitation_email_mismatch';

/**
 * Emitted to the `onDenied` hook for every denied check. Contains ids and the
 * capability only: no tokens, no secrets, no user profile data.
 */
export interface DenialEvent {
  /** The capability checked; `null` for a plain membership check (`scope.isMember()`, tenant-context middleware) and a refused invitation acceptance. */
  readonly capability: string | null;
  /** The checked tenant id; `null` when it was malformed (the raw input is never echoed). */
  readonly tenantId: string | null;
  /** Who was denied. */
  readonly actor: ActorRef;
  readonly reason: DenialEventReason;
  /** 401, 403 or 404, as in the decision. */
  readonly status: 401 | 403 | 404;
}

/**
 * Receives denial events. What it throws (or a promise it rejects) goes to
 * the instance's `onError` hook: diagnostics never change an outcome.
 */
export type DenialHook = (event: DenialEvent) => unknown;
