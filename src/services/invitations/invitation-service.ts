import type { Actor } from '../../core/actors/actor.js';
import { ForbiddenError, NotFoundError, OwnerRequiredError, TooManyAttemptsError, ValidationError } from '../../core/errors/index.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, pageOf, type Page } from '../../core/paging/page.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import type { InvitationRecord } from '../../store/invitation-records.js';
import type { Store } from '../../store/store.js';
import type { StoreOperations } from '../../store/store-operations.js';
import type { Auditor } from '../audit/auditor.js';
import { committed } from '../membership/refusal.js';
import type { RateLimiter } from '../rate-limits/rate-limiter.js';
import type { ActorContext } from '../shared/actor-context.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import type { InvitationAuthorizer } from './invitation-authorizer.js';
import type { InvitationDraft, InvitationDrafts } from './invitation-drafts.js';
import { maskEmail, normaliseEmail } from './invitation-email.js';
import {
  invitationSchemas,
  type CreateInvitationInput,
  type ListInvitationsInput,
  type ResendInvitationInput,
  type RevokeInvitationInput,
} from './invitation-inputs.js';
import type { ResolvedInvitationOptions } from './invitation-options.js';
import { toInvitation, type Invitation } from './invitation-view.js';

/**
 * Result of `invitations.create` (and of each created row of `createMany`).
 *
 * - `created`: a new invitation; `token` is returned this once, for the host to email.
 * - `existing`: the tenant already has an open (pending, possibly expired) invitation for this email; it is returned unchanged, without a token. Call `resend` to rotate its token.
 */
export type CreatedInvitation =
  { readonly outcome: 'created'; readonly invitation: Invitation; readonly token: string } | { readonly outcome: 'existing'; readonly invitation: Invitation };

/** Result of `invitations.resend`: the invitation with its new expiry, and the new token (the old one stopped working). */
export interface ResentInvitation {
  readonly invitation: Invitation;
  readonly token: string;
}

/** Everything the invitation service needs from the instance. Internal wiring. */
export interface InvitationServiceDependencies<C extends string> {
  readonly store: Store;
  readonly roles: RoleMap<C>;
  readonly tenantIds: TenantIdRule;
  readonly manageCapability: C | undefined;
  readonly authorizer: InvitationAuthorizer<C>;
  readonly drafts: InvitationDrafts;
  readonly auditor: Auditor;
  readonly limiter: RateLimiter;
  readonly options: ResolvedInvitationOptions;
  readonly now: () => Date;
}

const CURSOR_KIND = 'invitations';
const invitationNotFound = () => new NotFoundError('Invitation not found.');

/** The audit metadata every invitation entry carries: ids, the role and the masked address, never the token. */
export function invitationFacts(record: InvitationRecord) {
  return { invitationId: record.id, role: record.role, email: maskEmail(record.email) };
}

/**
 * Invitation management: create, resend, revoke, list. Each write runs in
 * one transaction locking the tenant, with its authorization (the rules of
 * `members.add`) and its audit entry.
 */
export class InvitationService<C extends string, R extends string> {
  readonly #deps: InvitationServiceDependencies<C>;

  constructor(deps: InvitationServiceDependencies<C>) {
    this.#deps = deps;
  }

