import type { AuditAction, AuditMetadata, AuditRecord } from '../../store/audit-records.js';
import type { StoreOperations } from '../../store/store-operations.js';
import { provenanceOf, type Actor } from '../../core/actors/actor.js';

/** What one audit entry says; id and time are added by {@link Auditor}. */
export interface AuditFact {
  readonly actor: Actor;
  readonly tenantId: string;
  readonly action: AuditAction;
  readonly subjectUserId: string | null;
  /** Ids and roles only: never tokens, secrets, emails or names. */
  readonly metadata: AuditMetadata;
}

/**
 * Writes audit entries through the transaction of the change they record.
 * Shared by every service that audits, so entries look the same everywhere.
 */
export class Auditor {
  readonly #generateId: () => string;
  readonly #now: () => Date;

  /** Runs after every entry, in the same transaction (the webhook outbox derives events from entries). */
  readonly #afterRecord: ((tx: StoreOperations, entry: AuditRecord) => Promise<void>) | undefined;

  constructor(generateId: () => string, now: () => Date, afterRecord?: (tx: StoreOperations, entry: AuditRecord) => Promise<void>) {
    this.#generateId = generateId;
    this.#now = now;
    this.#afterRecord = afterRecord;
  }

  /** Appends the entry through `tx`, so it commits (or rolls back) with the change. */
  async record(tx: StoreOperations, fact: AuditFact): Promise<AuditRecord> {
    const entry: AuditRecord = Object.freeze({
      id: this.#generateId(),
      tenantId: fact.tenantId,
      action: fact.action,
      actorType: fact.actor.type,
      // Spelled like provenance. The type, stored beside it, is what tells a
      // system actor from a user whose id happens to read `system:<label>`.
      actorId: provenanceOf(fact.actor),
      subjectUserId: fact.subjectUserId,
      metadata: Object.freeze({ ...fact.metadata }),
      createdAt: this.#now(),
    });
    await tx.appendAudit(entry);
    await this.#afterRecord?.(tx, entry);
    return entry;
  }
}
