import { ForbiddenError, LastOwnerError, NotFoundError, ValidationError } from '../core/errors/index.js';
import type { RoleMap } from '../core/roles/define-roles.js';
import { parseInput } from '../core/validation/parse-input.js';
import type { GuardedWriteResult, MembershipRecord, MembershipSource, TenantRecord } from '../store/records.js';
import type { Store, StoreOperations } from '../store/store.js';
import { provenanceOf, type Actor } from './actor.js';
import type { AuditFact, Auditor } from '../audit/auditor.js';
import {
  membershipSchemas,
  type AddMemberInput,
  type ChangeRoleInput,
  type CreateTenantInput,
  type LeaveTenantInput,
  type RemoveMemberInput,
  type TransferOwnershipInput,
} from './membership-inputs.js';
import type { SeatPolicy } from './seat-policy.js';

/** Everything the membership service needs from the tenantry instance. Internal wiring. */
export interface MembershipServiceDependencies<C extends string> {
  readonly store: Store;
  readonly roles: RoleMap<C>;
  readonly schemas: ReturnType<typeof membershipSchemas>;
  /** The capability that lets a user actor manage memberships; `undefined` means "holds the owner role". */
  readonly manageCapability: C | undefined;
  /** The role a previous owner keeps after transferring ownership. */
  readonly previousOwnerRole: string;
  readonly seats: SeatPolicy | undefined;
  readonly auditor: Auditor;
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

/** Result of `members.transferOwnership`. */
export interface OwnershipTransfer {
  readonly previousOwner: MembershipRecord;
  readonly newOwner: MembershipRecord;
}

/** A refused guarded write inside a transaction; turned into `LastOwnerError` after the audit entry commits. */
const BLOCKED = Symbol('last owner blocked');

/**
 * Tenant creation and membership writes. Every write runs in one store
 * transaction together with the authorization of the acting user, the seat
 * accounting (if configured) and its audit entry.
 */
export class MembershipService<C extends string, R extends string> {
  readonly #deps: MembershipServiceDependencies<C>;

  constructor(deps: MembershipServiceDependencies<C>) {
    this.#deps = deps;
  }

  /** Creates a tenant and makes `ownerId` its owner, atomically, audited as `tenant.create`. */
  async createTenant(input: CreateTenantInput): Promise<CreatedTenant> {
    const parsed = parseInput(this.#deps.schemas.create, input, 'tenant');
    const { now, generateId, roles, store, auditor } = this.#deps;
    const actor: Actor = parsed.actor ?? { type: 'user', userId: parsed.ownerId };
    const createdAt = now();
    const createdBy = provenanceOf(actor);
    const tenant: TenantRecord = Object.freeze({ id: parsed.id ?? generateId(), createdBy, createdAt });
    const owner = this.#membership(tenant.id, parsed.ownerId, roles.ownerRole, createdBy, createdAt, 'tenant_create');
    await store.transaction(async (tx) => {
      await tx.createTenant(tenant, owner);
      await auditor.record(tx, { actor, tenantId: tenant.id, action: 'tenant.create', subjectUserId: parsed.ownerId, metadata: { role: owner.role } });
    });
    this.#deps.onMembershipChanged(tenant.id, parsed.ownerId);
    return Object.freeze({ tenant, owner });
  }

  /** Adds an existing user with `role`, taking a seat when seats are configured. */
  async addMember(input: AddMemberInput<R>): Promise<MembershipRecord> {
    const parsed = parseInput(this.#deps.schemas.member, input, 'member');
    const { actor, tenantId, userId, role } = parsed;
    await this.#deps.seats?.prepare();
    const membership = await this.#deps.store.transaction(async (tx) => {
      const own = await this.#authorizeManager(tx, actor, tenantId);
      this.#requireOwnerFor(own, role);
      const record = this.#membership(tenantId, userId, role, provenanceOf(actor), this.#deps.now(), actor.type === 'system' ? 'system' : 'member_add');
      await tx.insertMembership(record);
      await this.#deps.seats?.take(tx, tenantId);
      await this.#deps.auditor.record(tx, { actor, tenantId, action: 'tenant_membership.add', subjectUserId: userId, metadata: { role } });
      return record;
    });
    this.#deps.onMembershipChanged(tenantId, userId);
    return membership;
  }

