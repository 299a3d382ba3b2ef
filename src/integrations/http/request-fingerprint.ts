import { createHash } from 'node:crypto';

/**
 * The default fingerprint the entitlement guard binds an idempotency key to:
 * `sha256:` and the base64url SHA-256 of the method, the route pattern and
 * the body. A string or `Buffer` body is hashed as its bytes, anything else
 * as its JSON (property order as parsed), so a retry of the same request
 * matches and the same key with another body is a conflict. Only the digest
 * is stored, never the body.
 */
export function requestFingerprint(method: string, route: string, body: unknown): string {
  const digest = createHash('sha256');
  // Length-prefixed parts: no method, route or body can run into the next.
  const bytes = typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.from(body) : Buffer.from(body === undefined ? '' : JSON.stringify(body), 'utf8');
  for (const part of [Buffer.from(method.toUpperCase(), 'utf8'), Buffer.from(route, 'utf8'), bytes]) {
    digest.update(`${part.length}:`);
    digest.update(part);
  }
  return `sha256:${digest.digest('base64url')}`;
}
