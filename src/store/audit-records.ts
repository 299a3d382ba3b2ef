import type { ActorType } from './records.js';

/**
 * Canonical audit action ids. Stable: once released, an id never changes
 * meaning, so audit consumers can rely on them for years.
 *
 * - `tenant.create`: a tenant was created with its first owner.
 * - `tenant.update`: a tenant's name, slug or metadata changed (metadata: `fields`, the changed field names, comma-separated; never values).
 * - `tenant.archive` / `tenant.restore`: a tenant was archived or restored.
 * - `tenant.delete`: a tenant and everything it owned were deleted; the tenant's last entry (the audit log is kept).
 * - `tenant_membership.add`: a member was added.
 * - `tenant_membership.role_change`: a member's role changed (metadata: `from`, `to`).
 * - `tenant_membership.remove`: a member was removed by a manager.
 * - `tenant_membership.leave`: a member left on their own.
 * - `tenant_membership.ownership_transfer`: ownership moved to another member (metadata: `previousOwnerRole`).
 * - `tenant_membership.last_owner_blocked`: a change was refused because it would leave no owner (metadata: `attempted`).
 * - `tenant_membership.denied`: a membership write was refused with `ForbiddenError` (HTTP 403) (metadata:
 *   `attempted`, the refused action id; `reason`, a `MembershipDenialReason`; `capability`, what the error names;
 *   `role`, the role the attempt would have granted, or `null`). Refusals of non-members (404) are not recorded.
 * - `entitlement.package_assign` / `entitlement.package_cancel`: a package was assigned or cancelled (metadata: `package`).
 * - `entitlement.boost_add`: a boost was added (metadata: `feature`, `amount`, `expiresAt`).
 * - `entitlement.namespace_limit_set`: a namespace limit was set or cleared (metadata: `namespace`, `feature`, `limit`).
 * - `entitlement.package_change`: one package replaced another in one step (metadata: `from`, `to`, `usage`, `cycleAnchor`).
 * - `entitlement.billing_cycle_set`: the billing-cycle anchor was set (metadata: `anchor`, `previous`, `usage`).
 * - `tenant_invitation.create` / `.resend` / `.revoke`: an invitation was created, its token rotated, or it was revoked
 *   (metadata: `invitationId`, `role`, `email`, the masked address `a***@example.com`; never the token or its parts).
 * - `tenant_invitation.accept`: an invitation was accepted and the membership created (metadata: `invitationId`, `role`, `email` masked).
 * - `tenant_invitation.accept_failed`: an acceptance of a known invitation was refused (metadata: `invitationId`, `reason`:
 *   `wrong_verifier`, `expired`, `revoked`, `used`, `email_mismatch`, `already_member` or `no_seat`; `email` masked).
 * - `webhook_endpoint.test`: a test ping was sent, or refused by the SSRF policy (metadata: `endpointId`, `outcome`
 *   `ok`, `failed` or `refused`, and `status` and `errorClass`, or the refusal `reason`; never an address).
 * - `tenant_role.create` / `.update`: a tenant role was defined or changed (metadata: `role`, `capabilities`; an update also `previous`).
 * - `tenant_role.delete`: a tenant role was deleted (metadata: `role`, `capabilities`, `reassignTo` or `null`, `reassigned`).
 * - `tenant_role.denied`: a role write was refused with a 403 (metadata: `attempted`, `reason`, `capability`, `role`).
 */
export const AUDIT_ACTIONS = [
  'tenant.create',
  'tenant.update',
  'tenant.archive',
  'tenant.restore',
  'tenant.delete',
  'tenant_membership.add',
  'tenant_membership.role_change',
  'tenant_membership.remove',
  'tenant_membership.leave',
  'tenant_membership.ownership_transfer',
  'tenant_membership.last_owner_blocked',
  'tenant_membership.denied',
  'entitlement.package_assign',
  'entitlement.package_cancel',
  'entitlement.boost_add',
  'entitlement.namespace_limit_set',
  'entitlement.package_change',
  'entitlement.billing_cycle_set',
  'tenant_invitation.create',
  'tenant_invitation.resend',
  'tenant_invitation.revoke',
  'tenant_invitation.accept',
  'tenant_invitation.accept_failed',
  'webhook_endpoint.test',
  'tenant_role.create',
  'tenant_role.update',
  'tenant_role.delete',
  'tenant_role.denied',
] as const;

/** See {@link AUDIT_ACTIONS}. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Audit metadata: a flat map of scalars. Only ids, roles, keys and counts are
 * ever written; never tokens, secrets, emails or names.
 */
export type AuditMetadata = Readonly<Record<string, string | number | boolean | null>>;

/** One append-only audit entry. */
export interface AuditRecord {
  /** Lower-case time-ordered UUID (v7), unique: sorting by id sorts by time. */
  readonly id: string;
  readonly tenantId: string;
  readonly action: AuditAction;
  /** `user` or `system`: who `actorId` is. Always read the two together. */
  readonly actorType: ActorType;
  /**
   * The user id (`actorType: 'user'`), or `system:<label>` for the system
   * actor (`actorType: 'system'`), spelled like provenance. Not unique on its
   * own: a user id may read `system:<label>` too.
   */
  readonly actorId: string;
  /** The user the action was about, if any. */
  readonly subjectUserId: string | null;
  readonly metadata: AuditMetadata;
  readonly createdAt: Date;
}

/** Keyset page request over a tenant's audit log, newest first. */
export interface AuditPageRequest {
  /** At most this many entries (1 to 1000; services validate). */
  readonly limit: number;
  /** Only entries older than this id (the last id of the previous page). */
  readonly beforeId?: string;
}
