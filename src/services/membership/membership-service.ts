import { provenanceOf, type Actor } from '../../core/actors/actor.js';
import { ActorNotAllowedError, LastOwnerError, NotFoundError, OwnerRequiredError, UnknownRoleError, ValidationError } from '../../core/errors/index.js';
import { ROLE_NAME_PATTERN, type RoleMap } from '../../core/roles/define-roles.js';
import type { GuardedWriteResult, MembershipRecord, MembershipSource } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { StoreOperations } from '../../store/store-operations.js';
import type { AuditFact, Auditor } from '../audit/auditor.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { ManagementAuthorizer, type Attempt } from './management-authorizer.js';
import { roleMapIn } from '../shared/role-map-in.js';
import type { AssignableRole } from '../../core/roles/tenant-role-name.js';
import {
  membershipSchemas,
  type AddMemberInput,
  type ChangeRoleInput,
  type LeaveTenantInput,
  type RemoveMemberInput,
  type TransferOwnershipInput,
} from './membership-inputs.js';
import { toMember, type Member, type OwnershipTransfer } from './member-view.js';
import { committed, Refusal } from './refusal.js';
import type { SeatPolicy } from './seat-policy.js';
import type { OffboardingOutcome, OffboardingReport, RemoveUserEverywhereInput, SuccessorPolicy } from './offboarding.js';
import { parseInput } from '../../core/validation/parse-input.js';
import type { UserDirectory } from '../shared/user-directory.js';

/** Everything the membership service needs from the tenantry instance. Internal wiring. */
export interface MembershipServiceDependencies<C extends string> {
  readonly store: Store;
  readonly roles: RoleMap<C>;
  readonly tenantIds: TenantIdRule;
  /** The capability that lets a user actor manage memberships; `undefined` means "holds the owner role". */
  readonly manageCapability: C | undefined;
  /** The role a previous owner keeps after transferring ownership. */
  readonly previousOwnerRole: string;
  readonly seats: SeatPolicy | undefined;
  /** The host's user directory, when configured: members must exist. */
  readonly users: UserDirectory | undefined;
  readonly auditor: Auditor;
  readonly now: () => Date;
  readonly generateId: () => string;
  /** Runs after every committed membership change (cache invalidation); shielded by the caller. */
  readonly onMembershipChanged: (tenantId: string, userId: string) => void;
}

/**
 * Membership writes. Every write runs in one store transaction that locks
 * the tenant when it opens, together with the authorization of the acting
 * user, the seat accounting (if configured) and its audit entry. Refusals
 * (`ForbiddenError`, `OwnerRequiredError`, `DelegationDeniedError`,
 * `LastOwnerError`) are audited too: their entry commits in that same
 * transaction, which writes nothing else, and the error is thrown after the
 * commit.
 */
export class MembershipService<C extends string, R extends string> {
  readonly #deps: MembershipServiceDependencies<C>;
  readonly #authorizer: ManagementAuthorizer<C>;

  constructor(deps: MembershipServiceDependencies<C>) {
    this.#deps = deps;
    this.#authorizer = new ManagementAuthorizer({ roles: deps.roles, manageCapability: deps.manageCapability, auditor: deps.auditor });
  }

  /**
   * Adds an existing user with `role`, taking a seat when seats are
   * configured. With the `users` port, an unknown user is `NotFoundError`
   * (entity `user`), checked before anything is written.
   */
  async add(actor: Actor, input: AddMemberInput<AssignableRole<R>>): Promise<Member> {
    const { tenantId, userId, role } = parseTenantInput(this.#deps.tenantIds, membershipSchemas.member, input, 'member');
    this.#assertRoleName(role);
    const attempt: Attempt = { action: 'tenant_membership.add', tenantId, subjectUserId: userId, role };
    const userExists = await this.#deps.users?.check([userId]);
    await this.#deps.seats?.prepare();
    // Seat alerts fire once the membership committed, like any limit's.
    let afterCommit: (() => void) | undefined;
    const membership = await this.#deps.store.transaction(
      async (tx) => {
        const refusal = await this.#authorizer.authorize(tx, actor, attempt, undefined);
        if (refusal !== undefined) return refusal;
        await this.#assertRoleIn(tx, tenantId, role);
        // After the authorization: a non-member must not learn which users exist.
        userExists?.();
        const record = this.#membership(tenantId, userId, role, actor, actor.type === 'system' ? 'system' : 'member_add');
        await tx.insertMembership(record);
        afterCommit = await this.#deps.seats?.take(tx, tenantId);
        await this.#deps.auditor.record(tx, { actor, tenantId, action: attempt.action, subjectUserId: userId, metadata: { role } });
        return record;
      },
      { tenantId },
    );
    const added = committed(membership);
    this.#deps.onMembershipChanged(tenantId, userId);
    afterCommit?.();
    return toMember(added);
  }

