import type { Actor } from '../../core/actors/actor.js';
import { NotFoundError } from '../../core/errors/index.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import type { StoreOperations } from '../../store/store-operations.js';
import type { Auditor } from '../audit/auditor.js';
import { delegationDenial, type MembershipDenial } from '../membership/delegation-rule.js';
import { denialError } from '../membership/management-authorizer.js';
import { Refusal } from '../membership/refusal.js';

/** Wiring of {@link InvitationAuthorizer}. */
export interface InvitationAuthorizerDependencies<C extends string> {
  readonly roles: RoleMap<C>;
  /** The capability that lets a member manage memberships (and so invitations); `undefined` means "holds the owner role". */
  readonly manageCapability: C | undefined;
  readonly auditor: Auditor;
}

/**
 * Who may create, resend, revoke and list invitations: exactly who may add
 * members. A member needs the managing capability, and a non-owner may
 * invite only to a role whose every capability is one of their own, never to
 * the owner role (the delegation rule of `members.add`). Decided inside the
 * write's transaction, which holds the tenant's lock.
 */
export class InvitationAuthorizer<C extends string> {
  readonly #deps: InvitationAuthorizerDependencies<C>;

  constructor(deps: InvitationAuthorizerDependencies<C>) {
    this.#deps = deps;
  }

  /**
   * `NotFoundError` (unaudited) for a non-member; an audited
   * {@link Refusal} (`tenant_membership.denied`, `attempted` naming the
   * invitation action) when the member may not invite to `role`;
   * `undefined` when allowed. The system actor always may.
   */
  async authorize(tx: StoreOperations, actor: Actor, tenantId: string, attempted: string, role: string): Promise<Refusal | undefined> {
    const denial = await this.denial(tx, actor, tenantId, role);
    if (denial === undefined) return undefined;
    await this.#deps.auditor.record(tx, {
      actor,
      tenantId,
      action: 'tenant_membership.denied',
      subjectUserId: null,
      metadata: { attempted, reason: denial.reason, capability: denial.capability, role },
    });
    return new Refusal(denialError(denial));
  }

  /** The refusal for inviting to `role` (`undefined`: allowed), without auditing; `NotFoundError` for a non-member. */
  async denial(tx: StoreOperations, actor: Actor, tenantId: string, role: string): Promise<MembershipDenial | undefined> {
    const standing = await this.standing(tx, actor, tenantId);
    return typeof standing === 'string' ? this.roleDenial(actor, standing, role) : standing?.denial;
  }

  /**
   * The acting member's role when they manage invitations at all, the
   * refusal when they do not, `undefined` for the system actor;
   * `NotFoundError` for a non-member.
   */
  async standing(tx: StoreOperations, actor: Actor, tenantId: string): Promise<string | { readonly denial: MembershipDenial } | undefined> {
    if (actor.type === 'system') return undefined;
    const own = await tx.findMembership(tenantId, actor.userId);
    if (own === undefined) throw new NotFoundError();
    const { roles, manageCapability } = this.#deps;
    const manages = manageCapability === undefined ? roles.isOwner(own.role) : roles.grants(own.role, manageCapability);
    if (manages) return own.role;
    return {
      denial:
        manageCapability === undefined
          ? { reason: 'owner_role', capability: `role:${roles.ownerRole}`, message: 'Only an owner can manage invitations.' }
          : { reason: 'missing_capability', capability: manageCapability, message: `Missing capability "${manageCapability}".` },
    };
  }

  /** The delegation rule for a managing member with role `own` inviting to `role`. */
  roleDenial(actor: Actor, own: string, role: string): MembershipDenial | undefined {
    if (actor.type === 'system') return undefined;
    // The invitee is nobody yet: the empty target never equals a user id, so only the role rules apply.
    return delegationDenial(this.#deps.roles, { userId: actor.userId, role: own }, { targetUserId: '', grantedRole: role, targetRole: undefined });
  }
}