  /**
   * Invites `email` to the tenant with `role`. One open invitation per
   * (tenant, email): when one exists, it is returned as `existing` and
   * nothing changes.
   */
  async create(actor: Actor, input: CreateInvitationInput<R>): Promise<CreatedInvitation> {
    const parsed = parseTenantInput(this.#deps.tenantIds, invitationSchemas.create, input, 'invitation');
    const email = requireEmail(parsed.email);
    this.#deps.roles.assert(parsed.role);
    const draft = this.#deps.drafts.draft(actor, {
      tenantId: parsed.tenantId,
      email,
      role: parsed.role,
      expiresInMs: this.#deps.drafts.expiresInMs(parsed.expiresInMs),
      requireEmailMatch: parsed.requireEmailMatch ?? false,
    });
    const result = await this.#deps.store.transaction(
      async (tx) => {
        const refusal = await this.#deps.authorizer.authorize(tx, actor, parsed.tenantId, 'tenant_invitation.create', parsed.role);
        return refusal ?? this.insert(tx, actor, draft);
      },
      { tenantId: parsed.tenantId },
    );
    return committed(result);
  }

  /** Inserts a drafted invitation through `tx` and audits it when created. Shared with `createMany`. */
  async insert(tx: StoreOperations, actor: Actor, draft: InvitationDraft): Promise<CreatedInvitation> {
    const now = this.#deps.now();
    const inserted = await tx.insertInvitation(draft.record);
    if (inserted.outcome === 'existing') return Object.freeze({ outcome: 'existing', invitation: toInvitation(inserted.existing, now) });
    await this.#deps.auditor.record(tx, {
      actor,
      tenantId: draft.record.tenantId,
      action: 'tenant_invitation.create',
      subjectUserId: null,
      metadata: invitationFacts(draft.record),
    });
    return Object.freeze({ outcome: 'created', invitation: toInvitation(draft.record, now), token: draft.token });
  }

  /**
   * Rotates the token of a pending (or expired) invitation: a new selector
   * and verifier, so the old token stops working at once, and a new expiry.
   * Limited per invitation (`TooManyAttemptsError`). `NotFoundError` for an
   * unknown, accepted or revoked invitation.
   */
  async resend(actor: Actor, input: ResendInvitationInput): Promise<ResentInvitation> {
    const parsed = parseTenantInput(this.#deps.tenantIds, invitationSchemas.resend, input, 'invitation resend');
    const expiresInMs = this.#deps.drafts.expiresInMs(parsed.expiresInMs);
    // Counted before the transaction (the limiter writes through the store, not through it).
    const { resends } = this.#deps.options;
    const hit = await this.#deps.limiter.hit({ key: `invitation-resend:${parsed.invitationId}`, limit: resends.limit, windowMs: resends.windowMs });
    if (!hit.allowed) throw new TooManyAttemptsError(Math.ceil(hit.resetInMs / 1000));
    const result = await this.#deps.store.transaction(
      async (tx) => {
        const current = await this.#pending(tx, actor, parsed.tenantId, parsed.invitationId);
        const refusal = await this.#deps.authorizer.authorize(tx, actor, parsed.tenantId, 'tenant_invitation.resend', current.role);
        if (refusal !== undefined) return refusal;
        const rotation = this.#deps.drafts.rotation();
        const at = this.#deps.now();
        const write = await tx.writeInvitation({
          kind: 'rotate',
          tenantId: parsed.tenantId,
          invitationId: current.id,
          selector: rotation.selector,
          verifierHash: rotation.verifierHash,
          expiresAt: new Date(at.getTime() + expiresInMs),
          at,
        });
        if (write.outcome === 'missed') throw invitationNotFound();
        await this.#deps.auditor.record(tx, {
          actor,
          tenantId: parsed.tenantId,
          action: 'tenant_invitation.resend',
          subjectUserId: null,
          metadata: invitationFacts(write.invitation),
        });
        return Object.freeze({ invitation: toInvitation(write.invitation, at), token: rotation.token });
      },
      { tenantId: parsed.tenantId },
    );
    return committed(result);
  }

  /** Revokes a pending (or expired) invitation; the row is kept as `revoked`. `NotFoundError` when it is not open. */
  async revoke(actor: Actor, input: RevokeInvitationInput): Promise<Invitation> {
    const parsed = parseTenantInput(this.#deps.tenantIds, invitationSchemas.revoke, input, 'invitation revocation');
    const result = await this.#deps.store.transaction(
      async (tx) => {
        const current = await this.#pending(tx, actor, parsed.tenantId, parsed.invitationId);
        const refusal = await this.#deps.authorizer.authorize(tx, actor, parsed.tenantId, 'tenant_invitation.revoke', current.role);
        if (refusal !== undefined) return refusal;
        const at = this.#deps.now();
        const write = await tx.writeInvitation({ kind: 'revoke', tenantId: parsed.tenantId, invitationId: current.id, at });
        if (write.outcome === 'missed') throw invitationNotFound();
        await this.#deps.auditor.record(tx, {
          actor,
          tenantId: parsed.tenantId,
          action: 'tenant_invitation.revoke',
          subjectUserId: null,
          metadata: invitationFacts(write.invitation),
        });
        return toInvitation(write.invitation, at);
      },
      { tenantId: parsed.tenantId },
    );
    return committed(result);
  }

  /**
   * One page of the tenant's invitations ordered by id, optionally by
   * status. Readers need the managing capability (default: the owner role);
   * a non-member gets the canonical `NotFoundError`.
   */
  async list(ctx: ActorContext, input: ListInvitationsInput): Promise<Page<Invitation>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, invitationSchemas.list, input, 'invitation listing');
    const after = parsed.cursor === undefined ? undefined : decodeCursor(CURSOR_KIND, parsed.cursor, (key) => key.length > 0 && key.length <= 64);
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    const role = await ctx.standing(parsed.tenantId);
    if (role !== null) {
      const { roles, manageCapability } = this.#deps;
      if (manageCapability === undefined && !roles.isOwner(role)) throw new OwnerRequiredError('owner_role', 'Only an owner can list invitations.');
      if (manageCapability !== undefined && !roles.grants(role, manageCapability)) throw new ForbiddenError(manageCapability);
    }
    const now = this.#deps.now();
    const page = {
      limit: limit + 1,
      now,
      ...(after === undefined ? {} : { afterId: after }),
      ...(parsed.status === undefined ? {} : { status: parsed.status }),
    };
    const rows = await this.#deps.store.listInvitations(parsed.tenantId, page);
    return pageOf(
      rows,
      limit,
      (row) => toInvitation(row, now),
      (row) => encodeCursor(CURSOR_KIND, row.id),
    );
  }

  /** The open invitation, for a member (`NotFoundError` otherwise, and for a settled one). */
  async #pending(tx: StoreOperations, actor: Actor, tenantId: string, invitationId: string): Promise<InvitationRecord> {
    // A non-member learns nothing about the tenant's invitations: 404 before the lookup.
    if (actor.type === 'user' && (await tx.findMembership(tenantId, actor.userId)) === undefined) throw new NotFoundError();
    const current = await tx.findInvitation(tenantId, invitationId);
    if (current?.status !== 'pending') throw invitationNotFound();
    return current;
  }
}

/** The normalised address, or `ValidationError` (which never echoes the value). */
export function requireEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (email === undefined)
    throw new ValidationError('Invalid invitation: email: Not a valid email address.', [{ path: ['email'], message: 'Not a valid email address.' }]);
  return email;
}
