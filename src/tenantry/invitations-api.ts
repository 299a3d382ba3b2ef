import type { AcceptedInvitation, InvitationAcceptance } from '../services/invitations/invitation-acceptance.js';
import type { CreateManyInvitationsInput, CreateManyInvitationsResult, InvitationBulk } from '../services/invitations/invitation-bulk.js';
import type {
  AcceptInvitationInput,
  CreateInvitationInput,
  ListInvitationsInput,
  ResendInvitationInput,
  RevokeInvitationInput,
} from '../services/invitations/invitation-inputs.js';
import type { CreatedInvitation, InvitationService, ResentInvitation } from '../services/invitations/invitation-service.js';
import type { Invitation } from '../services/invitations/invitation-view.js';
import type { ActorContext } from '../services/shared/actor-context.js';
import type { Page } from '../core/paging/page.js';

/** A scope that can refresh its memo (an acceptance changes the actor's own membership). */
interface Refreshable extends ActorContext {
  refresh(tenantId?: string): void;
}

/** The invitation services of an instance. Internal wiring. */
export interface InvitationServices<R extends string> {
  readonly management: InvitationService<string, R>;
  readonly acceptance: InvitationAcceptance;
  readonly bulk: InvitationBulk<string>;
}

/** `scope.invitations`. */
export class InvitationsApi<R extends string> {
  readonly #scope: Refreshable;
  readonly #services: InvitationServices<R>;

  /** @internal */
  constructor(scope: Refreshable, services: InvitationServices<R>) {
    this.#scope = scope;
    this.#services = services;
  }

  /**
   * Invites an email address to the tenant with `role` (audited as
   * `tenant_invitation.create`). Authorized like `members.add`: the managing
   * capability, and a non-owner may invite only to roles within their own
   * capabilities, never to the owner role. Resolves `created` with the token
   * (returned this once: email it, never log it), or `existing` when the
   * email already has an open invitation (unchanged, no token; `resend`
   * rotates it). Errors: `NotFoundError`, `ForbiddenError` /
   * `OwnerRequiredError` / `DelegationDeniedError`, `UnknownRoleError`,
   * `ValidationError` (email, expiry).
   */
  create(input: CreateInvitationInput<R>): Promise<CreatedInvitation> {
    return this.#services.management.create(this.#scope.actor, input);
  }

  /**
   * Invites many addresses at once, from an array or CSV text (`email,role`
   * header). One result per row, in order: `created` (with its token),
   * `existing`, or `invalid` with a reason code. Mode `together` (default)
   * creates every valid row in one transaction; `each` gives every row its
   * own. More rows than the instance's `maxBulkRows` (default 500) is a
   * `ValidationError`; an actor who may not manage invitations is refused
   * as a whole.
   */
  createMany(input: CreateManyInvitationsInput<R>): Promise<CreateManyInvitationsResult> {
    return this.#services.bulk.createMany(this.#scope.actor, input);
  }

  /** Rotates the token of an open invitation and resets its expiry; the old token stops working at once. Rate-limited per invitation. */
  resend(input: ResendInvitationInput): Promise<ResentInvitation> {
    return this.#services.management.resend(this.#scope.actor, input);
  }

  /** Revokes an open invitation (soft delete: the row stays, status `revoked`). */
  revoke(input: RevokeInvitationInput): Promise<Invitation> {
    return this.#services.management.revoke(this.#scope.actor, input);
  }

  /** One page of the tenant's invitations, optionally by status; needs the managing capability. */
  list(input: ListInvitationsInput): Promise<Page<Invitation>> {
    return this.#services.management.list(this.#scope, input);
  }

  /**
   * Accepts an invitation as the acting user: single use, atomic (the
   * invitation flips to `accepted` and the membership is inserted, with a
   * seat, in one transaction). Every token that cannot be accepted gets the
   * same `InvalidTokenError` (404), whatever the reason;
   * `InvitationAlreadyUsedError` (a subclass, same code) for one accepted
   * already; `AlreadyExistsError` when the user is a member already and
   * `LimitExceededError` when no seat is free (the invitation stays pending
   * in both cases); `TooManyAttemptsError` (429) past the attempt limits.
   */
  async accept(input: AcceptInvitationInput): Promise<AcceptedInvitation> {
    const accepted = await this.#services.acceptance.accept(this.#scope.actor, input);
    this.#scope.refresh(accepted.member.tenantId);
    return accepted;
  }
}
