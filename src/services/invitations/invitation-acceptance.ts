import { refOf, type Actor } from '../../core/actors/actor.js';
import {
  AlreadyExistsError,
  InvalidTokenError,
  InvitationAlreadyUsedError,
  isTenantryError,
  TooManyAttemptsError,
  ValidationError,
  type TenantryError,
} from '../../core/errors/index.js';
import { parseInvitationToken } from '../../core/invitations/invitation-token.js';
import { parseInput } from '../../core/validation/parse-input.js';
import type { InvitationRecord } from '../../store/invitation-records.js';
import type { MembershipRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Auditor } from '../audit/auditor.js';
import type { DenialEventReason, DenialHook } from '../authz/denial-event.js';
import type { Effects } from '../effects/effects.js';
import { toMember, type Member } from '../membership/member-view.js';
import { committed, Refusal } from '../membership/refusal.js';
import type { SeatPolicy } from '../membership/seat-policy.js';
import type { RateLimiter } from '../rate-limits/rate-limiter.js';
import { normaliseEmail } from './invitation-email.js';
import { invitationSchemas, type AcceptInvitationInput } from './invitation-inputs.js';
import type { ResolvedInvitationOptions } from './invitation-options.js';
import { invitationFacts } from './invitation-service.js';
import { toInvitation, type Invitation } from './invitation-view.js';
import { selectorLabel, type VerifierHasher } from './token-secrets.js';

/**
 * Why an acceptance was refused, as the audit log records it
 * (`tenant_invitation.accept_failed`, metadata `reason`). The caller never
 * sees it: every reason but `already_member` and `no_seat` is the same
 * {@link InvalidTokenError}.
 *
 * - `wrong_verifier`: the selector is known, the verifier is not its own.
 * - `expired`: the invitation is pending but past `expiresAt`.
 * - `revoked`: the invitation was revoked.
 * - `used`: the invitation was accepted already (a replay, or the loser of a race).
 * - `email_mismatch`: the invitation requires an email match and the host-verified email differs (or is missing).
 * - `already_member`: the user is a member of the tenant already (`AlreadyExistsError`); the invitation stays pending.
 * - `no_seat`: no seat is free (`LimitExceededError`); the invitation stays pending.
 */
export type AcceptFailureReason = 'wrong_verifier' | 'expired' | 'revoked' | 'used' | 'email_mismatch' | 'already_member' | 'no_seat';

/** Result of `invitations.accept`. */
export interface AcceptedInvitation {
  readonly invitation: Invitation;
  readonly member: Member;
}

/** Wiring of {@link InvitationAcceptance}. */
export interface InvitationAcceptanceDependencies {
  readonly store: Store;
  readonly hasher: VerifierHasher;
  readonly limiter: RateLimiter;
  readonly seats: SeatPolicy | undefined;
  readonly auditor: Auditor;
  readonly options: ResolvedInvitationOptions;
  readonly now: () => Date;
  readonly generateId: () => string;
  readonly onMembershipChanged: (tenantId: string, userId: string) => void;
  /** The instance's `onDenied` hook: told of refused acceptances of a known invitation (reason only, no token material). */
  readonly onDenied: DenialHook | undefined;
  readonly effects: Effects;
}

/** A refused acceptance: what the caller gets, and what the audit log records. */
class Failure {
  constructor(
    readonly reason: AcceptFailureReason,
    readonly error: TenantryError,
  ) {}
}

/**
 * Single-use, atomic acceptance. In order: the token's format (malformed:
 * `InvalidTokenError` before any storage access), the attempt limits per
 * caller and per token, one indexed read by selector, a constant-time
 * comparison of the verifier hash (against a dummy for an unknown selector),
 * the status, expiry and email binding; then one transaction locking the
 * tenant flips the invitation with a guarded write (still pending, still
 * this selector, not expired) and inserts the membership and takes a seat.
 * Of two concurrent acceptances exactly one wins; the other finds the guard
 * closed (`InvitationAlreadyUsedError`) or the membership taken
 * (`AlreadyExistsError`).
 */
export class InvitationAcceptance {
  readonly #deps: InvitationAcceptanceDependencies;

  constructor(deps: InvitationAcceptanceDependencies) {
    this.#deps = deps;
  }

