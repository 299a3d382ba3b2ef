import { ForbiddenError, NotFoundError } from '../../core/errors/index.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import { parseInput } from '../../core/validation/parse-input.js';
import type { AuditRecord } from '../../store/audit-records.js';
import type { MembershipRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Actor } from '../../core/actors/actor.js';
import type { membershipSchemas, PageInput } from './membership-inputs.js';

/** One page of rows with the cursor of the next. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/** Wiring of {@link MembershipQueries}. */
export interface MembershipQueryDependencies<C extends string> {
  readonly store: Store;
  readonly roles: RoleMap<C>;
  readonly schemas: ReturnType<typeof membershipSchemas>;
  /** Capability needed to read the audit log; `undefined` means "holds the owner role". */
  readonly auditCapability: C | undefined;
}

const DEFAULT_PAGE_SIZE = 100;

/** Read models: the member list and the audit log, paginated by keyset. */
export class MembershipQueries<C extends string> {
  readonly #deps: MembershipQueryDependencies<C>;

  constructor(deps: MembershipQueryDependencies<C>) {
    this.#deps = deps;
  }

  /**
   * A tenant's members with their roles, ordered by user id. Any member may
   * list; non-members get `NotFoundError`. Rows are as stored: `role` is a
   * string, since a stored role may since have left the role map.
   */
  async listMembers(input: PageInput): Promise<Page<MembershipRecord>> {
    const parsed = parseInput(this.#deps.schemas.memberPage, input, 'member listing');
    await this.#requireAccess(parsed.actor, parsed.tenantId, undefined);
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    // One extra row tells whether another page exists without a count query.
    const rows = await this.#deps.store.listMembers(parsed.tenantId, parsed.cursor === undefined ? { limit: limit + 1 } : { limit: limit + 1, afterUserId: parsed.cursor });
    return page(rows, limit, (row) => row.userId);
  }

  /**
   * A tenant's audit log, newest first. Readers need the audit capability
   * (default: the owner role); non-members get `NotFoundError`.
   */
  async listAudit(input: PageInput): Promise<Page<AuditRecord>> {
    const parsed = parseInput(this.#deps.schemas.auditPage, input, 'audit listing');
    await this.#requireAccess(parsed.actor, parsed.tenantId, this.#deps.auditCapability ?? null);
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.#deps.store.listAudit(parsed.tenantId, parsed.cursor === undefined ? { limit: limit + 1 } : { limit: limit + 1, beforeId: parsed.cursor });
    return page(rows, limit, (row) => row.id);
  }

  /**
   * 404 for non-members (and unknown tenants), 403 when `capability` is
   * required and missing. `undefined`: membership is enough; `null`: the owner role is required.
   */
  async #requireAccess(actor: Actor, tenantId: string, capability: C | null | undefined): Promise<void> {
    const { store, roles } = this.#deps;
    if (actor.type === 'system') {
      if ((await store.findTenant(tenantId)) === undefined) throw new NotFoundError();
      return;
    }
    const own = await store.findMembership(tenantId, actor.userId);
    if (own === undefined) throw new NotFoundError();
    if (capability === undefined) return;
    const allowed = capability === null ? roles.isOwner(own.role) : roles.grants(own.role, capability);
    if (!allowed) throw new ForbiddenError(capability ?? `role:${roles.ownerRole}`);
  }
}

function page<T>(rows: readonly T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return Object.freeze({ items: Object.freeze(items), nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null });
}
