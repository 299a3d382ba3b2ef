/**
 * tenantry: tenant-scoped authorization and entitlements.
 *
 * @packageDocumentation
 */
export {
  TenantryError,
  isTenantryError,
  NotFoundError,
  ForbiddenError,
  isNotFoundError,
  isForbiddenError,
  UnknownCapabilityError,
  UnknownRoleError,
  ConfigurationError,
  isUnknownCapabilityError,
  isUnknownRoleError,
  isConfigurationError,
  ValidationError,
  isValidationError,
  AlreadyExistsError,
  StorageUnavailableError,
  STORAGE_UNAVAILABLE_REASONS,
  isAlreadyExistsError,
  isStorageUnavailableError,
  LastOwnerError,
  isLastOwnerError,
  LimitExceededError,
  FeatureNotFoundError,
  PackageNotFoundError,
  FeatureNotEnabledError,
  IdempotencyConflictError,
  isLimitExceededError,
  isFeatureNotFoundError,
  isPackageNotFoundError,
  isFeatureNotEnabledError,
  isIdempotencyConflictError,
} from './core/errors/index.js';
export type {
  StorageUnavailableErrorOptions,
  StorageUnavailableReason,
  TenantryErrorCode,
  TenantryErrorOptions,
  ValidationIssue,
} from './core/errors/index.js';
export { defineCapabilities } from './core/capabilities/define-capabilities.js';
export type { CapabilityRegistry, CapabilityOf } from './core/capabilities/define-capabilities.js';
export { defineRoles } from './core/roles/define-roles.js';
export type { RoleMap, RoleMapOptions, RoleOf } from './core/roles/define-roles.js';
export { decide } from './core/decisions/decision.js';
export type { Decision, DecisionReason, DecisionStatus, MembershipFact } from './core/decisions/decision.js';
export { defaultDisabledReason, toActionState } from './core/decisions/action-state.js';
export type { ActionState, DisabledReasonContext, DisabledReasonFormatter } from './core/decisions/action-state.js';
export { UUID_PATTERN, MAX_TENANT_ID_LENGTH, MAX_USER_ID_LENGTH } from './core/ids/identifiers.js';
export { RequestScope } from './services/authz/request-scope.js';
export type { TenantMembershipSummary } from './services/authz/request-scope.js';
export type { DenialEvent, DenialEventReason, DenialHook } from './services/authz/denial-event.js';
export { localInvalidationBus } from './services/authz/invalidation-bus.js';
export type { InvalidationBus, InvalidationMessage } from './services/authz/invalidation-bus.js';
export type { MembershipCacheOptions } from './services/authz/membership-cache.js';
export { systemActor, userActor } from './core/actors/actor.js';
export type { Actor, SystemActor, UserActor } from './core/actors/actor.js';
export type {
  AddMemberInput,
  ChangeRoleInput,
  CreateTenantInput,
  LeaveTenantInput,
  PageInput,
  RemoveMemberInput,
  TransferOwnershipInput,
} from './services/membership/membership-inputs.js';
export type { CreatedTenant, OwnershipTransfer } from './services/membership/membership-service.js';
export type { Page } from './services/membership/membership-queries.js';
export type { SeatPolicy } from './services/membership/seat-policy.js';
export { createTenantry } from './tenantry/create-tenantry.js';
export type { RequestActor, Tenantry, TenantryOptions } from './tenantry/create-tenantry.js';
export type { ErrorHook, ErrorHookContext } from './core/hooks/error-hook.js';
// The storage port lives in `tenantry/store`; the root keeps what its own API
// names: the Store a host passes in, and the records services return.
export { ACTOR_TYPES, MEMBERSHIP_SOURCES } from './store/records.js';
export type { ActorType, MembershipRecord, MembershipSource, TenantRecord } from './store/records.js';
export type { Store } from './store/store.js';
export { AUDIT_ACTIONS } from './store/audit-records.js';
export type { AuditAction, AuditMetadata, AuditRecord } from './store/audit-records.js';
export { MAX_RATE_LIMIT_KEY_LENGTH, RATE_LIMIT_RETENTION_MS, rateLimitKeyProblem } from './store/rate-limit-hit-rules.js';
export type { AlertRecord, BoostRecord, NamespaceLimitRecord, PackageAssignmentRecord, TenantGrants } from './store/entitlement-records.js';
export {
  defineFeatures,
  definePackages,
  effectiveEntitlements,
  overflowingLimits,
  periodWindow,
  evaluateConsumption,
  evaluateRelease,
  evaluateHierarchicalConsumption,
  evaluateHierarchicalRelease,
  crossedThresholds,
  simulatePackageChange,
  compareLimits,
  COUNTER_CEILING,
  MAX_CONSUME_AMOUNT,
  isGauge,
  PERIOD_UNITS,
  DEFAULT_THRESHOLDS,
  MAX_CATALOG_KEY_LENGTH,
} from './core/entitlements/index.js';
export type * from './core/entitlements/index.js';
export { createEntitlements } from './services/entitlements/create-entitlements.js';
export { seatPolicy } from './services/entitlements/seat-policy.js';
export type { Entitlements, EntitlementsOptions } from './services/entitlements/create-entitlements.js';
export type { GrantsCacheOptions } from './services/entitlements/grants-cache.js';
export type { ConsumeOptions } from './services/entitlements/entitlement-service.js';
export { EntitlementService } from './services/entitlements/entitlement-service.js';
export { ProvisioningService } from './services/entitlements/provisioning-service.js';
export type {
  BlockingLevel,
  EntitlementDecision,
  EntitlementReason,
  FeatureUsage,
  UsageAlert,
  UsageAlertHook,
} from './services/entitlements/entitlement-types.js';