  async accept(actor: Actor, input: AcceptInvitationInput): Promise<AcceptedInvitation> {
    const parsed = parseInput(invitationSchemas.accept, input, 'invitation acceptance');
    const parts = parseInvitationToken(parsed.token);
    if (parts === undefined) throw new InvalidTokenError();
    const userId = acceptingUser(actor, parsed.userId);
    await this.#limit(`invitation-accept:caller:${selectorLabel(parsed.callerKey ?? `user:${userId}`)}`);
    await this.#limit(`invitation-accept:token:${selectorLabel(parts.selector)}`);
    const { store, hasher } = this.#deps;
    const record = await store.findInvitationBySelector(parts.selector);
    // Always one comparison, against a dummy when the selector is unknown.
    const verified = hasher.matches(parts.verifier, record?.verifierHash);
    if (record === undefined) throw new InvalidTokenError();
    const now = this.#deps.now();
    const refused = verified ? refusalOf(record, now, parsed.email) : 'wrong_verifier';
    if (refused !== undefined) return this.#fail(actor, record, userId, new Failure(refused, tokenError(refused)));
    await this.#deps.seats?.prepare();
    let outcome: AcceptedInvitation | Failure;
    try {
      outcome = committed(await store.transaction((tx) => this.#acceptIn(tx, record, userId, now), { tenantId: record.tenantId }));
    } catch (error) {
      const failure = failureOf(error);
      if (failure === undefined) throw error;
      outcome = failure;
    }
    if (outcome instanceof Failure) return this.#fail(actor, record, userId, outcome);
    this.#deps.onMembershipChanged(record.tenantId, userId);
    return outcome;
  }

  async #acceptIn(tx: Parameters<Parameters<Store['transaction']>[0]>[0], record: InvitationRecord, userId: string, now: Date) {
    const write = await tx.writeInvitation({ kind: 'accept', tenantId: record.tenantId, invitationId: record.id, selector: record.selector, userId, at: now });
    // Lost a race (accepted, revoked or rotated meanwhile): nothing written; refused after the rollback.
    if (write.outcome === 'missed') return new Refusal(new InvitationAlreadyUsedError());
    const membership: MembershipRecord = Object.freeze({
      id: this.#deps.generateId(),
      tenantId: record.tenantId,
      userId,
      role: record.role,
      // The inviter granted the role: provenance names them, `source` says how.
      createdByType: record.createdByType,
      createdBy: record.createdBy,
      createdAt: now,
      source: 'invitation',
    });
    await tx.insertMembership(membership);
    await this.#deps.seats?.take(tx, record.tenantId);
    await this.#deps.auditor.record(tx, {
      actor: { type: 'user', userId },
      tenantId: record.tenantId,
      action: 'tenant_invitation.accept',
      subjectUserId: userId,
      metadata: invitationFacts(record),
    });
    return Object.freeze({ invitation: toInvitation(write.invitation, now), member: toMember(membership) });
  }

  /** Audits the refusal (the tenant is known) and throws what the caller sees. */
  async #fail(actor: Actor, record: InvitationRecord, userId: string, failure: Failure): Promise<never> {
    await this.#deps.auditor.record(this.#deps.store, {
      actor,
      tenantId: record.tenantId,
      action: 'tenant_invitation.accept_failed',
      subjectUserId: userId,
      metadata: { ...invitationFacts(record), reason: failure.reason },
    });
    const reason = DENIAL_REASONS[failure.reason];
    const hook = this.#deps.onDenied;
    if (hook !== undefined && reason !== undefined) {
      const event = Object.freeze({ capability: null, tenantId: record.tenantId, actor: refOf(actor), reason, status: 404 as const });
      this.#deps.effects.run('onDenied', () => hook(event));
    }
    throw failure.error;
  }

  async #limit(key: string): Promise<void> {
    const { limit, windowMs } = this.#deps.options.attempts;
    const hit = await this.#deps.limiter.hit({ key, limit, windowMs });
    if (!hit.allowed) throw new TooManyAttemptsError(Math.max(1, Math.ceil(hit.resetInMs / 1000)));
  }
}

/**
 * The denial-hook reason of each refusal the caller sees as the same 404.
 * `already_member` and `no_seat` are not here: the caller is told those
 * plainly (409-class errors), so there is nothing hidden to report.
 */
const DENIAL_REASONS: Partial<Record<AcceptFailureReason, DenialEventReason>> = {
  wrong_verifier: 'invitation_wrong_verifier',
  expired: 'invitation_expired',
  revoked: 'invitation_revoked',
  used: 'invitation_used',
  email_mismatch: 'invitation_email_mismatch',
};

/** The user who accepts: the actor (a different `userId` is refused), or the `userId` a system actor names. */
function acceptingUser(actor: Actor, userId: string | undefined): string {
  if (actor.type === 'user') {
    if (userId !== undefined && userId !== actor.userId) {
      throw new ValidationError('Invalid invitation acceptance: userId: Must be the acting user.', [{ path: ['userId'], message: 'Must be the acting user.' }]);
    }
    return actor.userId;
  }
  if (userId === undefined) {
    throw new ValidationError('Invalid invitation acceptance: userId: Required for a system actor.', [{ path: ['userId'], message: 'Required.' }]);
  }
  return userId;
}

/** Why a verified invitation cannot be accepted now, or `undefined` when it can. */
function refusalOf(record: InvitationRecord, now: Date, email: string | undefined): AcceptFailureReason | undefined {
  if (record.status === 'accepted') return 'used';
  if (record.status === 'revoked') return 'revoked';
  if (record.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (record.requireEmailMatch && normaliseEmail(email) !== record.email) return 'email_mismatch';
  return undefined;
}

function tokenError(reason: AcceptFailureReason): TenantryError {
  return reason === 'used' ? new InvitationAlreadyUsedError() : new InvalidTokenError();
}

/** The failure an error thrown by the acceptance transaction stands for, or `undefined` for any other error. */
function failureOf(error: unknown): Failure | undefined {
  if (!isTenantryError(error)) return undefined;
  if (error instanceof InvitationAlreadyUsedError) return new Failure('used', error);
  if (error instanceof AlreadyExistsError && error.entity === 'membership') return new Failure('already_member', error);
  if (error.code === 'limit_exceeded') return new Failure('no_seat', error);
  return undefined;
}
