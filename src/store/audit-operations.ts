import type { AuditPageRequest, AuditRecord } from './audit-records.js';

/** The append-only audit log. There is deliberately no update or delete. */
export interface AuditOperations {
  /** Appends one entry. Throws `NotFoundError` when the tenant does not exist. */
  appendAudit(entry: AuditRecord): Promise<void>;

  /** One page of a tenant's entries, newest first (by id, which is time-ordered). */
  listAudit(tenantId: string, page: AuditPageRequest): Promise<readonly AuditRecord[]>;
}
