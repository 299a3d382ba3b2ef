import { provenanceOf, type Actor } from '../../core/actors/actor.js';
import { ValidationError } from '../../core/errors/index.js';
import type { NewInvitation } from '../../store/invitation-records.js';
import { MIN_EXPIRES_IN_MS, type ResolvedInvitationOptions } from './invitation-options.js';
import { mintToken, type VerifierHasher } from './token-secrets.js';

/** A new invitation row and the token that goes with it, before it is stored. */
export interface InvitationDraft {
  readonly record: NewInvitation;
  /** Returned to the caller once, if the row is created; never stored. */
  readonly token: string;
}

/** Wiring of {@link InvitationDrafts}. */
export interface InvitationDraftDependencies {
  readonly options: ResolvedInvitationOptions;
  readonly hasher: VerifierHasher;
  readonly now: () => Date;
  readonly generateId: () => string;
}

/** Builds invitation rows with fresh tokens, and validates expiries against the instance's bounds. */
export class InvitationDrafts {
  readonly #deps: InvitationDraftDependencies;

  constructor(deps: InvitationDraftDependencies) {
    this.#deps = deps;
  }

  /** The validity to use: `requested` within bounds (else `ValidationError`), or the instance default. */
  expiresInMs(requested: number | undefined): number {
    const { expiresInMs, maxExpiresInMs } = this.#deps.options;
    if (requested === undefined) return expiresInMs;
    if (requested < MIN_EXPIRES_IN_MS || requested > maxExpiresInMs) {
      const message = `Must be between ${String(MIN_EXPIRES_IN_MS)} and ${String(maxExpiresInMs)} milliseconds.`;
      throw new ValidationError(`Invalid invitation: expiresInMs: ${message}`, [{ path: ['expiresInMs'], message }]);
    }
    return requested;
  }

  /** A pending invitation of `tenantId` for the normalised `email`. */
  draft(actor: Actor, fields: { tenantId: string; email: string; role: string; expiresInMs: number; requireEmailMatch: boolean }): InvitationDraft {
    const minted = mintToken();
    const createdAt = this.#deps.now();
    const record: NewInvitation = Object.freeze({
      id: this.#deps.generateId(),
      tenantId: fields.tenantId,
      email: fields.email,
      role: fields.role,
      selector: minted.selector,
      verifierHash: this.#deps.hasher.hash(minted.verifier),
      status: 'pending',
      requireEmailMatch: fields.requireEmailMatch,
      createdByType: actor.type,
      createdBy: provenanceOf(actor),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + fields.expiresInMs),
      resendCount: 0,
      acceptedBy: null,
      settledAt: null,
    });
    return { record, token: minted.token };
  }

  /** A fresh selector, verifier hash and token for a rotation. */
  rotation(): { readonly selector: string; readonly verifierHash: string; readonly token: string } {
    const minted = mintToken();
    return { selector: minted.selector, verifierHash: this.#deps.hasher.hash(minted.verifier), token: minted.token };
  }
}
