import type { RoleMap } from '../../core/roles/define-roles.js';

/**
 * Why a membership write by a user actor was refused with `ForbiddenError`.
 * Recorded as `metadata.reason` of a `tenant_membership.denied` audit entry.
 *
 * - `missing_capability`: the actor's role lacks the managing capability
 *   (`manageMembersCapability`, or the owner role when that option is not set).
 * - `owner_role`: a non-owner tried to grant the owner role, or to change or
 *   remove an owner.
 * - `role_exceeds_actor`: the role to grant holds a capability the actor's
 *   own role does not.
 * - `target_exceeds_actor`: the target's current role holds a capability the
 *   actor's own role does not, so the actor may not change or remove them.
 * - `own_role`: a non-owner tried to change (or re-add) their own role.
 * - `not_owner`: an ownership transfer by someone other than the owner giving
 *   up their own ownership, or of a member who is not an owner.
 */
export type MembershipDenialReason = 'missing_capability' | 'owner_role' | 'role_exceeds_actor' | 'target_exceeds_actor' | 'own_role' | 'not_owner';

/** A refusal: its reason, the `capability` the `ForbiddenError` names, and the message. */
export interface MembershipDenial {
  readonly reason: MembershipDenialReason;
  /** A declared capability the actor lacks, or `role:<owner role>` when only an owner may. */
  readonly capability: string;
  readonly message: string;
}

/** The acting member, as read inside the write's transaction. */
export interface DelegatingMember {
  readonly userId: string;
  readonly role: string;
}

/** What a membership write would do. */
export interface DelegatedChange {
  /** The member written. */
  readonly targetUserId: string;
  /** The role granted (`add`, `changeRole`); `undefined` for a removal. */
  readonly grantedRole: string | undefined;
  /** The target's current role; `undefined` when not a member (yet). */
  readonly targetRole: string | undefined;
}

/**
 * The delegation rule: may `actor`, who already holds the managing capability,
 * make `change`? Resolves with the refusal, or `undefined` when allowed.
 *
 * Owners may do anything the last-owner guard lets through. Any other member
 * may grant a role only if every capability of that role is one of their own,
 * and may change or remove a member only if every capability of that member's
 * current role is one of their own; never touch the owner role or an owner
 * (even when the owner role's capabilities happen to be a subset of theirs);
 * and never change their own role, not even downwards (leaving is always
 * possible with `members.leave`). So no sequence of writes by non-owners
 * gives anyone a capability that none of the acting members held.
 *
 * A stored role that is no longer declared grants nothing, so it is a subset
 * of every role. Pure: no storage, no clock.
 */
export function delegationDenial(roles: RoleMap, actor: DelegatingMember, change: DelegatedChange): MembershipDenial | undefined {
  if (roles.isOwner(actor.role)) return undefined;
  const ownerOnly = `role:${roles.ownerRole}`;
  const { grantedRole, targetRole } = change;
  if (grantedRole !== undefined && change.targetUserId === actor.userId) {
    return { reason: 'own_role', capability: ownerOnly, message: 'Only an owner can change their own role.' };
  }
  if ((grantedRole !== undefined && roles.isOwner(grantedRole)) || (targetRole !== undefined && roles.isOwner(targetRole))) {
    return { reason: 'owner_role', capability: ownerOnly, message: 'Only an owner can grant the owner role or change an owner.' };
  }
  const beyondGranted = grantedRole === undefined ? undefined : capabilityBeyond(roles, grantedRole, actor.role);
  if (beyondGranted !== undefined) {
    return { reason: 'role_exceeds_actor', capability: beyondGranted, message: `Cannot grant a role that holds "${beyondGranted}", which your role does not.` };
  }
  const beyondTarget = targetRole === undefined ? undefined : capabilityBeyond(roles, targetRole, actor.role);
  if (beyondTarget !== undefined) {
    return {
      reason: 'target_exceeds_actor',
      capability: beyondTarget,
      message: `Cannot change or remove a member whose role holds "${beyondTarget}", which your role does not.`,
    };
  }
  return undefined;
}

/** The first capability (in registry order) that `role` grants and `own` does not. */
function capabilityBeyond(roles: RoleMap, role: string, own: string): string | undefined {
  return roles.capabilities.all().find((capability) => roles.grants(role, capability) && !roles.grants(own, capability));
}
