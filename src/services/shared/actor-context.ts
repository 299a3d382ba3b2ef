import type { Actor } from '../../core/actors/actor.js';

/**
 * The acting side of a tenant-scoped read: who acts, and their standing in a
 * tenant, resolved once per request scope (the same memoized lookup
 * `check()` uses).
 */
export interface ActorContext {
  readonly actor: Actor;
  /**
   * The actor's role in `tenantId` for a user member, `null` for a system
   * actor and an existing tenant. Throws the canonical `NotFoundError` for a
   * malformed id, an unknown tenant or a user who is not a member.
   */
  standing(tenantId: string): Promise<string | null>;
}
