import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * The tenant does not exist, the tenant id is malformed, or the actor is not a
 * member of it. These cases are deliberately indistinguishable, so that a
 * non-member cannot probe which tenants exist. Also a member or record named
 * by an operation that does not exist. Status 404, code `not_found`.
 */
export class NotFoundError extends TenantryError {
  readonly code = 'not_found' as const;

  /**
   * What was not found when it is not the tenant (or a member of it): `user`
   * for a user id the host's `users` port does not know. Absent otherwise.
   */
  readonly entity?: 'user';

  constructor(message = 'Tenant not found.', options?: TenantryErrorOptions & { readonly entity?: 'user' }) {
    super(message, options);
    if (options?.entity !== undefined) this.entity = options.entity;
  }
}

/**
 * The actor is a member of the tenant, but its role does not grant the
 * capability. Status 403, code `forbidden`.
 */
export class ForbiddenError extends TenantryError {
  readonly code = 'forbidden' as const;

  /** The capability that was required. */
  readonly capability: string;

  constructor(capability: string, message = `Missing capability "${capability}".`, options?: TenantryErrorOptions) {
    super(message, options);
    this.capability = capability;
  }
}

/** True when `value` is a {@link NotFoundError} from any copy of tenantry. */
export const isNotFoundError = hasCode<NotFoundError>('not_found');

/** True when `value` is a {@link ForbiddenError} from any copy of tenantry. */
export const isForbiddenError = hasCode<ForbiddenError>('forbidden');

/**
 * Why only an owner may do what was attempted.
 *
 * - `owner_role`: granting the owner role, or changing or removing a member who holds it.
 * - `not_owner`: transferring ownership that the actor does not hold (a user may transfer only their own).
 */
export type OwnerRequiredReason = 'owner_role' | 'not_owner';

/**
 * Only an owner may do this: grant the owner role, change or remove an
 * owner, or transfer ownership. Status 403, code `owner_required`.
 */
export class OwnerRequiredError extends TenantryError {
  readonly code = 'owner_required' as const;

  /** See {@link OwnerRequiredReason}. */
  readonly reason: OwnerRequiredReason;

  constructor(reason: OwnerRequiredReason, message = 'Only an owner can do this.', options?: TenantryErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * Why the delegation rule refused a non-owner manager's change.
 *
 * - `role_exceeds_actor`: the role to grant holds a capability the actor's own role does not (`capability` names it).
 * - `target_exceeds_actor`: the member to change or remove holds a capability the actor's role does not (`capability` names it).
 * - `own_role`: a non-owner may not change their own role (another manager can; anyone can leave).
 */
export type DelegationDeniedReason = 'role_exceeds_actor' | 'target_exceeds_actor' | 'own_role';

/**
 * The delegation rule refused the change: a member who manages memberships
 * without being an owner may grant, change to or remove only roles whose
 * capabilities are all their own, and never their own role. Status 403,
 * code `delegation_denied`.
 */
export class DelegationDeniedError extends TenantryError {
  readonly code = 'delegation_denied' as const;

  /** See {@link DelegationDeniedReason}. */
  readonly reason: DelegationDeniedReason;

  /** The capability the actor lacks, for `role_exceeds_actor` and `target_exceeds_actor`; `null` for `own_role`. */
  readonly capability: string | null;

  constructor(reason: DelegationDeniedReason, capability: string | null, message = 'Your role cannot make this change.', options?: TenantryErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.capability = capability;
  }
}

/**
 * The operation needs the other kind of actor: provisioning (plans, boosts,
 * namespace limits) and listing every tenant need a system actor
 * (`tenantry.as(systemActor(label))`); `members.leave` needs a user. Status
 * 403, code `actor_not_allowed`.
 */
export class ActorNotAllowedError extends TenantryError {
  readonly code = 'actor_not_allowed' as const;

  /** The kind of actor the operation needs. */
  readonly required: 'system' | 'user';

  constructor(required: 'system' | 'user', message = `This operation needs a ${required} actor.`, options?: TenantryErrorOptions) {
    super(message, options);
    this.required = required;
  }
}

/** True when `value` is an {@link OwnerRequiredError} from any copy of tenantry. */
export const isOwnerRequiredError = hasCode<OwnerRequiredError>('owner_required');

/** True when `value` is a {@link DelegationDeniedError} from any copy of tenantry. */
export const isDelegationDeniedError = hasCode<DelegationDeniedError>('delegation_denied');

/** True when `value` is an {@link ActorNotAllowedError} from any copy of tenantry. */
export const isActorNotAllowedError = hasCode<ActorNotAllowedError>('actor_not_allowed');
