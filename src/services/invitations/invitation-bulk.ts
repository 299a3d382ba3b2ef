import { z } from 'zod';
import type { Actor } from '../../core/actors/actor.js';
import { isTenantryError, ValidationError, type TenantryErrorCode } from '../../core/errors/index.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import type { Store } from '../../store/store.js';
import type { StoreOperations } from '../../store/store-operations.js';
import { committed, Refusal } from '../membership/refusal.js';
import { denialError } from '../membership/management-authorizer.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import type { InvitationAuthorizer } from './invitation-authorizer.js';
import { parseInvitationCsv } from './invitation-csv.js';
import type { InvitationDraft, InvitationDrafts } from './invitation-drafts.js';
import { normaliseEmail } from './invitation-email.js';
import type { CreatedInvitation, InvitationService } from './invitation-service.js';

/**
 * Why a row of `createMany` was not created.
 *
 * - `malformed_row`: a CSV record with the wrong number of fields or broken quoting.
 * - `invalid_email`: not a valid address.
 * - `unknown_role`: not a declared role.
 * - `duplicate_row`: the same (normalised) address appeared earlier in the batch.
 * - `role_not_allowed`: the acting manager may not invite to this role (the delegation rule).
 * - `failed`: (mode `each` only) the row's own transaction failed; `code` says how.
 */
export type BulkInvalidReason = 'malformed_row' | 'invalid_email' | 'unknown_role' | 'duplicate_row' | 'role_not_allowed' | 'failed';

/** The result of one row, numbered from 1 in input order (the CSV header is not a row). */
export type BulkInvitationRow =
  | (CreatedInvitation & { readonly row: number })
  | { readonly row: number; readonly outcome: 'invalid'; readonly reason: BulkInvalidReason; readonly code?: TenantryErrorCode };

/** Input of `scope.invitations.createMany`. */
export interface CreateManyInvitationsInput<R extends string = string> {
  readonly tenantId: string;
  /** The rows: objects, or CSV text with the header `email,role`. At most the instance's `maxBulkRows` (default 500). */
  readonly rows: readonly { readonly email: string; readonly role: R | (string & {}) }[] | string;
  /**
   * `together` (default): every valid row in one transaction, all or nothing.
   * `each`: every valid row in its own transaction; a failure marks that row `failed`.
   */
  readonly mode?: 'together' | 'each';
  readonly expiresInMs?: number;
  readonly requireEmailMatch?: boolean;
}

/** Result of `createMany`: one entry per input row, in order, and the counts. */
export interface CreateManyInvitationsResult {
  readonly rows: readonly BulkInvitationRow[];
  readonly created: number;
  readonly existing: number;
  readonly invalid: number;
}

/** Wiring of {@link InvitationBulk}. */
export interface InvitationBulkDependencies<C extends string> {
  readonly store: Store;
  readonly roles: RoleMap<C>;
  readonly tenantIds: TenantIdRule;
  readonly authorizer: InvitationAuthorizer<C>;
  readonly drafts: InvitationDrafts;
  readonly service: InvitationService<C, string>;
  readonly maxBulkRows: number;
}

const rowSchema = z.object({ email: z.string().max(1024), role: z.string().max(64) }).strict();
const schema = z
  .object({
    tenantId: z.string(),
    rows: z.union([z.string(), z.array(rowSchema)]),
    mode: z.enum(['together', 'each']).optional(),
    expiresInMs: z.number().int().min(1).optional(),
    requireEmailMatch: z.boolean().optional(),
  })
  .strict();

type Planned = { readonly row: number; readonly draft: InvitationDraft } | Extract<BulkInvitationRow, { outcome: 'invalid' }>;

/** Bulk invitations: validation per row, then one transaction (or one per row). Never a silent partial failure. */
export class InvitationBulk<C extends string> {
  readonly #deps: InvitationBulkDependencies<C>;

  constructor(deps: InvitationBulkDependencies<C>) {
    this.#deps = deps;
  }