  /** Changes a member's role; `LastOwnerError` (audited) when it would leave no owner. */
  async changeRole(actor: Actor, input: ChangeRoleInput<AssignableRole<R>>): Promise<Member> {
    const { tenantId, userId, role } = parseTenantInput(this.#deps.tenantIds, membershipSchemas.member, input, 'role change');
    this.#assertRoleName(role);
    const attempt: Attempt = { action: 'tenant_membership.role_change', tenantId, subjectUserId: userId, role };
    const result = await this.#deps.store.transaction(
      async (tx) => {
        const refusal = await this.#authorizer.authorize(tx, actor, attempt, async () => (await tx.findMembership(tenantId, userId))?.role);
        if (refusal !== undefined) return refusal;
        await this.#assertRoleIn(tx, tenantId, role);
        const write = await tx.updateMembershipRole({ tenantId, userId, role, ownerRole: this.#deps.roles.ownerRole });
        return this.#settle(tx, write, { actor, tenantId, subjectUserId: userId, action: attempt.action }, memberNotFound, (previous) => ({
          from: previous.role,
          to: role,
        }));
      },
      { tenantId },
    );
    const previous = committed(result);
    this.#deps.onMembershipChanged(tenantId, userId);
    return toMember(previous, role);
  }

  /** Removes a member, giving back their seat; `LastOwnerError` (audited) for the last owner. */
  async remove(actor: Actor, input: RemoveMemberInput): Promise<Member> {
    const { tenantId, userId } = parseTenantInput(this.#deps.tenantIds, membershipSchemas.remove, input, 'member removal');
    const attempt: Attempt = { action: 'tenant_membership.remove', tenantId, subjectUserId: userId, role: null };
    await this.#deps.seats?.prepare();
    const removed = await this.#deps.store.transaction(
      async (tx) => {
        const refusal = await this.#authorizer.authorize(tx, actor, attempt, async () => (await tx.findMembership(tenantId, userId))?.role);
        if (refusal !== undefined) return refusal;
        return this.#delete(tx, actor, tenantId, userId, 'tenant_membership.remove', memberNotFound);
      },
      { tenantId },
    );
    const record = committed(removed);
    this.#deps.onMembershipChanged(tenantId, userId);
    return toMember(record);
  }

  /**
   * The acting user leaves the tenant; `LastOwnerError` (audited) for the
   * last owner. An unknown tenant and a tenant the actor is not a member of
   * give the same `NotFoundError`, so leaving cannot probe which tenants exist.
   * A system actor belongs to no tenant: `ActorNotAllowedError`.
   */
  async leave(actor: Actor, input: LeaveTenantInput): Promise<Member> {
    if (actor.type !== 'user') throw new ActorNotAllowedError('user', 'Only a user can leave a tenant; remove members with members.remove().');
    const { tenantId } = parseTenantInput(this.#deps.tenantIds, membershipSchemas.leave, input, 'leave');
    await this.#deps.seats?.prepare();
    const left = await this.#deps.store.transaction((tx) => this.#delete(tx, actor, tenantId, actor.userId, 'tenant_membership.leave', tenantNotFound), {
      tenantId,
    });
    const record = committed(left);
    this.#deps.onMembershipChanged(tenantId, actor.userId);
    return toMember(record);
  }

  /**
   * Makes another member the owner and gives the previous owner
   * `previousOwnerRole`, atomically. A user actor may transfer only their own
   * ownership (and must hold the owner role); the new owner must be a member.
   * Refusals are audited as `tenant_membership.denied`.
   */
  async transferOwnership(actor: Actor, input: TransferOwnershipInput<R>): Promise<OwnershipTransfer> {
    const parsed = parseTenantInput(this.#deps.tenantIds, membershipSchemas.transfer, input, 'ownership transfer');
    const { tenantId, toUserId } = parsed;
    const { roles, auditor } = this.#deps;
    const keeps = parsed.previousOwnerRole === undefined ? this.#deps.previousOwnerRole : roles.assert(parsed.previousOwnerRole);
    const fromUserId = parsed.fromUserId ?? (actor.type === 'user' ? actor.userId : undefined);
    if (fromUserId === undefined) {
      throw new ValidationError('Invalid ownership transfer: fromUserId is required for a system actor.', [{ path: ['fromUserId'], message: 'Required.' }]);
    }
    if (fromUserId === toUserId) {
      throw new ValidationError('Invalid ownership transfer: the new owner must be another member.', [{ path: ['toUserId'], message: 'Same as fromUserId.' }]);
    }
    const attempt: Attempt = { action: 'tenant_membership.ownership_transfer', tenantId, subjectUserId: toUserId, role: null };
    const ownerOnly = `role:${roles.ownerRole}`;
    const transfer = await this.#deps.store.transaction(
      async (tx) => {
        // A non-member learns nothing: 404 before anything about other members is read.
        if (actor.type === 'user' && (await tx.findActiveMembership(tenantId, actor.userId)) === undefined) throw tenantNotFound();
        const from = await tx.findMembership(tenantId, fromUserId);
        if (from === undefined) throw memberNotFound();
        if (actor.type === 'user' && actor.userId !== fromUserId) {
          return this.#authorizer.deny(tx, actor, attempt, {
            reason: 'not_owner',
            capability: ownerOnly,
            message: 'Only an owner can transfer their own ownership.',
          });
        }
        if (!roles.isOwner(from.role)) {
          return this.#authorizer.deny(tx, actor, attempt, { reason: 'not_owner', capability: ownerOnly, message: 'Only an owner can transfer ownership.' });
        }
        const promoted = await tx.updateMembershipRole({ tenantId, userId: toUserId, role: roles.ownerRole, ownerRole: roles.ownerRole });
        if (promoted.outcome !== 'applied') throw memberNotFound();
        const demoted = await tx.updateMembershipRole({ tenantId, userId: fromUserId, role: keeps, ownerRole: roles.ownerRole });
        if (demoted.outcome !== 'applied') throw memberNotFound();
        // Defence in depth: the tenant lock taken on open keeps `from` as read
        // above, but if a store let a concurrent transfer demote it meanwhile,
        // the guarded write returns the row as it really was, and this transfer
        // must not mint an owner. It rolls back (with its writes), unaudited.
        if (!roles.isOwner(demoted.previous.role)) throw new OwnerRequiredError('not_owner', 'Only an owner can transfer ownership.');
        await auditor.record(tx, {
          actor,
          tenantId,
          action: attempt.action,
          subjectUserId: toUserId,
          metadata: { from: fromUserId, to: toUserId, previousOwnerRole: keeps, newOwnerPreviousRole: promoted.previous.role },
        });
        return { previousOwner: toMember(demoted.previous, keeps), newOwner: toMember(promoted.previous, roles.ownerRole) };
      },
      { tenantId },
    );
    const result = committed(transfer);
    this.#deps.onMembershipChanged(tenantId, fromUserId);
    this.#deps.onMembershipChanged(tenantId, toUserId);
    return Object.freeze(result);
  }

  /**
   * Offboarding (a departing employee, a GDPR erasure): removes `userId`
   * from every tenant they belong to, in one call. System actors only. Each
   * tenant is its own transaction (locked, audited as
   * `tenant_membership.remove`, the seat given back), so one refusal does
   * not undo the others. Where the user is the last owner the removal is
   * refused (audited as `tenant_membership.last_owner_blocked`) and reported,
   * unless `successor` names a member to promote first (audited as
   * `tenant_membership.role_change`). Archived tenants are included.
   */
  async removeUserEverywhere(actor: Actor, input: RemoveUserEverywhereInput): Promise<OffboardingReport> {
    if (actor.type !== 'system') throw new ActorNotAllowedError('system', 'Only a system actor can remove a user from every tenant.');
    const { userId, successor } = parseInput(membershipSchemas.offboard, input, 'offboarding');
    await this.#deps.seats?.prepare();
    const outcomes: OffboardingOutcome[] = [];
    for (const { tenantId } of await this.#deps.store.listMembershipsOfUser(userId)) {
      const outcome = await this.#deps.store
        .transaction((tx) => this.#offboardIn(tx, actor, tenantId, userId, successor as SuccessorPolicy | undefined), { tenantId })
        .catch((error: unknown) => {
          // Deleted (or the user removed) since the listing: nothing left to do there.
          if (error instanceof NotFoundError) return { tenantId, outcome: 'not_found' as const };
          throw error;
        });
      if (outcome.outcome === 'removed') this.#deps.onMembershipChanged(tenantId, userId);
      if (outcome.outcome === 'removed' && outcome.successor !== null) this.#deps.onMembershipChanged(tenantId, outcome.successor);
      outcomes.push(Object.freeze(outcome));
    }
    return Object.freeze({ userId, tenants: Object.freeze(outcomes), complete: outcomes.every((o) => o.outcome !== 'last_owner') });
  }

  async #offboardIn(tx: StoreOperations, actor: Actor, tenantId: string, userId: string, successor: SuccessorPolicy | undefined): Promise<OffboardingOutcome> {
    const { roles, auditor } = this.#deps;
    const ownerRole = roles.ownerRole;
    const fact = { actor, tenantId, subjectUserId: userId, action: 'tenant_membership.remove' as const };
    let write = await tx.deleteMembership({ tenantId, userId, ownerRole });
    let promoted: string | null = null;
    if (write.outcome === 'last_owner' && successor !== undefined) {
      const members = (await tx.listMembers(tenantId, { limit: 1000 })).filter((m) => m.userId !== userId).map((m) => toMember(m));
      const chosen = await successor({ tenantId, userId, members: Object.freeze(members) });
      const promotion = chosen === undefined ? undefined : await tx.updateMembershipRole({ tenantId, userId: chosen, role: ownerRole, ownerRole });
      if (chosen !== undefined && promotion?.outcome === 'applied') {
        await auditor.record(tx, {
          actor,
          tenantId,
          action: 'tenant_membership.role_change',
          subjectUserId: chosen,
          metadata: { from: promotion.previous.role, to: ownerRole, successorOf: userId },
        });
        promoted = chosen;
        write = await tx.deleteMembership({ tenantId, userId, ownerRole });
      }
    }
    if (write.outcome === 'not_found') return { tenantId, outcome: 'not_found' };
    if (write.outcome === 'last_owner') {
      await auditor.record(tx, { ...fact, action: 'tenant_membership.last_owner_blocked', metadata: { attempted: fact.action } });
      return { tenantId, outcome: 'last_owner' };
    }
    await auditor.record(tx, { ...fact, metadata: { role: write.previous.role, offboarding: true } });
    await this.#deps.seats?.giveBack(tx, tenantId, write.previous);
    return { tenantId, outcome: 'removed', member: toMember(write.previous), successor: promoted };
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
    if (!(removed instanceof Refusal)) await this.#deps.seats?.giveBack(tx, tenantId, removed);
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
   * Before the transaction: a declared role passes; any other string must at
   * least be a well-formed role name to be a tenant role (`UnknownRoleError`
   * otherwise, the one code for an unknown role).
   */
  #assertRoleName(role: string): void {
    if (!this.#deps.roles.has(role) && !ROLE_NAME_PATTERN.test(role)) throw new UnknownRoleError();
  }

  /**
   * Inside the transaction, after the authorization (so a non-member cannot
   * probe which roles a tenant defined): a role that is not declared must be
   * one of the tenant's roles, else `UnknownRoleError` and nothing is written.
   */
  async #assertRoleIn(tx: StoreOperations, tenantId: string, role: string): Promise<void> {
    if (!this.#deps.roles.has(role)) (await roleMapIn(tx, this.#deps.roles, tenantId, [role])).assert(role);
  }

  /** A new membership row, with the actor's type and id as provenance. */
  #membership(tenantId: string, userId: string, role: string, actor: Actor, source: MembershipSource): MembershipRecord {
    return Object.freeze({
      id: this.#deps.generateId(),
      tenantId,
      userId,
      role,
      createdByType: actor.type,
      createdBy: provenanceOf(actor),
      createdAt: this.#deps.now(),
      source,
    });
  }
}

/** The one 404 for an unknown tenant and a non-member actor: the two must read the same. */
const tenantNotFound = () => new NotFoundError();

/** A member named by a manager (who may know the member list) does not exist. */
const memberNotFound = () => new NotFoundError('Member not found.');
