import type { RoleMap } from '../../core/roles/define-roles.js';
import type { MembershipDenial } from '../membership/delegation-rule.js';

/** What a role write would do, for the escalation rule. */
export interface RoleDefinitionChange {
  /** The capabilities the role grants after the write (a deletion: none). */
  readonly capabilities: readonly string[];
  /** The capabilities it granted before (an update or a deletion); empty for a creation. */
  readonly previous: readonly string[];
  /** A deletion's `reassignTo`: the role its holders get. */
  readonly reassignTo?: string;
}

/**
 * The escalation rule for tenant roles: may a member holding `actorRole`
 * (who already holds the role-managing capability) make `change`?
 * Resolves with the refusal, or `undefined` when allowed.
 *
 * Owners may. Any other member may define, edit or delete only a role whose
 * capabilities, before and after, are all their own (so they can neither
 * mint a role above themselves nor change one above them), and may
 * reassign its holders only to a role whose capabilities are all their own
 * and which is not the owner role. Together with the delegation rule for
 * assignments (a role is granted only by members holding all of its
 * capabilities), no sequence of writes by non-owners gives anyone a
 * capability that none of the acting members held. Pure.
 */
export function roleEscalationDenial(roles: RoleMap, actorRole: string, change: RoleDefinitionChange): MembershipDenial | undefined {
  if (roles.isOwner(actorRole)) return undefined;
  if (change.reassignTo !== undefined && roles.isOwner(change.reassignTo)) {
    return { reason: 'owner_role', capability: `role:${roles.ownerRole}`, message: 'Only an owner can give members the owner role.' };
  }
  const own = (capability: string) => roles.grants(actorRole, capability);
  const beyond = [...change.capabilities, ...change.previous].find((capability) => !own(capability));
  if (beyond !== undefined) {
    return { reason: 'role_exceeds_actor', capability: beyond, message: `Cannot define or change a role that holds "${beyond}", which your role does not.` };
  }
  const reassigned =
    change.reassignTo === undefined ? undefined : roles.capabilities.all().find((c) => roles.grants(change.reassignTo as string, c) && !own(c));
  if (reassigned !== undefined) {
    return {
      reason: 'role_exceeds_actor',
      capability: reassigned,
      message: `Cannot reassign members to a role that holds "${reassigned}", which your role does not.`,
    };
  }
  return undefined;
}