  async createMany(actor: Actor, input: CreateManyInvitationsInput): Promise<CreateManyInvitationsResult> {
    const parsed = parseTenantInput(this.#deps.tenantIds, schema, input, 'bulk invitation');
    const rows = typeof parsed.rows === 'string' ? parseInvitationCsv(parsed.rows) : parsed.rows;
    if (rows.length > this.#deps.maxBulkRows) {
      const message = `At most ${String(this.#deps.maxBulkRows)} rows per call.`;
      throw new ValidationError(`Invalid bulk invitation: rows: ${message}`, [{ path: ['rows'], message }]);
    }
    const expiresInMs = this.#deps.drafts.expiresInMs(parsed.expiresInMs);
    const { tenantId } = parsed;
    const seen = new Set<string>();
    const drafted: Planned[] = rows.map((raw, index) => {
      const row = index + 1;
      if (raw === 'malformed') return { row, outcome: 'invalid', reason: 'malformed_row' };
      const email = normaliseEmail(raw.email);
      if (email === undefined) return { row, outcome: 'invalid', reason: 'invalid_email' };
      if (!this.#deps.roles.has(raw.role)) return { row, outcome: 'invalid', reason: 'unknown_role' };
      if (seen.has(email)) return { row, outcome: 'invalid', reason: 'duplicate_row' };
      seen.add(email);
      const draft = this.#deps.drafts.draft(actor, { tenantId, email, role: raw.role, expiresInMs, requireEmailMatch: parsed.requireEmailMatch ?? false });
      return { row, draft };
    });
    const results = parsed.mode === 'each' ? await this.#each(actor, tenantId, drafted) : await this.#together(actor, tenantId, drafted);
    const count = (outcome: BulkInvitationRow['outcome']) => results.filter((r) => r.outcome === outcome).length;
    return Object.freeze({ rows: Object.freeze(results), created: count('created'), existing: count('existing'), invalid: count('invalid') });
  }

  /** Every valid row in one transaction: created together, or (on any error) none. */
  async #together(actor: Actor, tenantId: string, planned: readonly Planned[]): Promise<BulkInvitationRow[]> {
    const result = await this.#deps.store.transaction((tx) => this.#insertAll(tx, actor, tenantId, planned), { tenantId });
    return committed(result);
  }

  /** Every valid row in its own transaction; a failed one is reported as `failed` with its code. */
  async #each(actor: Actor, tenantId: string, planned: readonly Planned[]): Promise<BulkInvitationRow[]> {
    const results: BulkInvitationRow[] = [];
    for (const entry of planned) {
      try {
        const [one] = committed(await this.#deps.store.transaction((tx) => this.#insertAll(tx, actor, tenantId, [entry]), { tenantId }));
        results.push(one as BulkInvitationRow);
      } catch (error) {
        // A refusal of the actor as a whole (not a member, no managing capability) ends the call.
        if (!isTenantryError(error) || error.status === 404 || error.status === 403) throw error;
        results.push({ row: entry.row, outcome: 'invalid', reason: 'failed', code: error.code });
      }
    }
    return results;
  }

  async #insertAll(tx: StoreOperations, actor: Actor, tenantId: string, planned: readonly Planned[]): Promise<BulkInvitationRow[] | Refusal> {
    const standing = await this.#deps.authorizer.standing(tx, actor, tenantId);
    if (typeof standing === 'object') return new Refusal(denialError(standing.denial));
    const results: BulkInvitationRow[] = [];
    for (const entry of planned) {
      if (!('draft' in entry)) {
        results.push(entry);
        continue;
      }
      const denial = standing === undefined ? undefined : this.#deps.authorizer.roleDenial(actor, standing, entry.draft.record.role);
      if (denial !== undefined) results.push({ row: entry.row, outcome: 'invalid', reason: 'role_not_allowed' });
      else results.push({ ...(await this.#deps.service.insert(tx, actor, entry.draft)), row: entry.row });
    }
    return results;
  }
}
