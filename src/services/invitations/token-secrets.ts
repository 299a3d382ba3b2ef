import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatInvitationToken, SELECTOR_BYTES, VERIFIER_BYTES, type InvitationTokenParts } from '../../core/invitations/invitation-token.js';

/** A freshly minted token with its halves. `token` goes to the caller once; only the selector and the verifier's hash are stored. */
export interface MintedToken extends InvitationTokenParts {
  readonly token: string;
}

/** A new token from `crypto.randomBytes`: 128-bit selector, 256-bit verifier. */
export function mintToken(): MintedToken {
  const selector = randomBytes(SELECTOR_BYTES).toString('base64url');
  const verifier = randomBytes(VERIFIER_BYTES).toString('base64url');
  return Object.freeze({ selector, verifier, token: formatInvitationToken({ selector, verifier }) });
}

/**
 * Hashes verifiers and compares them in constant time. SHA-256 by default;
 * HMAC-SHA-256 with the instance's pepper when one is configured, so a leaked
 * table cannot even be checked against a guessed verifier without the
 * server's secret.
 */
export class VerifierHasher {
  readonly #pepper: Buffer | undefined;
  /** Compared against when the selector is unknown, so that path costs the same comparison. */
  readonly #dummy: Buffer;

  constructor(pepper: string | undefined) {
    this.#pepper = pepper === undefined ? undefined : Buffer.from(pepper, 'utf8');
    this.#dummy = this.#digest(randomBytes(VERIFIER_BYTES).toString('base64url'));
  }

  /** The stored form of `verifier`: 64 lower-case hex digits. */
  hash(verifier: string): string {
    return this.#digest(verifier).toString('hex');
  }

  /**
   * True when `verifier` hashes to `storedHash`. With `storedHash`
   * `undefined` (unknown selector) it hashes and compares against a dummy
   * all the same and answers false: the timing does not say which half of
   * the token was wrong.
   */
  matches(verifier: string, storedHash: string | undefined): boolean {
    const actual = this.#digest(verifier);
    const stored = storedHash === undefined ? undefined : Buffer.from(storedHash, 'hex');
    const expected = stored?.length === actual.length ? stored : this.#dummy;
    return timingSafeEqual(actual, expected) && expected !== this.#dummy;
  }

  #digest(verifier: string): Buffer {
    return this.#pepper === undefined ? createHash('sha256').update(verifier).digest() : createHmac('sha256', this.#pepper).update(verifier).digest();
  }
}

/**
 * A short, non-reversible label of a selector for rate-limit keys (never the
 * selector itself: it must not appear in logs or storage beyond its own
 * column).
 */
export function selectorLabel(selector: string): string {
  return createHash('sha256').update(`tenantry-invitation-selector:${selector}`).digest('base64url').slice(0, 22);
}
