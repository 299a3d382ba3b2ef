import { createHash } from 'node:crypto';
import type { TenantryRequestContext } from './request-context.js';

/** Longest key `hitRateLimit` accepts (the store's column width). */
const MAX_KEY_LENGTH = 200;

/**
 * The default subject of a request: the member (tenant and user) when the
 * tenant context is known, so one noisy member cannot use up a whole
 * tenant's budget, else the client address. Ids are URI-encoded so that a
 * `:` inside one cannot make two subjects collide.
 */
export function defaultRateLimitSubject(context: TenantryRequestContext | null | undefined, ip: string | undefined): string {
  if (context !== undefined && context !== null) {
    return `tenant:${encodeURIComponent(context.tenantId)}:user:${encodeURIComponent(context.scope.userId)}`;
  }
  // No address (a Unix socket, a test double): every such request shares one counter, which fails safe.
  return `ip:${ip ?? 'unknown'}`;
}

/**
 * The stored key: `<name>:<subject>`, readable in the database. A key past
 * the store's limit keeps its name and replaces the subject with its
 * SHA-256 digest, which is as unique in practice and bounded.
 */
export function rateLimitKey(name: string, subject: string): string {
  const key = `${name}:${subject}`;
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `${name}:sha256:${createHash('sha256').update(subject).digest('hex')}`;
}
