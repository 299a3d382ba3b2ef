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
  isAlreadyExistsError,
  isStorageUnavailableError,
  LastOwnerError,
  isLastOwnerError,
} from './core/errors/index.js';
export type { TenantryErrorCode, TenantryErrorOptions, ValidationIssue } from './core/errors/index.js';
export { defineCapabilities } from './core/capabilities/define-capabilities.js';
export type { CapabilityRegistry, CapabilityOf } from './core/capabilities/define-capabilities.js';
export { defineRoles } from './core/roles/define-roles.js';
export type { RoleMap, RoleMapOptions, RoleOf } from './core/roles/define-roles.js';
export { decide } from './core/decisions/decision.js';
export type { Decision, DecisionReason, DecisionStatus, MembershipFact } from './core/decisions/decision.js';
export { defaultDisabledReason, toActionState } from './core/decisions/action-state.js';
export type { ActionState, DisabledReasonContext, DisabledReasonFormatter } from './core/decisions/action-state.js';
export { UUID_PATTERN, MAX_TENANT_ID_LENGTH, MAX_USER_ID_LENGTH } from './core/ids/identifiers.js';
export { RequestScope } from './authz/request-scope.js';
export type { TenantMembershipSummary } from './authz/request-scope.js';
export type { DenialEvent, DenialEventReason, DenialHook } from './authz/denial-event.js';
export { localInvalidationBus } from './authz/invalidation-bus.js';
export type { InvalidationBus, InvalidationMessage } from './authz/invalidation-bus.js';
export type { MembershipCacheOptions } from './authz/membership-cache.js';
export { systemActor, userActor } from './membership/actor.js';
export type { Actor, SystemActor, UserActor } from './membership/actor.js';
export type {
  AddMemberInput,
  ChangeRoleInput,
  CreateTenantInput,
  CreatedTenant,
  ListMembersInput,
  MemberPage,
  RemoveMemberInput,
} from './membership/membership-service.js';
export { createTenantry } from './tenantry.js';
export type { RequestActor, Tenantry, TenantryOptions } from './tenantry.js';
export { MEMBERSHIP_SOURCES } from './store/records.js';
export type {
  GuardedWriteResult,
  MemberPageRequest,
  MembershipRecord,
  MembershipRemoval,
  MembershipSource,
  NewMembership,
  NewTenant,
  RoleChange,
  TenantRecord,
} from './store/records.js';
export type { Store, StoreOperations } from './store/store.js';
