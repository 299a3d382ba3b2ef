import { ForbiddenError, OwnerRequiredError } from '../../core/errors/index.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, pageOf, type Page } from '../../core/paging/page.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import type { Store } from '../../store/store.js';
import type { ActorContext } from '../shared/actor-context.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { listInputSchema, type ListInput } from '../shared/list-input.js';
import { toAuditEntry, type AuditEntry } from './audit-entry.js';

/** Wiring of {@link AuditQueries}. */
export interface AuditQueryDependencies<C extends string> {
  readonly store: Store;
  readonly roles: RoleMap<C>;
  readonly tenantIds: TenantIdRule;
  /** Capability needed to read the audit log; `undefined` means "holds the owner role". */
  readonly readCapability: C | undefined;
}

const CURSOR_KIND = 'audit';
const TIME_ORDERED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The audit log, newest first, paginated by keyset (id order). */
export class AuditQueries<C extends string> {
  readonly #deps: AuditQueryDependencies<C>;

  constructor(deps: AuditQueryDependencies<C>) {
    this.#deps = deps;
  }

  /**
   * A tenant's audit log, newest first. Readers need the audit capability
   * (default: the owner role): `ForbiddenError`, or `OwnerRequiredError`
   * without the option. Non-members get the canonical `NotFoundError`; a
   * system actor may read any existing tenant's log.
   */
  async list(ctx: ActorContext, input: ListInput): Promise<Page<AuditEntry>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, listInputSchema, input, 'audit listing');
    const before = parsed.cursor === undefined ? undefined : decodeCursor(CURSOR_KIND, parsed.cursor, (key) => TIME_ORDERED_ID.test(key));
    const role = await ctx.standing(parsed.tenantId);
    if (role !== null) {
      const { roles, readCapability } = this.#deps;
      if (readCapability === undefined && !roles.isOwner(role)) throw new OwnerRequiredError('owner_role', 'Only an owner can read the audit log.');
      if (readCapability !== undefined && !roles.grants(role, readCapability)) throw new ForbiddenError(readCapability);
    }
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.#deps.store.listAudit(parsed.tenantId, before === undefined ? { limit: limit + 1 } : { limit: limit + 1, beforeId: before });
    return pageOf(rows, limit, toAuditEntry, (row) => encodeCursor(CURSOR_KIND, row.id));
  }
}
