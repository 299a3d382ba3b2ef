import type { RoleMap } from '../roles/define-roles.js';

/**
 * Why a check came out the way it did. Machine-readable; render your own text
 * (or use `actionState()`, which does).
 *
 * - `allowed`: the actor is a member and its role grants the capability.
 * - `missing_capability`: the actor is a member, but its role does not grant the capability.
 * - `not_member`: the actor is not a member of the tenant, the tenant does not exist, or the tenant id is malformed. These are indistinguishable on purpose.
 * - `second_factor_required`: the role grants the capability, but it is a step-up capability and the request carries no verification recent enough (`forRequest({ userId, secondFactorAt })`).
 */
export type DecisionReason = 'allowed' | 'missing_capability' | 'not_member' | 'second_factor_required';

/**
 * HTTP-ish status of a decision: 200 allowed, 401 step-up needed (a fresh
 * second-factor verification), 403 member without the capability, 404 not a
 * member (or no such tenant).
 */
export type DecisionStatus = 200 | 401 | 403 | 404;

/** The outcome of `check()`. Immutable. */
export interface Decision<C extends string = string> {
  /** True only for status 200. */
  readonly allowed: boolean;
  /** 200, 401, 403 or 404; see {@link DecisionStatus}. */
  readonly status: DecisionStatus;
  /** See {@link DecisionReason}. */
  readonly reason: DecisionReason;
  /** The capability that was checked. */
  readonly capability: C;
  /** The tenant id that was checked, as given. */
  readonly tenantId: string;
}

/** The membership facts a decision needs: only the role. */
export interface MembershipFact {
  readonly role: string;
}

/**
 * The pure decision rule. `membership` is `undefined` when the actor is not a
 * member, the tenant does not exist, or the id is malformed.
 */
export function decide<C extends string>(roles: RoleMap<C>, tenantId: string, capability: C, membership: MembershipFact | undefined): Decision<C> {
  if (membership === undefined) {
    return Object.freeze({ allowed: false, status: 404, reason: 'not_member', capability, tenantId });
  }
  if (!roles.grants(membership.role, capability)) {
    return Object.freeze({ allowed: false, status: 403, reason: 'missing_capability', capability, tenantId });
  }
  return Object.freeze({ allowed: true, status: 200, reason: 'allowed', capability, tenantId });
}
