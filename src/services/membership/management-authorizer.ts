import type { Actor } from '../../core/actors/actor.js';
import { DelegationDeniedError, ForbiddenError, NotFoundError, OwnerRequiredError, UnknownRoleError, type TenantryError } from '../../core/errors/index.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import type { AuditAction } from '../../store/audit-records.js';
import type { StoreOperations } from '../../store/store-operations.js';
import type { Auditor } from '../audit/auditor.js';
import { roleMapIn } from '../shared/role-map-in.js';
import { delegationDenial, type MembershipDenial } from './delegation-rule.js';
import { Refusal } from './refusal.js';

/** What a membership write attempts, for its authorization and the audit entry of a refusal. */
export interface Attempt {
  readonly action: AuditAction;
  readonly tenantId: string;
  readonly subjectUserId: string;
  /** The role the write would grant; `null` for removals and transfers. */
  readonly role: string | null;
}

/** Wiring of {@link ManagementAuthorizer}. */
export interface ManagementAuthorizerDependencies<C extends string> {
  readonly roles: RoleMap<C>;
  /** The capability that lets a user actor manage memberships; `undefined` means "holds the owner role". */
  readonly manageCapability: C | undefined;
  readonly auditor: Auditor;
}

/**
 * Who may write memberships, decided inside the write's transaction (which
 * holds the tenant's lock, so what it reads stays true until the commit).
 */
export class ManagementAuthorizer<C extends string> {
  readonly #deps: ManagementAuthorizerDependencies<C>;

  constructor(deps: ManagementAuthorizerDependencies<C>) {
    this.#deps = deps;
  }

  /**
   * Throws `NotFoundError` (unaudited: a non-member must not be able to write
   * to a tenant's log) when a user actor is not a member, or the tenant is archived. Resolves with an
   * audited {@link Refusal} when a member may not make this write: without
   * the managing capability, or against the delegation rule
   * ({@link delegationDenial}), for which `targetRole` reads the target's
   * current role (omitted for additions). Tenant roles count like declared
   * ones: their capabilities come from the tenant's role definitions, read
   * in the same transaction. Resolves with `undefined` when the
   * write may go ahead; the system actor always may.
   */
  async authorize(
    tx: StoreOperations,
    actor: Actor,
    attempt: Attempt,
    targetRole: (() => Promise<string | undefined>) | undefined,
  ): Promise<Refusal | undefined> {
    if (actor.type === 'system') return undefined;
    // In an archived tenant no member can act: the same 404 as for a non-member.
    const own = await tx.findActiveMembership(attempt.tenantId, actor.userId);
    if (own === undefined) throw new NotFoundError();
    const { manageCapability } = this.#deps;
    // Tenant roles are read only when a role involved is not declared (see roleMapIn).
    const roles = await roleMapIn(tx, this.#deps.roles, attempt.tenantId, [own.role, attempt.role]);
    // A member may list the tenant's roles anyway, so an unknown one is named before any refusal (and not audited).
    if (attempt.role !== null && !roles.has(attempt.role)) throw new UnknownRoleError();
    const manages = manageCapability === undefined ? roles.isOwner(own.role) : roles.grants(own.role, manageCapability);
    if (!manages) {
      const denial: MembershipDenial =
        manageCapability === undefined
          ? { reason: 'owner_role', capability: `role:${roles.ownerRole}`, message: 'Only an owner can manage memberships.' }
          : { reason: 'missing_capability', capability: manageCapability, message: `Missing capability "${manageCapability}".` };
      return this.deny(tx, actor, attempt, denial);
    }
    if (roles.isOwner(own.role)) return undefined;
    const current = await targetRole?.();
    const withTarget = current === undefined || roles.has(current) ? roles : await roleMapIn(tx, this.#deps.roles, attempt.tenantId, [current]);
    const denial = delegationDenial(
      withTarget,
      { userId: actor.userId, role: own.role },
      { targetUserId: attempt.subjectUserId, grantedRole: attempt.role ?? undefined, targetRole: current },
    );
    return denial === undefined ? undefined : this.deny(tx, actor, attempt, denial);
  }

  /** Audits a refusal as `tenant_membership.denied` through `tx` and returns it, to be thrown after the commit. */
  async deny(tx: StoreOperations, actor: Actor, attempt: Attempt, denial: MembershipDenial): Promise<Refusal> {
    await this.#deps.auditor.record(tx, {
      actor,
      tenantId: attempt.tenantId,
      action: 'tenant_membership.denied',
      subjectUserId: attempt.subjectUserId,
      metadata: { attempted: attempt.action, reason: denial.reason, capability: denial.capability, role: attempt.role },
    });
    return new Refusal(denialError(denial));
  }
}

/** The error a refusal is thrown as: one code per kind of mistake. */
export function denialError(denial: MembershipDenial): TenantryError {
  switch (denial.reason) {
    case 'missing_capability':
      return new ForbiddenError(denial.capability, denial.message);
    case 'owner_role':
    case 'not_owner':
      return new OwnerRequiredError(denial.reason, denial.message);
    case 'role_exceeds_actor':
    case 'target_exceeds_actor':
      return new DelegationDeniedError(denial.reason, denial.capability, denial.message);
    case 'own_role':
      return new DelegationDeniedError('own_role', null, denial.message);
  }
}
