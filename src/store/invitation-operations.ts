import type {
  InvitationInsertResult,
  InvitationPageRequest,
  InvitationRecord,
  InvitationWrite,
  InvitationWriteResult,
  NewInvitation,
} from './invitation-records.js';

/**
 * The semantic storage operations on invitations. Each is atomic on its own;
 * the invitation service combines them with membership writes in one
 * transaction (accepting flips the invitation and inserts the membership
 * together).
 */
export interface InvitationOperations {
  /**
   * Inserts a pending invitation unless the tenant already has a pending one
   * for the same email (one-pending rule, enforced by a unique key, so two
   * concurrent inserts cannot both succeed): then resolves `existing` with
   * that row and writes nothing. Throws `NotFoundError` when the tenant does
   * not exist and `AlreadyExistsError` (entity `invitation`) when the id or
   * selector is taken.
   */
  insertInvitation(invitation: NewInvitation): Promise<InvitationInsertResult>;

  /** The invitation whose current selector is `selector`, or `undefined`. One indexed read. */
  findInvitationBySelector(selector: string): Promise<InvitationRecord | undefined>;

  /** One invitation of one tenant, or `undefined`. */
  findInvitation(tenantId: string, invitationId: string): Promise<InvitationRecord | undefined>;

  /** One page of a tenant's invitations ordered by id ascending, optionally by status. */
  listInvitations(tenantId: string, page: InvitationPageRequest): Promise<readonly InvitationRecord[]>;

  /** A guarded write: applied only while the guard of {@link InvitationWrite} holds. */
  writeInvitation(write: InvitationWrite): Promise<InvitationWriteResult>;
}
