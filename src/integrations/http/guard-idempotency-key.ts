import { createHash } from 'node:crypto';

/**
 * The idempotency key the guard for `feature` hands the entitlement service
 * for a client's key: a SHA-256 digest of both, base64url (43 characters).
 *
 * The client's key identifies the request, but the service binds a key to one
 * feature (reusing it for another is a conflict). Scoping it per feature lets
 * one request pass several guards, say `api.requests` and `ai.tokens`, with
 * one `Idempotency-Key`. A digest rather than `feature:key` keeps any
 * combination within the service's 128 characters without rejecting long
 * keys that the client could not know were too long.
 */
export function guardIdempotencyKey(feature: string, clientKey: string): string {
  // Features never contain a line feed, so the pair is unambiguous.
  return createHash('sha256').update(`${feature}\n${clientKey}`).digest('base64url');
}
