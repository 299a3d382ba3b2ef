import { createHash } from 'node:crypto';
import type { Actor } from '../../core/actors/actor.js';

/** How long an idempotency record counts unless the instance says otherwise: 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** An idempotency key with the scope it counts in. */
export interface ScopedIdempotencyKey {
  /**
   * The key as tenantry identifies it: `<scope>/<operation>/<key>`, where the
   * scope is `user:<userId>`, `system:<label>` or `scope:<caller's scope>`
   * and the operation is `consume:<featureKey>`. Shown on decisions
   * (`idempotencyKey`), so the host can log and correlate it.
   */
  readonly normalized: string;
  /** What the store keeps: a SHA-256 digest of {@link normalized} (base64url), so any scope fits and the client's key is not stored. */
  readonly stored: string;
}

/**
 * Scopes a client's key to (tenant, actor or caller-chosen scope, operation):
 * the tenant is the store's own part of the record's key; one member cannot
 * replay another's key unless the host puts both in one `scope` on purpose.
 */
export function scopeIdempotencyKey(actor: Actor, scope: string | undefined, featureKey: string, key: string): ScopedIdempotencyKey {
  const who = scope !== undefined ? `scope:${scope}` : actor.type === 'user' ? `user:${actor.userId}` : `system:${actor.label}`;
  const normalized = `${who}/consume:${featureKey}/${key}`;
  // Parts are hashed length-prefixed, so no user id, scope or key containing "/" can make two different triples collide.
  const digest = createHash('sha256');
  for (const part of [who, featureKey, key]) digest.update(`${part.length}:${part}\n`);
  return Object.freeze({ normalized, stored: `v2:${digest.digest('base64url')}` });
}
