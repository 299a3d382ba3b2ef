import type { Member } from './member-view.js';

/**
 * Who takes over a tenant whose last owner is being offboarded: the user id
 * of a current member (promoted to the owner role), or `undefined` to leave
 * that tenant alone (the removal is then refused and reported).
 */
export type SuccessorPolicy = (context: {
  readonly tenantId: string;
  /** The departing user. */
  readonly userId: string;
  /** The tenant's other members (at most 1000), ordered by user id. */
  readonly members: readonly Member[];
}) => string | undefined | Promise<string | undefined>;

/** Input of `scope.members.removeUserEverywhere` (system actors). */
export interface RemoveUserEverywhereInput {
  readonly userId: string;
  /** Who takes over where the user is the last owner. Default: nobody (those tenants are refused and reported). */
  readonly successor?: SuccessorPolicy;
}

/** What happened in one tenant of an offboarding. */
export type OffboardingOutcome =
  | { readonly tenantId: string; readonly outcome: 'removed'; readonly member: Member; readonly successor: string | null }
  | { readonly tenantId: string; readonly outcome: 'last_owner' }
  | { readonly tenantId: string; readonly outcome: 'not_found' };

/** Result of `scope.members.removeUserEverywhere`: one entry per tenant the user belonged to, ordered by tenant id. */
export interface OffboardingReport {
  readonly userId: string;
  readonly tenants: readonly OffboardingOutcome[];
  /** True when the user was removed from every tenant. */
  readonly complete: boolean;
}
