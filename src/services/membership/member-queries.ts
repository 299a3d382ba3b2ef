import { isUserId } from '../../core/ids/identifiers.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, pageOf, type Page } from '../../core/paging/page.js';
import type { Store } from '../../store/store.js';
import type { ActorContext } from '../shared/actor-context.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { listInputSchema, type ListInput } from '../shared/list-input.js';
import { toMember, type Member } from './member-view.js';

/** Wiring of {@link MemberQueries}. */
export interface MemberQueryDependencies {
  readonly store: Store;
  readonly tenantIds: TenantIdRule;
}

const CURSOR_KIND = 'members';

/** The member list, paginated by keyset (user id order). */
export class MemberQueries {
  readonly #deps: MemberQueryDependencies;

  constructor(deps: MemberQueryDependencies) {
    this.#deps = deps;
  }

  /**
   * A tenant's members with their roles, ordered by user id (code-unit
   * order). Any member may list; a non-member, an unknown tenant and a
   * malformed id get the same `NotFoundError`. A system actor may list any
   * existing tenant.
   */
  async list(ctx: ActorContext, input: ListInput): Promise<Page<Member>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, listInputSchema, input, 'member listing');
    const after = parsed.cursor === undefined ? undefined : decodeCursor(CURSOR_KIND, parsed.cursor, isUserId);
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    await ctx.standing(parsed.tenantId);
    const { store } = this.#deps;
    // One extra row tells whether another page exists without a count query.
    const rows = await store.listMembers(parsed.tenantId, after === undefined ? { limit: limit + 1 } : { limit: limit + 1, afterUserId: after });
    return pageOf(
      rows,
      limit,
      (row) => toMember(row),
      (row) => encodeCursor(CURSOR_KIND, row.userId),
    );
  }
}
