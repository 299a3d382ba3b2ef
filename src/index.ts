/**
 * tenantry: tenant-scoped authorization and entitlements.
 *
 * One composition root, {@link createTenantry}; one scope per actor
 * (`tenantry.forRequest({ userId })`, `tenantry.as(systemActor(label))`)
 * with every operation. The storage port lives in `tenantry/store`.
 *
 * @packageDocumentation
 */

// Errors
export {
  ERROR_STATUS,
  TenantryError,
  isTenantryError,
  NotFoundError,
  ForbiddenError,
  OwnerRequiredError,
  DelegationDeniedError,
  ActorNotAllowedError,
  isNotFoundError,
  isForbiddenError,
  isOwnerRequiredError,
  isDelegationDeniedError,
  isActorNotAllowedError,
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
  InvalidCodeError,
  TwoFactorNotEnrolledError,
  TwoFactorActiveError,
  TwoFactorLockedError,
  SecondFactorRequiredError,
  StorageIntegrityError,
  isInvalidCodeError,
  isTwoFactorNotEnrolledError,
  isTwoFactorActiveError,
  isTwoFactorLockedError,
  isSecondFactorRequiredError,
  isStorageIntegrityError,
  UnsafeUrlError,
  UNSAFE_URL_REASONS,
  isUnsafeUrlError,
  WebhookVerificationError,
  WEBHOOK_VERIFICATION_REASONS,
  isWebhookVerificationError,
  IdempotentReplayError,
  isIdempotentReplayError,
  InvalidSnapshotError,
  isInvalidSnapshotError,
  IdempotencyInProgressError,
  isIdempotencyInProgressError,
  TenantArchivedError,
  isTenantArchivedError,
} from './core/errors/index.js';
export type {
  TenantryErrorCode,
  TenantryErrorOptions,
  ValidationIssue,
  StorageUnavailableReason,
  StorageUnavailableErrorOptions,
  OwnerRequiredReason,
  DelegationDeniedReason,
  InvalidCodeReason,
  UnsafeUrlReason,
  WebhookVerificationReason,
} from './core/errors/index.js';

// Catalog and decisions
export { defineCapabilities } from './core/capabilities/define-capabilities.js';
export type { CapabilityRegistry, CapabilityOf } from './core/capabilities/define-capabilities.js';
export { defineRoles } from './core/roles/define-roles.js';
export type { RoleMap, RoleMapOptions, RoleOf } from './core/roles/define-roles.js';
export { decide } from './core/decisions/decision.js';
export type { Decision, DecisionReason, DecisionStatus, MembershipFact } from './core/decisions/decision.js';
export { defaultDisabledReason, toActionState } from './core/decisions/action-state.js';
export type { ActionState, DisabledReasonContext, DisabledReasonFormatter } from './core/decisions/action-state.js';

// Identifiers, actors, paging
export { UUID_PATTERN, MAX_TENANT_ID_LENGTH, MAX_USER_ID_LENGTH } from './core/ids/identifiers.js';
export { isSafeIdentifierText } from './core/validation/identifier-text.js';
export { systemActor, userActor } from './core/actors/actor.js';
export type { Actor, ActorRef, SystemActor, UserActor } from './core/actors/actor.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './core/paging/page.js';
export type { Page } from './core/paging/page.js';
export type { ErrorHook, ErrorHookContext } from './core/hooks/error-hook.js';
// The storage port lives in `tenantry/store`; the root names only the Store a host passes in.
export type { Store } from './store/store.js';

// The composition root and the scope
export { createTenantry } from './tenantry/create-tenantry.js';
export type { InvalidateInput, RequestActor, Tenantry } from './tenantry/create-tenantry.js';
export type { CacheOptions, EntitlementsOptions, SeatOptions, TenantIdOptions, TenantryCacheOptions, TenantryOptions } from './tenantry/tenantry-options.js';
export type { LeaseOptions } from './tenantry/tenantry-options.js';
export { DEFAULT_CLOSE_TIMEOUT_MS } from './tenantry/tenantry-options.js';
export { Scope } from './tenantry/scope.js';
export type { TenantAccess, AccessStanding } from './services/authz/tenant-access.js';
export type { SnapshotOptions } from './services/authz/snapshot-input.js';
export { SNAPSHOT_VERSION } from './core/snapshot/client-snapshot.js';
export { defineTemplates } from './core/templates/define-templates.js';
export type { TemplateMember, TemplateName, TemplateNamespace, TemplateRegistry, TenantTemplate, TenantTemplates } from './core/templates/define-templates.js';
export type { ClientSnapshot } from './core/snapshot/client-snapshot.js';
export type { AuditApi, MembersApi, MyTenantsInput, ProvisioningApi, TenantMembership, TenantsApi, UsageApi } from './tenantry/scope-apis.js';
export type { DenialEvent, DenialEventReason, DenialHook } from './services/authz/denial-event.js';
export { localInvalidationBus } from './services/authz/invalidation-bus.js';
export type { InvalidationBus, InvalidationBusStatus, InvalidationBusStatusListener, InvalidationMessage } from './services/authz/invalidation-bus.js';
export type { RateLimiter, RateLimitDecision, RateLimitHitInput } from './services/rate-limits/rate-limiter.js';

