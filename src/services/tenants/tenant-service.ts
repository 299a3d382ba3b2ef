import { provenanceOf, type Actor } from '../../core/actors/actor.js';
import { ActorNotAllowedError, NotFoundError, ValidationError } from '../../core/errors/index.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, pageOf, type Page } from '../../core/paging/page.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import { parseInput } from '../../core/validation/parse-input.js';
import type { MembershipRecord, TenantRecord, TenantUpdate } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Auditor } from '../audit/auditor.js';
import { membershipSchemas, type CreateTenantInput } from '../membership/membership-inputs.js';
import { toMember, toTenant, type CreatedTenant, type Tenant } from '../membership/member-view.js';
import type { ActorContext } from '../shared/actor-context.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { assertMayChangeTenant } from './tenant-authority.js';
import { tenantSchemas, type ListTenantsInput, type UpdateTenantInput } from '../shared/tenant-inputs.js';
import type { UserDirectory } from '../shared/user-directory.js';

/** Wiring of {@link TenantService}. */
export interface TenantServiceDependencies {
  readonly store: Store;
  readonly roles: RoleMap;
  readonly tenantIds: TenantIdRule;
  readonly auditor: Auditor;
  readonly now: () => Date;
  readonly generateId: () => string;
  /** The capability that lets a user change a tenant's description; `undefined` means "holds the owner role". */
  readonly manageCapability: string | undefined;
  /** The capability that lets an owner delete a tenant; `undefined` means only a system actor may. */
  readonly deleteCapability: string | undefined;
  /** Runs after a tenant's memberships or grants changed as a whole (archive, restore, delete): cache invalidation. */
  readonly onTenantChanged: (tenantId: string) => void;
  /** The host's user directory, when configured: the founding owner must exist. */
  readonly users: UserDirectory | undefined;
  /** Seat accounting, when configured: the founding owner takes a seat. */
  readonly foundingSeat: ((tx: Parameters<Parameters<Store['transaction']>[0]>[0], tenantId: string) => Promise<void>) | undefined;
  /** Runs before the creating transaction opens (the feature catalog must be in storage for the seat). */
  readonly prepareSeats: (() => Promise<void>) | undefined;
  /** Runs after a tenant is created (cache invalidation of the owner's lookup); shielded by the caller. */
  readonly onMembershipChanged: (tenantId: string, userId: string) => void;
}

const LIST_CURSOR = 'tenants';

/** Tenant creation, reads and description changes. */
export class TenantService {
  readonly #deps: TenantServiceDependencies;

  constructor(deps: TenantServiceDependencies) {
    this.#deps = deps;
  }

  /**
   * Creates a tenant and its first owner, atomically, audited as
   * `tenant.create`. A user actor creates tenants they own (`ownerId`
   * defaults to them; naming anyone else is `ActorNotAllowedError`); a system
   * actor must name the owner. A given `id` must follow the instance's
   * tenant-id rule (`ValidationError` otherwise: the caller chose it, there
   * is nothing to hide); a taken id is `AlreadyExistsError` (entity
   * `tenant`), a taken slug `AlreadyExistsError` (entity `tenant slug`).
   * With seats, the founding owner takes a seat in the same transaction (see
   * `entitlements.seats`).
   */
  async create(actor: Actor, input: CreateTenantInput = {}): Promise<CreatedTenant> {
    const parsed = parseInput(membershipSchemas.create, input, 'tenant');
    const ownerId = parsed.ownerId ?? (actor.type === 'user' ? actor.userId : undefined);
    if (ownerId === undefined) {
      throw new ValidationError('Invalid tenant: ownerId is required for a system actor.', [{ path: ['ownerId'], message: 'Required.' }]);
    }
    if (actor.type === 'user' && ownerId !== actor.userId)
      throw new ActorNotAllowedError('system', 'Only a system actor can create a tenant owned by another user.');
    if (parsed.id !== undefined && !this.#deps.tenantIds.isValid(parsed.id)) {
      throw new ValidationError('Invalid tenant: id does not follow the tenant-id rule.', [{ path: ['id'], message: 'Malformed tenant id.' }]);
    }
    const { now, generateId, roles, store, auditor } = this.#deps;
    await this.#deps.users?.assertExist([ownerId]);
    await this.#deps.prepareSeats?.();
    const createdAt = now();
    const tenant: TenantRecord = Object.freeze({
      id: parsed.id ?? generateId(),
      createdByType: actor.type,
      createdBy: provenanceOf(actor),
      createdAt,
      ...(parsed.name === undefined ? {} : { name: parsed.name }),
      ...(parsed.slug === undefined ? {} : { slug: parsed.slug }),
      ...(parsed.metadata === undefined ? {} : { metadata: parsed.metadata }),
    });
    const owner: MembershipRecord = Object.freeze({
      id: generateId(),
      tenantId: tenant.id,
      userId: ownerId,
      role: roles.ownerRole,
      createdByType: actor.type,
      createdBy: provenanceOf(actor),
      createdAt,
      source: 'tenant_create',
    });
    const stored = await store.transaction(async (tx) => {
      await tx.createTenant(tenant, owner);
      await this.#deps.foundingSeat?.(tx, tenant.id);
      await auditor.record(tx, { actor, tenantId: tenant.id, action: 'tenant.create', subjectUserId: ownerId, metadata: { role: owner.role } });
      return (await tx.findTenant(tenant.id)) ?? tenant;
    });
    this.#deps.onMembershipChanged(tenant.id, ownerId);
    return Object.freeze({ tenant: toTenant(stored), owner: toMember(owner) });
  }

