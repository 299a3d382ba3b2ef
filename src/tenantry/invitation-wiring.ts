import type { RoleMap } from '../core/roles/define-roles.js';
import type { Auditor } from '../services/audit/auditor.js';
import type { DenialHook } from '../services/authz/denial-event.js';
import type { Effects } from '../services/effects/effects.js';
import { InvitationAcceptance } from '../services/invitations/invitation-acceptance.js';
import { InvitationBulk } from '../services/invitations/invitation-bulk.js';
import { InvitationAuthorizer } from '../services/invitations/invitation-authorizer.js';
import { InvitationDrafts } from '../services/invitations/invitation-drafts.js';
import { resolveInvitationOptions, type InvitationOptions } from '../services/invitations/invitation-options.js';
import { InvitationService } from '../services/invitations/invitation-service.js';
import { VerifierHasher } from '../services/invitations/token-secrets.js';
import type { SeatPolicy } from '../services/membership/seat-policy.js';
import type { RateLimiter } from '../services/rate-limits/rate-limiter.js';
import type { TenantIdRule } from '../services/shared/tenant-id-rule.js';
import type { Store } from '../store/index.js';
import type { InvitationServices } from './invitations-api.js';

/** What the invitation services share with the rest of the instance. */
export interface InvitationWiring<C extends string> {
  readonly store: Store;
  readonly roles: RoleMap<C>;
  readonly tenantIds: TenantIdRule;
  readonly seats: SeatPolicy | undefined;
  readonly auditor: Auditor;
  readonly limiter: RateLimiter;
  readonly now: () => Date;
  readonly generateId: () => string;
  readonly onMembershipChanged: (tenantId: string, userId: string) => void;
  readonly onDenied: DenialHook | undefined;
  readonly effects: Effects;
}

/** Builds the instance's invitation services from the (already validated) options. */
export function invitationServices<C extends string, R extends string>(
  options: { readonly invitations?: InvitationOptions; readonly manageMembers?: C },
  wiring: InvitationWiring<C>,
): InvitationServices<R> {
  const resolved = resolveInvitationOptions(options.invitations);
  const hasher = new VerifierHasher(resolved.pepper);
  const { store, roles, tenantIds, auditor, limiter, now, generateId } = wiring;
  const manageCapability = options.manageMembers;
  const authorizer = new InvitationAuthorizer<C>({ roles, manageCapability, auditor });
  const drafts = new InvitationDrafts({ options: resolved, hasher, now, generateId });
  const management = new InvitationService<C, R>({ store, roles, tenantIds, manageCapability, authorizer, drafts, auditor, limiter, options: resolved, now });
  const acceptance = new InvitationAcceptance({
    store,
    hasher,
    limiter,
    seats: wiring.seats,
    auditor,
    options: resolved,
    now,
    generateId,
    onMembershipChanged: wiring.onMembershipChanged,
    onDenied: wiring.onDenied,
    effects: wiring.effects,
  });
  const bulk = new InvitationBulk<C>({
    store,
    roles,
    tenantIds,
    authorizer,
    drafts,
    service: management,
    maxBulkRows: resolved.maxBulkRows,
  });
  return Object.freeze({ management, acceptance, bulk: bulk });
}
