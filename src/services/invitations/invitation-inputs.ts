import { z } from 'zod';
import { userIdSchema } from '../../core/ids/identifiers.js';
import { MAX_PAGE_SIZE } from '../../core/paging/page.js';
import { INVITATION_STATUSES, type InvitationStatus } from './invitation-view.js';

/** Input of `scope.invitations.create`. */
export interface CreateInvitationInput<R extends string = string> {
  readonly tenantId: string;
  /** The invitee's address; normalised (trim, NFC, lower-case domain) and validated. */
  readonly email: string;
  /** The role the membership gets on acceptance. */
  readonly role: R;
  /** Validity of the token in milliseconds, from 5 minutes to the instance's `maxExpiresInMs`. Default is the instance's `expiresInMs`. */
  readonly expiresInMs?: number;
  /** Accept only when the host-verified email of the accepting user matches. Default is false. */
  readonly requireEmailMatch?: boolean;
}

/** Input of `scope.invitations.resend`. */
export interface ResendInvitationInput {
  readonly tenantId: string;
  readonly invitationId: string;
  /** New validity in milliseconds, counted from now. Default is the instance's `expiresInMs`. */
  readonly expiresInMs?: number;
}

/** Input of `scope.invitations.revoke`. */
export interface RevokeInvitationInput {
  readonly tenantId: string;
  readonly invitationId: string;
}

/** Input of `scope.invitations.list`. */
export interface ListInvitationsInput {
  readonly tenantId: string;
  /** Only invitations in this status. Default: all. */
  readonly status?: InvitationStatus;
  /** Page size, 1 to 1000. Default is 100. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** Input of `scope.invitations.accept`. */
export interface AcceptInvitationInput {
  /** The token from the invitation email. */
  readonly token: string;
  /** The accepting user. Default for a user actor: the actor (and it must be the actor); required for a system actor. */
  readonly userId?: string;
  /** The accepting user's email as the host has verified it; needed when the invitation requires a match. */
  readonly email?: string;
  /** Who is trying, for the per-caller attempt limit (an IP address, a session). Default: the user id. */
  readonly callerKey?: string;
}

const role = z.string().min(1).max(64);
const tenantId = z.string();
const invitationId = z.string().min(1).max(64);
const expiresInMs = z.number().int().min(1).optional();

/** Boundary schemas of the invitation inputs (tenant ids go through the tenant-id rule first). */
export const invitationSchemas = Object.freeze({
  create: z.object({ tenantId, email: z.string().max(1024), role, expiresInMs, requireEmailMatch: z.boolean().optional() }).strict(),
  resend: z.object({ tenantId, invitationId, expiresInMs }).strict(),
  revoke: z.object({ tenantId, invitationId }).strict(),
  list: z
    .object({
      tenantId,
      status: z.enum(INVITATION_STATUSES).optional(),
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
      cursor: z.string().optional(),
    })
    .strict(),
  // The token itself is checked by the token format, not here: its value must never reach an error message.
  accept: z
    .object({ token: z.unknown(), userId: userIdSchema.optional(), email: z.string().max(1024).optional(), callerKey: z.string().min(1).max(512).optional() })
    .strict(),
});
