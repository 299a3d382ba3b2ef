import { ForbiddenError, LastOwnerError, NotFoundError, ValidationError, type TenantryError } from '../../core/errors/index.js';
import { reportError, type ErrorHook } from '../../core/hooks/error-hook.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import { parseInput } from '../../core/validation/parse-input.js';
import type { GuardedWriteResult, MembershipRecord, MembershipSource, TenantRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { StoreOperations } from '../../store/store-operations.js';
import { provenanceOf, type Actor } from '../../core/actors/actor.js';
import type { AuditFact, Auditor } from '../audit/auditor.js';
import type { AuditAction } from '../../store/audit-records.js';
import { delegationDenial, type MembershipDenial } from './delegation-rule.js';
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
  /** Receives failures of after-commit effects, which must never fail the committed change. */
  readonly onError: ErrorHook;
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

/**
 * A refusal decided inside a transaction whose audit entry must commit even
 * though the operation fails: the transaction returns it normally, and
 * {@link committed} throws `error` once the commit is done.
 */
class Refusal {
  readonly error: TenantryError;

  constructor(error: TenantryError) {
    this.error = error;
  }
}

/** What a membership write attempts, for the audit entry of its refusal. */
interface Attempt {
  readonly action: AuditAction;
  readonly tenantId: string;
  readonly subjectUserId: string;
  /** The role the write would grant; `null` for removals and transfers. */
  readonly role: string | null;
}

/**
 * Tenant creation and membership writes. Every write runs in one store
 * transaction together with the authorization of the acting user, the seat
 * accounting (if configured) and its audit entry. Refusals with
 * `ForbiddenError` and `LastOwnerError` are audited too: their entry commits
 * in that same transaction, which writes nothing else, and the error is
 * thrown after the commit.
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
    const tenant: TenantRecord = Object.freeze({ id: parsed.id ?? generateId(), createdByType: actor.type, createdBy: provenanceOf(actor), createdAt });
    const owner = this.#membership(tenant.id, parsed.ownerId, roles.ownerRole, actor, createdAt, 'tenant_create');
    await store.transaction(async (tx) => {
      await tx.createTenant(tenant, owner);
      await auditor.record(tx, { actor, tenantId: tenant.id, action: 'tenant.create', subjectUserId: parsed.ownerId, metadata: { role: owner.role } });
    });
    this.#changed(tenant.id, parsed.ownerId);
    return Object.freeze({ tenant, owner });
  }

  /** Adds an existing user with `role`, taking a seat when seats are configured. */
  async addMember(input: AddMemberInput<R>): Promise<MembershipRecord> {
    const parsed = parseInput(this.#deps.schemas.member, input, 'member');
    const { actor, tenantId, userId, role } = parsed;
    const attempt: Attempt = { action: 'tenant_membership.add', tenantId, subjectUserId: userId, role };
    await this.#deps.seats?.prepare();
    const membership = await this.#deps.store.transaction(async (tx) => {
      const refusal = await this.#authorize(tx, actor, attempt, undefined);
      if (refusal !== undefined) return refusal;
      const record = this.#membership(tenantId, userId, role, actor, this.#deps.now(), actor.type === 'system' ? 'system' : 'member_add');
      await tx.insertMembership(record);
      await this.#deps.seats?.take(tx, tenantId);
      await this.#deps.auditor.record(tx, { actor, tenantId, action: attempt.action, subjectUserId: userId, metadata: { role } });
      return record;
    }, { tenantId });
    const added = committed(membership);
    this.#changed(tenantId, userId);
    return added;
  }

  /** Changes a member's role; `LastOwnerError` (audited) when it would leave no owner. */
  async changeRole(input: ChangeRoleInput<R>): Promise<MembershipRecord> {
    const parsed = parseInput(this.#deps.schemas.member, input, 'role change');
    const { actor, tenantId, userId, role } = parsed;
    const attempt: Attempt = { action: 'tenant_membership.role_change', tenantId, subjectUserId: userId, role };
    const result = await this.#deps.store.transaction(async (tx) => {
      const refusal = await this.#authorize(tx, actor, attempt, async () => (await tx.findMembership(tenantId, userId))?.role);
      if (refusal !== undefined) return refusal;
      const write = await tx.updateMembershipRole({ tenantId, userId, role, ownerRole: this.#deps.roles.ownerRole });
      return this.#settle(tx, write, { actor, tenantId, subjectUserId: userId, action: attempt.action }, memberNotFound, (previous) => ({
        from: previous.role,
        to: role,
      }));
    }, { tenantId });
    const previous = committed(result);
    this.#changed(tenantId, userId);
    return Object.freeze({ ...previous, role });
  }

  /** Removes a member, giving back their seat; `LastOwnerError` (audited) for the last owner. */
  async removeMember(input: RemoveMemberInput): Promise<MembershipRecord> {
    const parsed = parseInput(this.#deps.schemas.remove, input, 'member removal');
    const { actor, tenantId, userId } = parsed;
    const attempt: Attempt = { action: 'tenant_membership.remove', tenantId, subjectUserId: userId, role: null };
    await this.#deps.seats?.prepare();
    const removed = await this.#deps.store.transaction(async (tx) => {
      const refusal = await this.#authorize(tx, actor, attempt, async () => (await tx.findMembership(tenantId, userId))?.role);
      if (refusal !== undefined) return refusal;
      return this.#delete(tx, actor, tenantId, userId, 'tenant_membership.remove', memberNotFound);
    }, { tenantId });
    const record = committed(removed);
    this.#changed(tenantId, userId);
    return record;
  }

  /**
   * The acting user leaves the tenant; `LastOwnerError` (audited) for the
   * last owner. An unknown tenant and a tenant the actor is not a member of
   * give the same `NotFoundError`, so leaving cannot probe which tenants exist.
   */
  async leave(input: LeaveTenantInput): Promise<MembershipRecord> {
    const parsed = parseInput(this.#deps.schemas.leave, input, 'leave');
    const { actor, tenantId } = parsed;
    await this.#deps.seats?.prepare();
    const left = await this.#deps.store.transaction(
      (tx) => this.#delete(tx, actor, tenantId, actor.userId, 'tenant_membership.leave', tenantNotFound),
      { tenantId },
    );
    const record = committed(left);
    this.#changed(tenantId, actor.userId);
    return record;
  }

  /**
   * Makes another member the owner and gives the previous owner
   * `previousOwnerRole`, atomically. A user actor may transfer only their own
   * ownership (and must hold the owner role); the new owner must be a member.
   * Refusals with `ForbiddenError` are audited as `tenant_membership.denied`.
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
    const attempt: Attempt = { action: 'tenant_membership.ownership_transfer', tenantId, subjectUserId: toUserId, role: null };
    const ownerOnly = `role:${roles.ownerRole}`;
    const transfer = await this.#deps.store.transaction(async (tx) => {
      // A non-member learns nothing: 404 before anything about other members is read.
      if (actor.type === 'user' && (await tx.findMembership(tenantId, actor.userId)) === undefined) throw tenantNotFound();
      const from = await tx.findMembership(tenantId, fromUserId);
      if (from === undefined) throw memberNotFound();
      if (actor.type === 'user' && actor.userId !== fromUserId) {
        return this.#deny(tx, actor, attempt, { reason: 'not_owner', capability: ownerOnly, message: 'Only an owner can transfer their own ownership.' });
      }
      if (!roles.isOwner(from.role)) {
        return this.#deny(tx, actor, attempt, { reason: 'not_owner', capability: ownerOnly, message: 'Only an owner can transfer ownership.' });
      }
      const promoted = await tx.updateMembershipRole({ tenantId, userId: toUserId, role: roles.ownerRole, ownerRole: roles.ownerRole });
      if (promoted.outcome !== 'applied') throw memberNotFound();
      const demoted = await tx.updateMembershipRole({ tenantId, userId: fromUserId, role: keeps, ownerRole: roles.ownerRole });
      if (demoted.outcome !== 'applied') throw memberNotFound();
      // Defence in depth: the tenant lock taken first keeps `from` as read
      // above, but if a store let a concurrent transfer demote it meanwhile,
      // the guarded write returns the row as it really was, and this transfer
      // must not mint an owner. It rolls back (with its writes), unaudited.
      if (!roles.isOwner(demoted.previous.role)) throw new ForbiddenError(ownerOnly, 'Only an owner can transfer ownership.');
      await auditor.record(tx, {
        actor,
        tenantId,
        action: attempt.action,
        subjectUserId: toUserId,
        metadata: { from: fromUserId, to: toUserId, previousOwnerRole: keeps, newOwnerPreviousRole: promoted.previous.role },
      });
      return {
        previousOwner: Object.freeze({ ...demoted.previous, role: keeps }),
        newOwner: Object.freeze({ ...promoted.previous, role: roles.ownerRole }),
      };
    }, { tenantId });
    const result = committed(transfer);
    this.#changed(tenantId, fromUserId);
    this.#changed(tenantId, toUserId);
    return Object.freeze(result);
  }

  async #delete(
    tx: StoreOperations,
    actor: Actor,
    tenantId: string,
    userId: string,
    action: 'tenant_membership.remove' | 'tenant_membership.leave',
    notFound: () => NotFoundError,
  ): Promise<MembershipRecord | Refusal> {
    const write = await tx.deleteMembership({ tenantId, userId, ownerRole: this.#deps.roles.ownerRole });
    const removed = await this.#settle(tx, write, { actor, tenantId, subjectUserId: userId, action }, notFound, (previous) => ({ role: previous.role }));
    // The owner created with the tenant took no seat (there was no plan yet), so gives none back.
    if (!(removed instanceof Refusal) && removed.source !== 'tenant_create') await this.#deps.seats?.giveBack(tx, tenantId);
    return removed;
  }

  /**
   * Audits a guarded write. A `last_owner` refusal is audited too, and that
   * entry must commit even though the operation fails: the transaction
   * returns normally with a {@link Refusal}, and {@link committed} throws
   * `LastOwnerError` after the commit.
   */
  async #settle(
    tx: StoreOperations,
    write: GuardedWriteResult,
    fact: Omit<AuditFact, 'metadata'>,
    notFound: () => NotFoundError,
    metadata: (previous: MembershipRecord) => AuditFact['metadata'],
  ): Promise<MembershipRecord | Refusal> {
    if (write.outcome === 'not_found') throw notFound();
    if (write.outcome === 'last_owner') {
      await this.#deps.auditor.record(tx, { ...fact, action: 'tenant_membership.last_owner_blocked', metadata: { attempted: fact.action } });
      return new Refusal(new LastOwnerError());
    }
    await this.#deps.auditor.record(tx, { ...fact, metadata: metadata(write.previous) });
    return write.previous;
  }

  /**
   * Authorizes a membership write inside its transaction. Throws
   * `NotFoundError` (unaudited: a non-member must not be able to write to a
   * tenant's log) when the tenant does not exist or a user actor is not a
   * member. Resolves with an audited {@link Refusal} when a member may not
   * make this write: without the managing capability, or against the
   * delegation rule ({@link delegationDenial}), for which `targetRole` reads
   * the target's current role (omitted for additions). Resolves with
   * `undefined` when the write may go ahead; the system actor always may.
   */
  async #authorize(
    tx: StoreOperations,
    actor: Actor,
    attempt: Attempt,
    targetRole: (() => Promise<string | undefined>) | undefined,
  ): Promise<Refusal | undefined> {
    // The transaction locked the tenant on open: the actor's own membership, read
    // next, cannot be changed (say, the actor removed) by another transaction before this one commits.
    if (actor.type === 'system') return undefined;
    const own = await tx.findMembership(attempt.tenantId, actor.userId);
    if (own === undefined) throw tenantNotFound();
    const { manageCapability, roles } = this.#deps;
    const manages = manageCapability === undefined ? roles.isOwner(own.role) : roles.grants(own.role, manageCapability);
    if (!manages) {
      const capability = manageCapability ?? `role:${roles.ownerRole}`;
      return this.#deny(tx, actor, attempt, { reason: 'missing_capability', capability, message: `Missing capability "${capability}".` });
    }
    if (roles.isOwner(own.role)) return undefined;
    const denial = delegationDenial(
      roles,
      { userId: actor.userId, role: own.role },
      { targetUserId: attempt.subjectUserId, grantedRole: attempt.role ?? undefined, targetRole: await targetRole?.() },
    );
    return denial === undefined ? undefined : this.#deny(tx, actor, attempt, denial);
  }

  /** Audits a refusal as `tenant_membership.denied` through `tx` and returns it, to be thrown after the commit. */
  async #deny(tx: StoreOperations, actor: Actor, attempt: Attempt, denial: MembershipDenial): Promise<Refusal> {
    await this.#deps.auditor.record(tx, {
      actor,
      tenantId: attempt.tenantId,
      action: 'tenant_membership.denied',
      subjectUserId: attempt.subjectUserId,
      metadata: { attempted: attempt.action, reason: denial.reason, capability: denial.capability, role: attempt.role },
    });
    return new Refusal(new ForbiddenError(denial.capability, denial.message));
  }

  /** Runs the after-commit effects of a change; their failures go to `onError`, never to the caller. */
  #changed(tenantId: string, userId: string): void {
    try {
      this.#deps.onMembershipChanged(tenantId, userId);
    } catch (error) {
      reportError(this.#deps.onError, error, 'membership.changed');
    }
  }

  /** A new membership row, with the actor's type and id as provenance. */
  #membership(tenantId: string, userId: string, role: string, actor: Actor, createdAt: Date, source: MembershipSource): MembershipRecord {
    return Object.freeze({ id: this.#deps.generateId(), tenantId, userId, role, createdByType: actor.type, createdBy: provenanceOf(actor), createdAt, source });
  }
}

/** The one 404 for an unknown tenant and a non-member actor: the two must read the same. */
const tenantNotFound = () => new NotFoundError();

/** A member named by a manager (who may know the member list) does not exist. */
const memberNotFound = () => new NotFoundError('Member not found.');

/** Unwraps a committed transaction's result, throwing the error of a (now audited) refusal. */
function committed<T>(result: T | Refusal): T {
  if (result instanceof Refusal) throw result.error;
  return result;
}
