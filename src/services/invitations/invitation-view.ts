import { refFromStored, type ActorRef } from '../../core/actors/actor.js';
import type { InvitationRecord } from '../../store/invitation-records.js';

/**
 * The status of an invitation as callers see it.
 *
 * - `pending`: can be accepted until `expiresAt`.
 * - `accepted`: accepted once; the membership exists.
 * - `revoked`: withdrawn by a manager; kept for the audit trail.
 * - `expired`: pending in storage, but `expiresAt` has passed (derived at read time, no cron). `resend` revives it.
 */
export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;

/** See {@link INVITATION_STATUSES}. */
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** An invitation, as services report it: never its token, selector or verifier hash. */
export interface Invitation {
  readonly id: string;
  readonly tenantId: string;
  /** The normalised address. */
  readonly email: string;
  readonly role: string;
  readonly status: InvitationStatus;
  /** When true, acceptance needs the host-verified email to match. */
  readonly requireEmailMatch: boolean;
  readonly invitedBy: ActorRef;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** How many times the token was rotated by `resend`. */
  readonly resendCount: number;
  /** The user who accepted, or `null`. */
  readonly acceptedBy: string | null;
  /** When it was accepted or revoked, or `null`. */
  readonly settledAt: Date | null;
}

/** The status of `record` at `now`. */
export function statusAt(record: InvitationRecord, now: Date): InvitationStatus {
  return record.status === 'pending' && record.expiresAt.getTime() <= now.getTime() ? 'expired' : record.status;
}

/** The caller-facing view of a stored invitation. */
export function toInvitation(record: InvitationRecord, now: Date): Invitation {
  return Object.freeze({
    id: record.id,
    tenantId: record.tenantId,
    email: record.email,
    role: record.role,
    status: statusAt(record, now),
    requireEmailMatch: record.requireEmailMatch,
    invitedBy: refFromStored(record.createdByType, record.createdBy),
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    resendCount: record.resendCount,
    acceptedBy: record.acceptedBy,
    settledAt: record.settledAt,
  });
}
