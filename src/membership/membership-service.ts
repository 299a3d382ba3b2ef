import { z } from 'zod';
import { ForbiddenError, NotFoundError, LastOwnerError } from '../core/errors/index.js';
import { tenantIdSchema, userIdSchema } from '../core/ids/identifiers.js';
import type { RoleMap } from '../core/roles/define-roles.js';
import { parseInput } from '../core/validation/parse-input.js';
import type { MembershipRecord, MembershipSource, TenantRecord } from '../store/records.js';
import type { Store, StoreOperations } from '../store/store.js';
import { actorSchema, provenanceOf, type Actor } from './actor.js';

/** Everything the membership service needs from the tenantry instance. Internal wiring. */
export interface MembershipServiceDependencies<C extends string> {
  readonly store: Store;
  readonly roles: RoleMap<C>;
  readonly tenantIdPattern: RegExp;
  /** The capability that lets a user actor manage memberships; `undefined` means "holds the owner role". */
  readonly manageCapability: C | undefined;
  readonly now: () => Date;
  readonly generateId: () => string;
  /** Called after every committed membership change, to drop cached lookups. */
  readonly onMembershipChanged: (tenantId: string, userId: string) => void;
}

/** Result of `tenants.create`. */
export interface CreatedTenant {
  readonly tenant: TenantRecord;
  readonly owner: MembershipRecord;
}

/** Input of `tenants.create`. */
export interface CreateTenantInput {
  /** The user who becomes the first owner. */
  readonly ownerId: string;
  /** Use this id instead of a generated UUID (it must match the configured tenant-id format). */
  readonly id?: string;
  /** Who creates it; recorded as provenance. Default: the owner as a user actor. */
  readonly actor?: Actor;
}

/** Input of `members.add`. */
export interface AddMemberInput<R extends string> {
  /** Who adds the member: a user actor must hold the managing capability in the tenant; the system actor always may. */
  readonly actor: Actor;
  readonly tenantId: string;
  readonly userId: string;
  readonly role: R;
}

/** Input of `members.changeRole`. */
export interface ChangeRoleInput<R extends string> {
  readonly actor: Actor;
  readonly tenantId: string;
  readonly userId: string;
  readonly role: R;
}

/** Input of `members.remove`. */
export interface RemoveMemberInput {
  readonly actor: Actor;
  readonly tenantId: string;
  readonly userId: string;
}

