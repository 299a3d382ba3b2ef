import type { AuditOperations } from './audit-operations.js';
import type { EntitlementOperations } from './entitlement-operations.js';
import type { InvitationOperations } from './invitation-operations.js';
import type { MembershipOperations } from './membership-operations.js';
import type { RateLimitOperations } from './rate-limit-operations.js';

/**
 * Every semantic storage operation: tenants and memberships, the audit log,
 * entitlements, rate limits and invitations. Each is atomic on its own; a
 * {@link Store.transaction} combines several.
 */
export interface StoreOperations extends MembershipOperations, AuditOperations, EntitlementOperations, RateLimitOperations, InvitationOperations {}

/**
 * The name of every store operation, in one list: the store wrapper, the
 * counting store and the adapters' own tables of operations derive from it,
 * and the compiler keeps it complete (see the check below).
 */
export const STORE_OPERATIONS = [
  'createTenant',
  'findTenant',
  'findMembership',
  'listMembershipsOfUser',
  'listMembers',
  'insertMembership',
  'updateMembershipRole',
  'deleteMembership',
  'appendAudit',
  'listAudit',
  'syncFeatures',
  'listFeatures',
  'deleteFeature',
  'assignPackage',
  'cancelPackage',
  'addBoost',
  'setNamespaceLimit',
  'readGrants',
  'consume',
  'release',
  'readCounters',
  'recordAlert',
  'listAlerts',
  'hitRateLimit',
  'insertInvitation',
  'findInvitationBySelector',
  'findInvitation',
  'listInvitations',
  'writeInvitation',
] as const satisfies readonly (keyof StoreOperations)[];

/** See {@link STORE_OPERATIONS}. */
export type StoreOperationName = (typeof STORE_OPERATIONS)[number];

// Compile-time completeness: an operation added to the interfaces but not to the list fails here.
type Unlisted = Exclude<keyof StoreOperations, StoreOperationName>;
type AssertComplete<T extends true> = T;
export type StoreOperationsAreListed = AssertComplete<[Unlisted] extends [never] ? true : false>;
