import { refFromStored, type ActorRef } from '../../core/actors/actor.js';
import type { AuditAction, AuditMetadata, AuditRecord } from '../../store/audit-records.js';

/** One audit-log entry, as services report it. */
export interface AuditEntry {
  /** Time-ordered (UUIDv7): sorting by id sorts by time. */
  readonly id: string;
  readonly tenantId: string;
  /** Canonical action id; see `AUDIT_ACTIONS`. */
  readonly action: AuditAction;
  /** Who did it. */
  readonly actor: ActorRef;
  /** The user the action was about, if any. */
  readonly subjectUserId: string | null;
  /** Ids, roles, keys and counts only; never tokens, secrets, emails or names. */
  readonly metadata: AuditMetadata;
  readonly createdAt: Date;
}

/** The view of a stored audit record. */
export function toAuditEntry(record: AuditRecord): AuditEntry {
  return Object.freeze({
    id: record.id,
    tenantId: record.tenantId,
    action: record.action,
    actor: refFromStored(record.actorType, record.actorId),
    subjectUserId: record.subjectUserId,
    metadata: record.metadata,
    createdAt: record.createdAt,
  });
}
