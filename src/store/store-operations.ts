import type { AuditOperations } from './audit-operations.js';
import type { EntitlementOperations } from './entitlement-operations.js';
import type { InvitationOperations } from './invitation-operations.js';
import type { MembershipOperations } from './membership-operations.js';
import type { RateLimitOperations } from './rate-limit-operations.js';
import type { TwoFactorOperations } from './two-factor-operations.js';
import type { WebhookOperations } from './webhook-operations.js';
import type { RetentionOperations } from './retention-operations.js';
import type { IdempotentResponseOperations } from './idempotent-response-operations.js';
import type { TenantRoleOperations } from './tenant-role-operations.js';
import type { LeaseOperations } from './lease-operations.js';

/**
 * Every semantic storage operation: tenants and memberships, the audit log,
 * entitlements, rate limits, retention, two-factor, webhooks and
 * invitations. Each is atomic on its own; a {@link Store.transaction}
 * combines several.
 */
export interface StoreOperations
  extends
    MembershipOperations,
    AuditOperations,
    EntitlementOperations,
    RateLimitOperations,
    RetentionOperations,
    TwoFactorOperations,
    WebhookOperations,
    InvitationOperations,
    IdempotentResponseOperations,
    TenantRoleOperations,
    LeaseOperations {}

/**
 * The name of every store operation, in one list: the store wrapper, the
 * counting store and the adapters' own tables of operations derive from it,
 * and the compiler keeps it complete (see the check below).
 */
export const STORE_OPERATIONS = [
  'createTenant',
  'findTenant',
  'updateTenant',
  'listTenants',
  'deleteTenant',
  'findActiveMembership',
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
  'setCycleAnchor',
  'shiftUsage',
  'consume',
  'consumeGranted',
  'release',
  'readCounters',
  'recordAlert',
  'listAlerts',
  'hitRateLimit',
  'findTwoFactor',
  'saveTwoFactor',
  'advanceTwoFactorStep',
  'deleteTwoFactor',
  'listTwoFactorToReseal',
  'resealTwoFactorSecret',
  'replaceRecoveryCodes',
  'listRecoveryCodes',
  'useRecoveryCode',
  // webhooks
  'insertWebhookEndpoint',
  'findWebhookEndpoint',
  'listWebhookEndpoints',
  'updateWebhookEndpoint',
  'deleteWebhookEndpoint',
  'insertWebhookDeliveries',
  'claimWebhookDeliveries',
  'completeWebhookDelivery',
  'listWebhookDeliveries',
  'listWebhookAttempts',
  'requeueWebhookDelivery',
  'pruneWebhookDeliveries',
  'prune',
  'insertInvitation',
  'findInvitationBySelector',
  'findInvitation',
  'listInvitations',
  'writeInvitation',
  'saveIdempotentResponse',
  'readIdempotentResponse',
  // tenant roles
  'insertTenantRole',
  'listTenantRoles',
  'updateTenantRole',
  'deleteTenantRole',
  // quota leases
  'acquireLease',
  'checkpointLease',
  'returnLease',
  'reclaimLeases',
  'listLeases',
  // the tenants a user can act in
  'listActiveMembershipsOfUser',
] as const satisfies readonly (keyof StoreOperations)[];

/** See {@link STORE_OPERATIONS}. */
export type StoreOperationName = (typeof STORE_OPERATIONS)[number];

// Compile-time completeness: an operation added to the interfaces but not to the list fails here.
type Unlisted = Exclude<keyof StoreOperations, StoreOperationName>;
type AssertComplete<T extends true> = T;
export type StoreOperationsAreListed = AssertComplete<[Unlisted] extends [never] ? true : false>;
