import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../core/errors/index.js';
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

/**
 * Tenant creation and membership writes. Every write runs in one store
 * transaction with the authorization of the acting user, so a permission
 * revoked concurrently cannot be used after the fact.
 */
export class MembershipService<C extends string, R extends string> {
  readonly #deps: MembershipServiceDependencies<C>;
  readonly #createSchema;
  readonly #addSchema;

  constructor(deps: MembershipServiceDependencies<C>) {
    this.#deps = deps;
    const tenantId = tenantIdSchema(deps.tenantIdPattern);
    this.#createSchema = z.object({ ownerId: userIdSchema, id: tenantId.optional(), actor: actorSchema.optional() }).strict();
    this.#addSchema = z
      .object({ actor: actorSchema, tenantId, userId: userIdSchema, role: z.string().refine((role) => deps.roles.has(role), { message: 'Unknown role.' }) })
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
