import { AlreadyExistsError, NotFoundError } from '../../core/errors/index.js';
import type {
  InvitationInsertResult,
  InvitationPageRequest,
  InvitationRecord,
  InvitationWrite,
  InvitationWriteResult,
  NewInvitation,
} from '../../store/invitation-records.js';
import { compare, type Undo } from './memory-tables.js';
import { assertValidDates } from './valid-date.js';

const MISSED: InvitationWriteResult = Object.freeze({ outcome: 'missed' });

/** NUL never occurs in a validated tenant id, so it separates the parts of a composite key. */
const openKey = (tenantId: string, email: string) => `${tenantId}\u0000${email}`;

/**
 * Invitations in memory, with the same unique keys as the SQL tables: the
 * id, the selector, and (tenant, email) among pending rows (the one-pending
 * rule). Synchronous, so every guard and its write are one step.
 */
export class MemoryInvitationTables {
  readonly #byId = new Map<string, InvitationRecord>();
  readonly #bySelector = new Map<string, string>();
  /** (tenant, email) of every pending row -> its id. */
  readonly #open = new Map<string, string>();
  readonly #tenantExists: (tenantId: string) => boolean;

  constructor(tenantExists: (tenantId: string) => boolean) {
    this.#tenantExists = tenantExists;
  }

  insertInvitation(invitation: NewInvitation, undo: Undo[]): InvitationInsertResult {
    assertValidDates(invitation.createdAt, invitation.expiresAt);
    if (!this.#tenantExists(invitation.tenantId)) throw new NotFoundError();
    const existingId = this.#open.get(openKey(invitation.tenantId, invitation.email));
    const existing = existingId === undefined ? undefined : this.#byId.get(existingId);
    if (existing !== undefined) return Object.freeze({ outcome: 'existing', existing });
    if (this.#byId.has(invitation.id) || this.#bySelector.has(invitation.selector)) throw new AlreadyExistsError('invitation');
    this.#put(Object.freeze({ ...invitation }), undo);
    return Object.freeze({ outcome: 'created' });
  }

  findInvitationBySelector(selector: string): InvitationRecord | undefined {
    const id = this.#bySelector.get(selector);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  findInvitation(tenantId: string, invitationId: string): InvitationRecord | undefined {
    const found = this.#byId.get(invitationId);
    return found?.tenantId === tenantId ? found : undefined;
  }

  listInvitations(tenantId: string, page: InvitationPageRequest): readonly InvitationRecord[] {
    const now = page.now.getTime();
    const after = page.afterId;
    const rows = [...this.#byId.values()].filter((row) => {
      if (row.tenantId !== tenantId || (after !== undefined && compare(row.id, after) <= 0)) return false;
      switch (page.status) {
        case undefined:
          return true;
        case 'pending':
          return row.status === 'pending' && row.expiresAt.getTime() > now;
        case 'expired':
          return row.status === 'pending' && row.expiresAt.getTime() <= now;
        default:
          return row.status === page.status;
      }
    });
    return Object.freeze(rows.sort((a, b) => compare(a.id, b.id)).slice(0, page.limit));
  }

  writeInvitation(write: InvitationWrite, undo: Undo[]): InvitationWriteResult {
    assertValidDates(write.at, write.kind === 'rotate' ? write.expiresAt : null);
    const row = this.findInvitation(write.tenantId, write.invitationId);
    if (row?.status !== 'pending') return MISSED;
    let next: InvitationRecord;
    switch (write.kind) {
      case 'accept':
        if (row.selector !== write.selector || row.expiresAt.getTime() <= write.at.getTime()) return MISSED;
        next = { ...row, status: 'accepted', acceptedBy: write.userId, settledAt: write.at };
        break;
      case 'revoke':
        next = { ...row, status: 'revoked', settledAt: write.at };
        break;
      case 'rotate':
        // Like the SQL unique key: only another invitation's selector conflicts, never the row's own.
        if ((this.#bySelector.get(write.selector) ?? row.id) !== row.id) throw new AlreadyExistsError('invitation');
        next = { ...row, selector: write.selector, verifierHash: write.verifierHash, expiresAt: write.expiresAt, resendCount: row.resendCount + 1 };
        break;
    }
    const frozen = Object.freeze(next);
    this.#remove(row);
    this.#put(frozen, undo, row);
    return Object.freeze({ outcome: 'applied', invitation: frozen });
  }

  /** Indexes `record`; the undo entry restores `before` (or removes `record` when it is new). */
  /** Deletes every invitation of `tenantId` (the tenant is being deleted). */
  deleteTenantRows(tenantId: string, undo: Undo[]): void {
    for (const record of [...this.#byId.values()]) {
      if (record.tenantId !== tenantId) continue;
      this.#remove(record);
      undo.push(() => {
        this.#index(record);
      });
    }
  }

  #put(record: InvitationRecord, undo: Undo[], before?: InvitationRecord): void {
    this.#index(record);
    undo.push(() => {
      this.#remove(record);
      if (before !== undefined) this.#index(before);
    });
  }

  #index(record: InvitationRecord): void {
    this.#byId.set(record.id, record);
    this.#bySelector.set(record.selector, record.id);
    if (record.status === 'pending') this.#open.set(openKey(record.tenantId, record.email), record.id);
  }

  #remove(record: InvitationRecord): void {
    this.#byId.delete(record.id);
    this.#bySelector.delete(record.selector);
    if (this.#open.get(openKey(record.tenantId, record.email)) === record.id) this.#open.delete(openKey(record.tenantId, record.email));
  }
}