  /** Changes a member's role; `LastOwnerError` (audited) when it would leave no owner. */
  async changeRole(input: ChangeRoleInput<R>): Promise<MembershipRecord> {
    const parsed = parseInput(this.#deps.schemas.member, input, 'role change');
    const { actor, tenantId, userId, role } = parsed;
    const result = await this.#deps.store.transaction(async (tx) => {
      const own = await this.#authorizeManager(tx, actor, tenantId);
      this.#requireOwnerFor(own, role, (await tx.findMembership(tenantId, userId))?.role);
      const write = await tx.updateMembershipRole({ tenantId, userId, role, ownerRole: this.#deps.roles.ownerRole });
      return this.#settle(tx, write, { actor, tenantId, subjectUserId: userId, action: 'tenant_membership.role_change' }, (previous) => ({
        from: previous.role,
        to: role,
      }));
    });
    const previous = committed(result);
    this.#deps.onMembershipChanged(tenantId, userId);
    return Object.freeze({ ...previous, role });
  }

  /** Removes a member, giving back their seat; `LastOwnerError` (audited) for the last owner. */
  async removeMember(input: RemoveMemberInput): Promise<MembershipRecord> {
    const parsed = parseInput(this.#deps.schemas.remove, input, 'member removal');
    const { actor, tenantId, userId } = parsed;
    await this.#deps.seats?.prepare();
    const removed = await this.#deps.store.transaction(async (tx) => {
      const own = await this.#authorizeManager(tx, actor, tenantId);
      this.#requireOwnerFor(own, undefined, (await tx.findMembership(tenantId, userId))?.role);
      return this.#delete(tx, actor, tenantId, userId, 'tenant_membership.remove');
    });
    this.#deps.onMembershipChanged(tenantId, userId);
    return committed(removed);
  }

  /** The acting user leaves the tenant; `LastOwnerError` (audited) for the last owner. */
  async leave(input: LeaveTenantInput): Promise<MembershipRecord> {
    const parsed = parseInput(this.#deps.schemas.leave, input, 'leave');
    const { actor, tenantId } = parsed;
    await this.#deps.seats?.prepare();
    const left = await this.#deps.store.transaction(async (tx) => {
      if (!(await tx.lockTenant(tenantId))) throw new NotFoundError();
      return this.#delete(tx, actor, tenantId, actor.userId, 'tenant_membership.leave');
    });
    this.#deps.onMembershipChanged(tenantId, actor.userId);
    return committed(left);
  }

  /**
   * Makes another member the owner and gives the previous owner
   * `previousOwnerRole`, atomically. A user actor may transfer only their own
   * ownership (and must hold the owner role); the new owner must be a member.
   */
  async transferOwnership(input: TransferOwnershipInput<R>): Promise<OwnershipTransfer> {
    const parsed = parseInput(this.#deps.schemas.transfer, input, 'ownership transfer');
    const { actor, tenantId, toUserId } = parsed;
    const { roles, auditor } = this.#deps;
    const fromUserId = parsed.fromUserId ?? (actor.type === 'user' ? actor.userId : undefined);
    if (fromUserId === undefined) {
      throw new ValidationError('Invalid ownership transfer: fromUserId is required for the system actor.', [{ path: ['fromUserId'], message: 'Required' }]);
    }
    if (fromUserId === toUserId) {
      throw new ValidationError('Invalid ownership transfer: the new owner must be another member.', [{ path: ['toUserId'], message: 'Same as fromUserId.' }]);
    }
    const keeps = parsed.previousOwnerRole ?? this.#deps.previousOwnerRole;
    const transfer = await this.#deps.store.transaction(async (tx) => {
      if (!(await tx.lockTenant(tenantId))) throw new NotFoundError();
      // A non-member learns nothing: 404 before anything about other members is read.
      if (actor.type === 'user' && (await tx.findMembership(tenantId, actor.userId)) === undefined) throw new NotFoundError();
      const from = await tx.findMembership(tenantId, fromUserId);
      if (from === undefined) throw new NotFoundError('Member not found.');
      if (actor.type === 'user' && actor.userId !== fromUserId) {
        throw new ForbiddenError(`role:${roles.ownerRole}`, 'Only an owner can transfer their own ownership.');
      }
      if (!roles.isOwner(from.role)) throw new ForbiddenError(`role:${roles.ownerRole}`, 'Only an owner can transfer ownership.');
      const promoted = await tx.updateMembershipRole({ tenantId, userId: toUserId, role: roles.ownerRole, ownerRole: roles.ownerRole });
      if (promoted.outcome !== 'applied') throw new NotFoundError('Member not found.');
      const demoted = await tx.updateMembershipRole({ tenantId, userId: fromUserId, role: keeps, ownerRole: roles.ownerRole });
      if (demoted.outcome !== 'applied') throw new NotFoundError('Member not found.');
      // The first read took no lock: a concurrent transfer may have demoted
      // `from` since. The guarded write returns the row as it really was;
      // if it was no longer an owner, this transfer must not mint one.
      if (!roles.isOwner(demoted.previous.role)) throw new ForbiddenError(`role:${roles.ownerRole}`, 'Only an owner can transfer ownership.');
      await auditor.record(tx, {
        actor,
        tenantId,
        action: 'tenant_membership.ownership_transfer',
        subjectUserId: toUserId,
        metadata: { from: fromUserId, to: toUserId, previousOwnerRole: keeps, newOwnerPreviousRole: promoted.previous.role },
      });
      return {
        previousOwner: Object.freeze({ ...demoted.previous, role: keeps }),
        newOwner: Object.freeze({ ...promoted.previous, role: roles.ownerRole }),
      };
    });
    this.#deps.onMembershipChanged(tenantId, fromUserId);
    this.#deps.onMembershipChanged(tenantId, toUserId);
    return Object.freeze(transfer);
  }

  async #delete(
    tx: StoreOperations,
    actor: Actor,
    tenantId: string,
    userId: string,
    action: 'tenant_membership.remove' | 'tenant_membership.leave',
  ): Promise<MembershipRecord | typeof BLOCKED> {
    const write = await tx.deleteMembership({ tenantId, userId, ownerRole: this.#deps.roles.ownerRole });
    const removed = await this.#settle(tx, write, { actor, tenantId, subjectUserId: userId, action }, (previous) => ({ role: previous.role }));
    // The owner created with the tenant took no seat (there was no plan yet), so gives none back.
    if (removed !== BLOCKED && removed.source !== 'tenant_create') await this.#deps.seats?.giveBack(tx, tenantId);
    return removed;
  }

  /**
   * Audits a guarded write. A `last_owner` refusal is audited too, and that
   * entry must commit even though the operation fails: the transaction
   * returns normally with {@link BLOCKED}, and {@link committed} throws
   * `LastOwnerError` after the commit.
   */
  async #settle(
    tx: StoreOperations,
    write: GuardedWriteResult,
    fact: Omit<AuditFact, 'metadata'>,
    metadata: (previous: MembershipRecord) => AuditFact['metadata'],
  ): Promise<MembershipRecord | typeof BLOCKED> {
    if (write.outcome === 'not_found') throw new NotFoundError('Member not found.');
    if (write.outcome === 'last_owner') {
      await this.#deps.auditor.record(tx, { ...fact, action: 'tenant_membership.last_owner_blocked', metadata: { attempted: fact.action } });
      return BLOCKED;
    }
    await this.#deps.auditor.record(tx, { ...fact, metadata: metadata(write.previous) });
    return write.previous;
  }

  /**
   * Throws unless `actor` may manage memberships of `tenantId` (read inside
   * the write's transaction). Resolves with the actor's own role, or `null`
   * for the system actor.
   */
  async #authorizeManager(tx: StoreOperations, actor: Actor, tenantId: string): Promise<string | null> {
    // Lock first: the actor's own membership, read next, then cannot be changed
    // (say, the actor removed) by another transaction before this one commits.
    if (!(await tx.lockTenant(tenantId))) throw new NotFoundError();
    if (actor.type === 'system') return null;
    const own = await tx.findMembership(tenantId, actor.userId);
    if (own === undefined) throw new NotFoundError();
    const { manageCapability, roles } = this.#deps;
    const allowed = manageCapability === undefined ? roles.isOwner(own.role) : roles.grants(own.role, manageCapability);
    if (!allowed) throw new ForbiddenError(manageCapability ?? `role:${roles.ownerRole}`);
    return own.role;
  }

  /**
   * Least privilege for delegated management: a manager who is not an owner
   * may not grant the owner role, nor change or remove an owner. Without this,
   * `manageMembersCapability` on a non-owner role would let its holders make
   * themselves owners.
   */
  #requireOwnerFor(actorRole: string | null, grantedRole: string | undefined, targetRole?: string): void {
    const { roles } = this.#deps;
    if (actorRole === null || roles.isOwner(actorRole)) return;
    const touchesOwner = (grantedRole !== undefined && roles.isOwner(grantedRole)) || (targetRole !== undefined && roles.isOwner(targetRole));
    if (touchesOwner) throw new ForbiddenError(`role:${roles.ownerRole}`, 'Only an owner can grant the owner role or change an owner.');
  }

  #membership(tenantId: string, userId: string, role: string, createdBy: string, createdAt: Date, source: MembershipSource): MembershipRecord {
    return Object.freeze({ id: this.#deps.generateId(), tenantId, userId, role, createdBy, createdAt, source });
  }
}

/** Unwraps a committed transaction's result, throwing `LastOwnerError` for a (now audited) refusal. */
function committed(result: MembershipRecord | typeof BLOCKED): MembershipRecord {
  if (result === BLOCKED) throw new LastOwnerError();
  return result;
}
