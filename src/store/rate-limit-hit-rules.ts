import { ValidationError } from '../core/errors/index.js';
import type { RateLimitHit } from './rate-limit-operations.js';

/** Longest rate-limit key a store accepts, in UTF-16 code units (the Kysely store's column holds 200 characters). */
export const MAX_RATE_LIMIT_KEY_LENGTH = 200;

/**
 * How long after a window has ended its counter is kept. A hit computes its
 * window before it reaches the store (after the host's key and cost
 * functions, a connection from the pool, a lock wait), so a hit for a window
 * can arrive after the next window has opened; deleting the window the moment
 * it ends would let such a late hit start the window's count again from
 * zero. Pruning only windows that ended longer ago than this keeps every
 * in-flight hit's counter.
 */
export const RATE_LIMIT_RETENTION_MS = 60_000;

/**
 * Control characters (C0, DEL, C1) and lone surrogates. Control characters
 * corrupt logs and PostgreSQL text cannot hold NUL; a lone surrogate has no
 * UTF-8 form, so a database would reject it, or silently replace it and
 * make distinct keys collide.
 */
const UNSAFE_KEY_CHARACTER = /[\p{Cc}\p{Cs}]/u;

/** True when `text` holds a control character or a lone surrogate, which no rate-limit key may contain. */
export function hasUnsafeKeyCharacter(text: string): boolean {
  return UNSAFE_KEY_CHARACTER.test(text);
}

/**
 * Why `key` cannot be a rate-limit key, or `undefined` when it can: a
 * non-empty string of at most {@link MAX_RATE_LIMIT_KEY_LENGTH} code units,
 * well-formed UTF-16 (no lone surrogate), without control characters. The
 * reasons never quote the key.
 */
export function rateLimitKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'Rate-limit keys must be non-empty strings.';
  if (key.length > MAX_RATE_LIMIT_KEY_LENGTH) return `Rate-limit keys must be at most ${String(MAX_RATE_LIMIT_KEY_LENGTH)} characters long.`;
  if (hasUnsafeKeyCharacter(key)) return 'Rate-limit keys must be well-formed Unicode without control characters.';
  return undefined;
}

/**
 * Throws `ValidationError` (path `key`) when `hit.key` breaks
 * {@link rateLimitKeyProblem}'s rules; stores call it before touching
 * storage, so a bad key is the caller's typed error on every store, never a
 * driver error.
 */
export function assertValidRateLimitHit(hit: RateLimitHit): void {
  const problem = rateLimitKeyProblem(hit.key);
  if (problem !== undefined) throw new ValidationError(`Invalid rate-limit hit: key: ${problem}`, [{ path: ['key'], message: problem }]);
}

/** The instant before which windows that have ended may be deleted, seen from `hit`: its window start less {@link RATE_LIMIT_RETENTION_MS}. */
export function rateLimitPruneCutoff(hit: RateLimitHit): Date {
  return new Date(hit.windowStart.getTime() - RATE_LIMIT_RETENTION_MS);
}