// Membership, tenants, audit: inputs and views
export type {
  AddMemberInput,
  ChangeRoleInput,
  CreateTenantInput,
  LeaveTenantInput,
  RemoveMemberInput,
  TransferOwnershipInput,
} from './services/membership/membership-inputs.js';
export type { ListInput } from './services/shared/list-input.js';
export type { CreatedTenant, Member, OwnershipTransfer, Tenant } from './services/membership/member-view.js';
export type { AuditEntry } from './services/audit/audit-entry.js';
export { AUDIT_ACTIONS } from './store/audit-records.js';
export type { AuditAction, AuditMetadata } from './store/audit-records.js';
export { ACTOR_TYPES, MEMBERSHIP_SOURCES } from './store/records.js';
export type { ActorType, MembershipSource, TenantMetadata, TenantMetadataValue } from './store/records.js';
export { TENANT_METADATA_MAX_BYTES, TENANT_NAME_MAX_LENGTH, TENANT_SLUG_PATTERN } from './services/shared/tenant-inputs.js';
export type { ListTenantsInput, TenantDescription, UpdateTenantInput } from './services/shared/tenant-inputs.js';
export type { UsersPort } from './services/shared/user-directory.js';
export type { OffboardingOutcome, OffboardingReport, RemoveUserEverywhereInput, SuccessorPolicy } from './services/membership/offboarding.js';

// Entitlements: catalog and pure arithmetic
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
  isGauge,
  PERIOD_UNITS,
  DEFAULT_THRESHOLDS,
  MAX_CATALOG_KEY_LENGTH,
  COUNTER_CEILING,
  MAX_CONSUME_AMOUNT,
} from './core/entitlements/index.js';
export type * from './core/entitlements/index.js';

// Entitlements: inputs and views
export type {
  AddBoostInput,
  AlertsInput,
  ConsumeInput,
  ReleaseInput,
  SetNamespaceLimitInput,
  SimulateInput,
  TenantPackageInput,
  UsageCheckInput,
  UsageReportInput,
} from './services/entitlements/entitlement-inputs.js';
export type {
  BlockingLevel,
  EntitlementDecision,
  EntitlementReason,
  FeatureUsage,
  UsageAlert,
  UsageAlertEntry,
  UsageAlertHook,
  UsageReport,
} from './services/entitlements/entitlement-types.js';
export type { PackageAssignment, TenantBoost } from './services/entitlements/provisioning-service.js';
export type { PrunedFeature } from './services/entitlements/catalog-sync.js';
export { MAX_STORED_RESPONSE_BYTES } from './services/entitlements/response-replays.js';
export type { ResponseReplayInput, SaveResponseInput } from './services/entitlements/response-replays.js';
export type { IdempotentResponseRecord, IdempotentResponseSaveResult, IdempotentResponseState } from './store/idempotent-response-operations.js';

