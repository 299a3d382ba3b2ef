import { NotFoundError } from '../../core/errors/index.js';
import type { AuditPageRequest, AuditRecord } from '../../store/audit-records.js';
import type { Undo } from './memory-tables.js';
import { assertValidDates } from './valid-date.js';

/** The append-only audit log, in memory. Ids are time-ordered, so id order is time order. */
export class MemoryAuditTables {
  readonly #entries = new Map<string, AuditRecord[]>();
  readonly #tenantExists: (tenantId: string) => boolean;

  constructor(tenantExists: (tenantId: string) => boolean) {
    this.#tenantExists = tenantExists;
  }

  appendAudit(entry: AuditRecord, undo: Undo[]): void {
    assertValidDates(entry.createdAt);
    if (!this.#tenantExists(entry.tenantId)) throw new NotFoundError();
    let log = this.#entries.get(entry.tenantId);
    if (log === undefined) {
      log = [];
      this.#entries.set(entry.tenantId, log);
    }
    const frozen = Object.freeze({ ...entry, metadata: Object.freeze({ ...entry.metadata }) });
    log.push(frozen);
    undo.push(() => {
      const index = log.lastIndexOf(frozen);
      if (index >= 0) log.splice(index, 1);
    });
  }

  /** Deletes at most `max` entries created before `cutoff`, oldest first; returns how many. */
  pruneAudit(cutoff: Date, max: number, undo: Undo[]): number {
    const old = [...this.#entries.values()]
      .flat()
      .filter((entry) => entry.createdAt.getTime() < cutoff.getTime())
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, max);
    for (const entry of old) {
      const log = this.#entries.get(entry.tenantId) ?? [];
      const index = log.indexOf(entry);
      log.splice(index, 1);
      undo.push(() => log.splice(index, 0, entry));
    }
    return old.length;
  }

  listAudit(tenantId: string, page: AuditPageRequest): readonly AuditRecord[] {
    const before = page.beforeId;
    return [...(this.#entries.get(tenantId) ?? [])]
      .filter((entry) => before === undefined || entry.id < before)
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, page.limit);
  }
}
