import { createHash } from 'node:crypto';
import { ValidationError } from '../../core/errors/index.js';
import { isSafeIdentifierText } from '../../core/validation/identifier-text.js';
import { MAX_RATE_LIMIT_KEY_LENGTH } from '../../store.js';
import type { TenantContext } from './request-context.js';

/** What every rejected key part is told; never the value, which may be a secret or an attack string. */
const UNSAFE_PART = 'must be well-formed Unicode without control characters';

/**
 * Throws `ValidationError` at `path` when `part` of a rate-limit key holds a
 * control character or a lone surrogate (the stores' rule for keys, the
 * identifier text rule). Checked before anything encodes or hashes it:
 * `encodeURIComponent` throws `URIError` on a lone surrogate, and hashing
 * would replace it with U+FFFD, making distinct keys collide.
 */
function assertSafePart(part: string, path: string): void {
  if (!isSafeIdentifierText(part)) {
    throw new ValidationError(`Invalid rate-limit key: ${path} ${UNSAFE_PART}.`, [{ path: [path], message: `The rate-limit ${path} ${UNSAFE_PART}.` }]);
  }
}

/**
 * The default subject of a request: the member (tenant and user) when the
 * tenant context is known, so one noisy member cannot use up a whole
 * tenant's budget, else the client address. Ids are URI-encoded so that a
 * `:` inside one cannot make two subjects collide. Total: an id that cannot
 * be encoded (a lone surrogate) or holds a control character is a
 * `ValidationError`, never a `URIError`.
 */
export function defaultRateLimitSubject(context: Pick<TenantContext, 'tenantId' | 'userId'> | null | undefined, ip: string | undefined): string {
  if (context !== undefined && context !== null) {
    assertSafePart(context.tenantId, 'tenantId');
    assertSafePart(context.userId, 'userId');
    return `tenant:${encodeURIComponent(context.tenantId)}:user:${encodeURIComponent(context.userId)}`;
  }
  // No address (a Unix socket, a test double): every such request shares one counter, which fails safe.
  return `ip:${ip ?? 'unknown'}`;
}

/**
 * The stored key for `subject` under limiter `name`, in one of two forms
 * that can never be equal:
 *
 * - `<name>:<subject>`, readable in the database, when it fits the store's
 *   200 characters;
 * - `<name>#sha256:<hex digest of subject>` otherwise: bounded, and as
 *   unique in practice.
 *
 * Names contain neither `:` nor `#`, so the first character after the name
 * tells the forms apart: a short subject that spells `sha256:<hex>` cannot
 * collide with the digest of a long one. A subject with a control character
 * or a lone surrogate is a `ValidationError` (path `key`).
 */
export function rateLimitKey(name: string, subject: string): string {
  assertSafePart(subject, 'key');
  const key = `${name}:${subject}`;
  if (key.length <= MAX_RATE_LIMIT_KEY_LENGTH) return key;
  return `${name}#sha256:${createHash('sha256').update(subject, 'utf8').digest('hex')}`;
}
