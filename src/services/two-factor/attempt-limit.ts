import { createHash } from 'node:crypto';
import { TwoFactorLockedError } from '../../core/errors/index.js';
import type { RateLimiter } from '../rate-limits/rate-limiter.js';

/** Options of the failed-attempt limit. */
export interface TwoFactorAttemptOptions {
  /** Failed verifications allowed per user per window; the next attempt is locked out. Default is 5. */
  readonly maxFailures?: number;
  /** The window, and so the longest lockout, in milliseconds. Default is 5 minutes. */
  readonly windowMs?: number;
}

/**
 * Failed verifications per user, counted with the store-backed rate limiter
 * (fixed windows), so the limit holds across every instance sharing the
 * store. A user with `maxFailures` failures in the current window is locked
 * out until it ends: every attempt is refused, a correct code included, so a
 * guess that happens to be right during a lockout is worth nothing.
 */
export class AttemptLimit {
  readonly #limiter: RateLimiter;
  readonly #maxFailures: number;
  readonly #windowMs: number;

  constructor(limiter: RateLimiter, options: Required<TwoFactorAttemptOptions>) {
    this.#limiter = limiter;
    this.#maxFailures = options.maxFailures;
    this.#windowMs = options.windowMs;
  }

  /** Throws `TwoFactorLockedError` when the user's window is full. Writes nothing. */
  async assertNotLocked(userId: string): Promise<void> {
    // A hit costing more than the limit never fits: the store refuses it without counting and reports the window's count.
    const peek = await this.#limiter.hit({ key: keyOf(userId), limit: this.#maxFailures, windowMs: this.#windowMs, cost: this.#maxFailures + 1 });
    if (peek.count >= this.#maxFailures) throw new TwoFactorLockedError(Math.max(1, Math.ceil(peek.resetInMs / 1000)));
  }

  /** Counts one failure. */
  async recordFailure(userId: string): Promise<void> {
    await this.#limiter.hit({ key: keyOf(userId), limit: this.#maxFailures, windowMs: this.#windowMs });
  }
}

/** The limiter key of a user: a hash, so that any user id (up to 255 characters) fits the 200-character key rule and is not stored in clear. */
function keyOf(userId: string): string {
  return `two-factor:${createHash('sha256').update(userId, 'utf8').digest('base64url')}`;
}
