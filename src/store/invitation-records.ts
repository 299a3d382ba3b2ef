import type { ActorType } from './records.js';

/**
 * The stored states of an invitation. `expired` is not one of them: it is
 * derived from `expiresAt` at read time (no cron), so a `pending` row past
 * its expiry reads as expired.
 *
 * - `pending`: waiting to be accepted (or expired, when `expiresAt` has passed).
 * - `accepted`: accepted once; the membership exists. Terminal.
 * - `revoked`: withdrawn by a manager; the row is kept for the audit trail. Terminal.
 */
export const STORED_INVITATION_STATUSES = ['pending', 'accepted', 'revoked'] as const;

/** See {@link STORED_INVITATION_STATUSES}. */
export type StoredInvitationStatus = (typeof STORED_INVITATION_STATUSES)[number];

/**
 * An invitation as stored. The store never holds the token: only its
 * selector (the lookup key, unique) and a hash of its verifier.
 */
export interface InvitationRecord {
  /** UUID primary key. */
  readonly id: string;
  readonly tenantId: string;
  /** The normalised email address the invitation was sent to. */
  readonly email: string;
  /** The role the membership gets on acceptance. */
  readonly role: string;
  /** The public half of the current token (base64url); unique across all invitations. */
  readonly selector: string;
  /** SHA-256 (or HMAC-SHA-256 with the instance's pepper) of the current verifier, lower-case hex. */
  readonly verifierHash: string;
  readonly status: StoredInvitationStatus;
  /** When true, acceptance needs the host-verified email to match {@link email}. */
  readonly requireEmailMatch: boolean;
  readonly createdByType: ActorType;
  /** The inviting user id, or `system:<label>`. */
  readonly createdBy: string;
  readonly createdAt: Date;
  /** When the current token stops working. */
  readonly expiresAt: Date;
  /** How many times the token was rotated by `resend`. */
  readonly resendCount: number;
  /** The user who accepted (status `accepted`), otherwise `null`. */
  readonly acceptedBy: string | null;
  /** When the invitation was accepted or revoked, otherwise `null`. */
  readonly settledAt: Date | null;
}

/** Input of `insertInvitation`: a new pending invitation; every field is chosen by the service. */
export type NewInvitation = InvitationRecord & { readonly status: 'pending'; readonly acceptedBy: null; readonly settledAt: null; readonly resendCount: 0 };

/**
 * Result of `insertInvitation`.
 *
 * - `created`: the row was inserted.
 * - `existing`: the tenant already has a pending invitation for this email (expired or not); nothing was written.
 */
export type InvitationInsertResult = { readonly outcome: 'created' } | { readonly outcome: 'existing'; readonly existing: InvitationRecord };

/**
 * The status filter of `listInvitations`, with `expired` derived from
 * `expiresAt` against `now` of the request.
 */
export type InvitationStatusFilter = StoredInvitationStatus | 'expired';

/** Keyset page request over a tenant's invitations, ordered by id ascending. */
export interface InvitationPageRequest {
  /** At most this many rows (1 to 1000; services validate). */
  readonly limit: number;
  /** Only invitations whose id sorts after this one. */
  readonly afterId?: string;
  /** Only invitations in this status; `pending` means pending and not expired at `now`. */
  readonly status?: InvitationStatusFilter;
  /** The instant `pending` and `expired` are decided against. */
  readonly now: Date;
}

/**
 * A guarded write of an invitation: applied only while the row is still
 * `pending` (and, for `accept`, still carries `selector` and has not expired
 * at `at`). The guard and the write are one atomic step.
 *
 * - `accept`: status `accepted`, `acceptedBy` and `settledAt` set.
 * - `revoke`: status `revoked`, `settledAt` set.
 * - `rotate`: a new selector, verifier hash and expiry; `resendCount` + 1.
 */
export type InvitationWrite =
  | {
      readonly kind: 'accept';
      readonly tenantId: string;
      readonly invitationId: string;
      /** The selector the caller verified: a rotation since then makes the write miss. */
      readonly selector: string;
      readonly userId: string;
      readonly at: Date;
    }
  | { readonly kind: 'revoke'; readonly tenantId: string; readonly invitationId: string; readonly at: Date }
  | {
      readonly kind: 'rotate';
      readonly tenantId: string;
      readonly invitationId: string;
      readonly selector: string;
      readonly verifierHash: string;
      readonly expiresAt: Date;
      readonly at: Date;
    };

/**
 * Result of `writeInvitation`.
 *
 * - `applied`: the write took effect; `invitation` is the row after it.
 * - `missed`: no pending row matched the guard (unknown, settled, rotated or expired); nothing changed.
 */
export type InvitationWriteResult = { readonly outcome: 'applied'; readonly invitation: InvitationRecord } | { readonly outcome: 'missed' };