/** Input of `members.list`. */
export interface ListMembersInput {
  readonly actor: Actor;
  readonly tenantId: string;
  /** Page size, 1 to 1000. Default is 100. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One page of members. */
export interface MemberPage {
  /**
   * Rows as stored. `role` is a string rather than the declared role union
   * because a stored role may since have been removed from the role map;
   * narrow it with `roles.has(role)`.
   */
  readonly members: readonly MembershipRecord[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Tenant creation and membership writes. Every write runs in one store
 * transaction with the authorization of the acting user, so a permission
 * revoked concurrently cannot be used after the fact.
 */
export class MembershipService<C extends string, R extends string> {
  readonly #deps: MembershipServiceDependencies<C>;
  readonly #createSchema;
  readonly #addSchema;
  readonly #removeSchema;
  readonly #listSchema;

  constructor(deps: MembershipServiceDependencies<C>) {
    this.#deps = deps;
    const tenantId = tenantIdSchema(deps.tenantIdPattern);
    this.#createSchema = z.object({ ownerId: userIdSchema, id: tenantId.optional(), actor: actorSchema.optional() }).strict();
    this.#addSchema = z
      .object({ actor: actorSchema, tenantId, userId: userIdSchema, role: z.string().refine((role) => deps.roles.has(role), { message: 'Unknown role.' }) })
      .strict();
    this.#removeSchema = z.object({ actor: actorSchema, tenantId, userId: userIdSchema }).strict();
    this.#listSchema = z
      .object({ actor: actorSchema, tenantId, limit: z.number().int().min(1).max(1000).optional(), cursor: userIdSchema.optional() })
      .strict();
  }

  /**
   * Creates a tenant and makes `ownerId` its owner, atomically.
   * Throws `ValidationError` for a malformed input and `AlreadyExistsError` for a taken id.
   */
  async createTenant(input: CreateTenantInput): Promise<CreatedTenant> {
    const parsed = parseInput(this.#createSchema, input, 'tenant');
    const { now, generateId, roles, store } = this.#deps;
    const createdAt = now();
    const createdBy = provenanceOf(parsed.actor ?? { type: 'user', userId: parsed.ownerId });
    const tenant: TenantRecord = Object.freeze({ id: parsed.id ?? generateId(), createdBy, createdAt });
    const owner = this.#membership(tenant.id, parsed.ownerId, roles.ownerRole, createdBy, createdAt, 'tenant_create');
    await store.createTenant(tenant, owner);
    this.#deps.onMembershipChanged(tenant.id, parsed.ownerId);
    return Object.freeze({ tenant, owner });
  }

  /**
   * Adds an existing user to a tenant with `role`. A user actor who is not a
   * member gets `NotFoundError`; one without the managing capability gets
   * `ForbiddenError`. An unknown role or malformed id is a `ValidationError`;
   * an existing member is an `AlreadyExistsError`.
   */
  async addMember(input: AddMemberInput<R>): Promise<MembershipRecord> {
    const parsed = parseInput(this.#addSchema, input, 'member');
    const membership = await this.#deps.store.transaction(async (tx) => {
      await this.#authorizeManager(tx, parsed.actor, parsed.tenantId);
      const record = this.#membership(
        parsed.tenantId,
        parsed.userId,
        parsed.role,
        provenanceOf(parsed.actor),
        this.#deps.now(),
        parsed.actor.type === 'system' ? 'system' : 'member_add',
      );
      await tx.insertMembership(record);
      return record;
    });
    this.#deps.onMembershipChanged(membership.tenantId, membership.userId);
    return membership;
  }

  /**
   * Changes a member's role. Refused with {@link LastOwnerError} when it would
   * leave the tenant without an owner (atomic with concurrent changes). Throws
   * `NotFoundError` when the actor or the member is not a member.
   */
  async changeRole(input: ChangeRoleInput<R>): Promise<MembershipRecord> {
    const parsed = parseInput(this.#addSchema, input, 'role change');
    const { roles, store } = this.#deps;
    const updated = await store.transaction(async (tx) => {
      await this.#authorizeManager(tx, parsed.actor, parsed.tenantId);
      const result = await tx.updateMembershipRole({
        tenantId: parsed.tenantId,
        userId: parsed.userId,
        role: parsed.role,
        ownerRole: roles.ownerRole,
      });
      if (result.outcome === 'not_found') throw new NotFoundError('Member not found.');
      if (result.outcome === 'last_owner') throw new LastOwnerError();
      return Object.freeze({ ...result.previous, role: parsed.role });
    });
    this.#deps.onMembershipChanged(updated.tenantId, updated.userId);
    return updated;
  }

  /**
   * Removes a member. Refused with {@link LastOwnerError} for the last owner.
   * Resolves with the removed membership.
   */
  async removeMember(input: RemoveMemberInput): Promise<MembershipRecord> {
    const parsed = parseInput(this.#removeSchema, input, 'member removal');
    const removed = await this.#deps.store.transaction(async (tx) => {
      await this.#authorizeManager(tx, parsed.actor, parsed.tenantId);
      const result = await tx.deleteMembership({
        tenantId: parsed.tenantId,
        userId: parsed.userId,
        ownerRole: this.#deps.roles.ownerRole,
      });
      if (result.outcome === 'not_found') throw new NotFoundError('Member not found.');
      if (result.outcome === 'last_owner') throw new LastOwnerError();
      return result.previous;
    });
    this.#deps.onMembershipChanged(removed.tenantId, removed.userId);
    return removed;
  }

  /**
   * Lists a tenant's members with their roles, ordered by user id. Any member
   * may list (non-members get `NotFoundError`); the system actor always may.
   */
  async listMembers(input: ListMembersInput): Promise<MemberPage> {
    const parsed = parseInput(this.#listSchema, input, 'member listing');
    const { store } = this.#deps;
    if (parsed.actor.type === 'user') {
      if ((await store.findMembership(parsed.tenantId, parsed.actor.userId)) === undefined) throw new NotFoundError();
    } else if ((await store.findTenant(parsed.tenantId)) === undefined) {
      throw new NotFoundError();
    }
    const limit = parsed.limit ?? 100;
    // One extra row tells whether another page exists without a count query.
    const rows = await store.listMembers(parsed.tenantId, parsed.cursor === undefined ? { limit: limit + 1 } : { limit: limit + 1, afterUserId: parsed.cursor });
    const members = rows.slice(0, limit);
    const last = members.at(-1);
    return Object.freeze({ members, nextCursor: rows.length > limit && last !== undefined ? last.userId : null });
  }

  /** Throws unless `actor` may manage memberships of `tenantId` (read inside the write's transaction). */
  async #authorizeManager(tx: StoreOperations, actor: Actor, tenantId: string): Promise<void> {
    if (actor.type === 'system') {
      if ((await tx.findTenant(tenantId)) === undefined) throw new NotFoundError();
      return;
    }
    const own = await tx.findMembership(tenantId, actor.userId);
    if (own === undefined) throw new NotFoundError();
    const { manageCapability, roles } = this.#deps;
    const allowed = manageCapability === undefined ? roles.isOwner(own.role) : roles.grants(own.role, manageCapability);
    if (!allowed) throw new ForbiddenError(manageCapability ?? `role:${roles.ownerRole}`);
  }

  #membership(
    tenantId: string,
    userId: string,
    role: string,
    createdBy: string,
    createdAt: Date,
    source: MembershipSource,
  ): MembershipRecord {
    return Object.freeze({ id: this.#deps.generateId(), tenantId, userId, role, createdBy, createdAt, source });
  }
}
