import { ACTOR_TYPES, type ActorType } from '../../../store/records.js';
import { STORED_INVITATION_STATUSES, type InvitationRecord, type NewInvitation, type StoredInvitationStatus } from '../../../store/invitation-records.js';
import { readCount, readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

/** Select of invitation rows with every column in a form {@link toInvitationRecord} reads. */
export function selectInvitations(ctx: QueryContext) {
  const { q, tables, dialect } = ctx;
  return q
    .selectFrom(tables.invitations)
    .select([
      'id',
      'tenant_id',
      'email',
      'role',
      'selector',
      'verifier_hash',
      'status',
      'require_email_match',
      'created_by_type',
      'created_by',
      'resend_count',
      'accepted_by',
      dialect.selectTimestamp('created_at').as('created_at'),
      dialect.selectTimestamp('expires_at').as('expires_at'),
      dialect.selectTimestamp('settled_at').as('settled_at'),
    ]);
}

/** An invitation row as selected by {@link selectInvitations}. */
export interface InvitationRow {
  readonly id: string | Uint8Array;
  readonly tenant_id: string | Uint8Array;
  readonly email: string | Uint8Array;
  readonly role: string | Uint8Array;
  readonly selector: string | Uint8Array;
  readonly verifier_hash: string | Uint8Array;
  readonly status: string | Uint8Array;
  readonly require_email_match: unknown;
  readonly created_by_type: string | Uint8Array;
  readonly created_by: string | Uint8Array;
  readonly resend_count: unknown;
  readonly accepted_by: string | Uint8Array | null;
  readonly created_at: unknown;
  readonly expires_at: unknown;
  readonly settled_at: unknown;
}

function oneOf<T extends string>(known: readonly T[], value: string, what: string): T {
  const found = known.find((candidate) => candidate === value);
  if (found === undefined) throw new TypeError(`Unknown ${what} in storage: "${value}".`);
  return found;
}

/** A frozen {@link InvitationRecord} from a row, decoding text and timestamps the dialect's way. */
export function toInvitationRecord(ctx: QueryContext, row: InvitationRow): InvitationRecord {
  const { dialect } = ctx;
  return Object.freeze({
    id: readText(row.id),
    tenantId: readText(row.tenant_id),
    email: readText(row.email),
    role: readText(row.role),
    selector: readText(row.selector),
    verifierHash: readText(row.verifier_hash),
    status: oneOf<StoredInvitationStatus>(STORED_INVITATION_STATUSES, readText(row.status), 'invitation status'),
    requireEmailMatch: readCount(row.require_email_match) !== 0,
    createdByType: oneOf<ActorType>(ACTOR_TYPES, readText(row.created_by_type), 'provenance actor type'),
    createdBy: readText(row.created_by),
    createdAt: dialect.readTimestamp(row.created_at),
    expiresAt: dialect.readTimestamp(row.expires_at),
    resendCount: readCount(row.resend_count),
    acceptedBy: row.accepted_by === null ? null : readText(row.accepted_by),
    settledAt: row.settled_at === null ? null : dialect.readTimestamp(row.settled_at),
  });
}

/** The column values of a new invitation, in the dialect's written forms. */
export function invitationValues(ctx: QueryContext, invitation: NewInvitation) {
  const { dialect } = ctx;
  return {
    id: invitation.id,
    email: invitation.email,
    open_email: invitation.email,
    role: invitation.role,
    selector: invitation.selector,
    verifier_hash: invitation.verifierHash,
    status: invitation.status,
    require_email_match: invitation.requireEmailMatch ? 1 : 0,
    created_by_type: invitation.createdByType,
    created_by: invitation.createdBy,
    created_at: dialect.writeTimestamp(invitation.createdAt),
    expires_at: dialect.writeTimestamp(invitation.expiresAt),
    resend_count: 0,
  } as const;
}