  /** The tenant, for any member (or a system actor); the canonical `NotFoundError` otherwise. */
  async get(ctx: ActorContext, tenantId: string): Promise<Tenant> {
    await ctx.standing(tenantId);
    const record = await this.#deps.store.findTenant(tenantId);
    if (record === undefined) throw new NotFoundError();
    return toTenant(record);
  }

  /**
   * Changes a tenant's name, slug or metadata (`null` clears one), audited
   * as `tenant.update` with the names of the changed fields. The system
   * actor, or a member holding the `manageTenant` capability (default: the
   * owner role). A taken slug is `AlreadyExistsError` (entity `tenant slug`)
   * and changes nothing.
   */
  async update(actor: Actor, input: UpdateTenantInput): Promise<Tenant> {
    const { tenantId, ...fields } = parseTenantInput(this.#deps.tenantIds, tenantSchemas.update, input, 'tenant update');
    const update: TenantUpdate = { tenantId, ...fields } as TenantUpdate;
    const changed = Object.keys(fields).sort();
    const record = await this.#deps.store.transaction(
      async (tx) => {
        await assertMayChangeTenant(tx, this.#deps.roles, actor, tenantId, this.#deps.manageCapability);
        const after = await tx.updateTenant(update);
        if (after === undefined) throw new NotFoundError();
        await this.#deps.auditor.record(tx, { actor, tenantId, action: 'tenant.update', subjectUserId: null, metadata: { fields: changed.join(',') } });
        return after;
      },
      { tenantId },
    );
    return toTenant(record);
  }

  /**
   * Archives the tenant (system actors only), audited as `tenant.archive`:
   * until it is restored, no member can act in it (every decision is the
   * canonical 404, member writes and consumption by users are refused). The
   * system actor keeps access. Archiving an archived tenant changes nothing
   * and writes no entry.
   */
  archive(actor: Actor, input: { readonly tenantId: string }): Promise<Tenant> {
    return this.#setArchived(actor, input, true);
  }

  /** Restores an archived tenant (system actors only), audited as `tenant.restore`. */
  restore(actor: Actor, input: { readonly tenantId: string }): Promise<Tenant> {
    return this.#setArchived(actor, input, false);
  }

  /**
   * Deletes the tenant and everything it owns (memberships, grants, counters,
   * namespace limits, idempotency records, alerts) in one transaction; the
   * audit log is kept, its last entry `tenant.delete`. The system actor, or
   * (with the `deleteTenant` option) an owner holding that capability.
   */
  async delete(actor: Actor, input: { readonly tenantId: string }): Promise<void> {
    const { tenantId } = parseTenantInput(this.#deps.tenantIds, tenantSchemas.tenant, input, 'tenant deletion');
    const { deleteCapability, roles, store, auditor } = this.#deps;
    if (actor.type === 'user' && deleteCapability === undefined) {
      throw new ActorNotAllowedError('system', 'Only a system actor can delete a tenant (see the deleteTenant option).');
    }
    await store.transaction(
      async (tx) => {
        if (actor.type === 'user') {
          await assertMayChangeTenant(tx, roles, actor, tenantId, undefined);
          await assertMayChangeTenant(tx, roles, actor, tenantId, deleteCapability);
        }
        const members = await tx.listMembers(tenantId, { limit: 1 });
        await auditor.record(tx, { actor, tenantId, action: 'tenant.delete', subjectUserId: null, metadata: { hadMembers: members.length > 0 } });
        if (!(await tx.deleteTenant(tenantId))) throw new NotFoundError();
      },
      { tenantId },
    );
    this.#deps.onTenantChanged(tenantId);
  }

  async #setArchived(actor: Actor, input: { readonly tenantId: string }, archived: boolean): Promise<Tenant> {
    const { tenantId } = parseTenantInput(this.#deps.tenantIds, tenantSchemas.tenant, input, archived ? 'tenant archive' : 'tenant restore');
    if (actor.type !== 'system') throw new ActorNotAllowedError('system', 'Only a system actor can archive or restore a tenant.');
    const record = await this.#deps.store.transaction(
      async (tx) => {
        const before = await tx.findTenant(tenantId);
        if (before === undefined) throw new NotFoundError();
        if ((before.archivedAt !== undefined) === archived) return before;
        const after = await tx.updateTenant({ tenantId, archivedAt: archived ? this.#deps.now() : null });
        if (after === undefined) throw new NotFoundError();
        await this.#deps.auditor.record(tx, { actor, tenantId, action: archived ? 'tenant.archive' : 'tenant.restore', subjectUserId: null, metadata: {} });
        return after;
      },
      { tenantId },
    );
    this.#deps.onTenantChanged(tenantId);
    return toTenant(record);
  }

  /**
   * Every tenant, ordered by id, paged; optionally only slugs starting with
   * `slugPrefix` (ignoring case). System actors only (`ActorNotAllowedError`
   * for a user: the switcher is `tenants.mine`).
   */
  async list(actor: Actor, input: ListTenantsInput = {}): Promise<Page<Tenant>> {
    if (actor.type !== 'system') throw new ActorNotAllowedError('system', 'Only a system actor can list every tenant; use tenants.mine().');
    const parsed = parseInput(tenantSchemas.list, input, 'tenant listing');
    const after = parsed.cursor === undefined ? undefined : decodeCursor(LIST_CURSOR, parsed.cursor, (key) => this.#deps.tenantIds.isValid(key));
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.#deps.store.listTenants({
      limit: limit + 1,
      ...(after === undefined ? {} : { afterId: after }),
      ...(parsed.slugPrefix === undefined ? {} : { slugPrefix: parsed.slugPrefix.toLowerCase() }),
    });
    return pageOf(rows, limit, toTenant, (row) => encodeCursor(LIST_CURSOR, row.id));
  }
}