// Two-factor and step-up
export { TWO_FACTOR_AUDIT_ACTIONS } from './services/two-factor/two-factor-options.js';
export { RECOVERY_CODE_ARGON2 } from './services/two-factor/recovery-codes.js';
export { TOTP_ALGORITHMS } from './store/two-factor-records.js';
export type { TotpAlgorithm, TotpDigits } from './store/two-factor-records.js';
export type {
  StepUpOptions,
  TotpOptions,
  TwoFactorAuditAction,
  TwoFactorAuditEvent,
  TwoFactorAuditHook,
  TwoFactorOptions,
} from './services/two-factor/two-factor-options.js';
export type { TwoFactorAttemptOptions } from './services/two-factor/attempt-limit.js';
export type { TwoFactorKeys } from './services/two-factor/keyring.js';
export type { CodeInput, DisableInput, EnrollInput, RecoveryCodeInput, RotateInput, UserInput } from './services/two-factor/two-factor-inputs.js';
export type { Enrolment, RecoveryUse, RotationReport, TwoFactorService, TwoFactorStatus, Verification } from './services/two-factor/two-factor-service.js';
// Webhooks: event catalog, Standard Webhooks signing, SSRF policy, pinned delivery
export { WEBHOOK_EVENT_TYPES, WEBHOOK_PAYLOAD_VERSION, isWebhookEventType } from './core/webhooks/event-catalog.js';
export type { WebhookEvent, WebhookEventData, WebhookEventType } from './core/webhooks/event-catalog.js';
export { classifyAddress } from './core/webhooks/ip-address.js';
export type { AddressClass } from './core/webhooks/ip-address.js';
export { checkWebhookUrl } from './core/webhooks/url-policy.js';
export type { CheckedWebhookUrl, WebhookUrlPolicy } from './core/webhooks/url-policy.js';
export type { WebhookRequest, WebhookResponse, WebhookTransport } from './core/webhooks/transport.js';
export { DEFAULT_WEBHOOK_TOLERANCE_SEC, WEBHOOK_SECRET_PREFIX, generateWebhookSecret, signWebhook, verifyWebhook } from './services/webhooks/signing.js';
export type { SignWebhookInput, VerifiedWebhook, VerifyWebhookInput, WebhookHeaders } from './services/webhooks/signing.js';
export { resolveWebhookTarget, systemResolver } from './services/webhooks/resolve-target.js';
export type { ResolvedAddress, WebhookResolver, WebhookTarget } from './services/webhooks/resolve-target.js';
export { pinnedTransport } from './adapters/undici/pinned-transport.js';
export { WEBHOOK_RETRY_SCHEDULE_MS } from './services/webhooks/retry-schedule.js';
export { DEFAULT_ROTATION_GRACE_MS } from './services/webhooks/endpoint-service.js';
export type {
  CreateWebhookInput,
  ListDeliveriesInput,
  RedeliverInput,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointWithSecret,
} from './services/webhooks/endpoint-service.js';
export type { DeliveryOptions, DeliveryWorker, DeliveryWorkerOptions, WebhookEndpointDisabledEvent } from './services/webhooks/delivery-worker.js';
export type { KeyringOptions } from './services/webhooks/keyring.js';
export type { WebhooksOptions } from './tenantry/webhooks-wiring.js';
export type { TenantryWebhooks } from './tenantry/create-tenantry.js';
export type { WebhooksApi } from './tenantry/webhooks-api.js';
export { WEBHOOK_TEST_EVENT } from './core/webhooks/event-catalog.js';
export type { WebhookTestEvent } from './core/webhooks/event-catalog.js';
export type { WebhookTestLimit, WebhookTestResult } from './services/webhooks/endpoint-ping.js';
// Invitations
export { InvalidTokenError, InvitationAlreadyUsedError, TooManyAttemptsError, isInvalidTokenError, isTooManyAttemptsError } from './core/errors/index.js';
export { INVITATION_TOKEN_PREFIX, INVITATION_TOKEN_LENGTH, parseInvitationToken } from './core/invitations/invitation-token.js';
export type { InvitationTokenParts } from './core/invitations/invitation-token.js';
export { INVITATION_STATUSES } from './services/invitations/invitation-view.js';
export type { Invitation, InvitationStatus } from './services/invitations/invitation-view.js';
export type {
  AcceptInvitationInput,
  CreateInvitationInput,
  ListInvitationsInput,
  ResendInvitationInput,
  RevokeInvitationInput,
} from './services/invitations/invitation-inputs.js';
export type { AttemptLimit, InvitationOptions } from './services/invitations/invitation-options.js';
export type { CreatedInvitation, ResentInvitation } from './services/invitations/invitation-service.js';
export type { AcceptedInvitation, AcceptFailureReason } from './services/invitations/invitation-acceptance.js';
export type { InvitationsApi } from './tenantry/invitations-api.js';
export type { BulkInvalidReason, BulkInvitationRow, CreateManyInvitationsInput, CreateManyInvitationsResult } from './services/invitations/invitation-bulk.js';
// Tenant roles
export { RoleInUseError, isRoleInUseError } from './core/errors/index.js';
export { tenantRole } from './core/roles/tenant-role-name.js';
export type { AssignableRole, TenantRoleName } from './core/roles/tenant-role-name.js';
export type {
  CreateTenantRoleInput,
  DeleteTenantRoleInput,
  ListTenantRolesInput,
  TenantRole,
  TenantRoleDeletion,
  UpdateTenantRoleInput,
} from './services/roles/tenant-role-inputs.js';
export type { RolesApi } from './tenantry/roles-api.js';
