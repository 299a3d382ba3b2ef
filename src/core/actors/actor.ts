import { z } from 'zod';
import { parseInput } from '../validation/parse-input.js';
import { userIdSchema } from '../ids/identifiers.js';

/** A signed-in user acting through the API: subject to membership and capability checks. */
export interface UserActor {
  readonly type: 'user';
  readonly userId: string;
}

/**
 * Trusted server code (bootstrap scripts, provisioning, imports). Bypasses
 * capability checks and is recorded with actor type `system` and id
 * `system:<label>` in provenance and audit, never as a user: a user whose id
 * happens to be `system:<label>` is recorded with type `user`, so the two are
 * told apart by the type. Create it explicitly with {@link systemActor}; it is
 * never a default.
 */
export interface SystemActor {
  readonly type: 'system';
  /** What the trusted code is, e.g. `bootstrap` or `billing-sync`. */
  readonly label: string;
}

/** Who performs an operation. */
export type Actor = UserActor | SystemActor;

const labelSchema = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, {
  message: 'System actor labels are lower-case identifiers of at most 63 characters.',
});

/**
 * The explicit system actor for trusted server code; bind it with
 * `tenantry.as(...)` to get a scope with every verb and no membership checks.
 *
 * @example
 * ```ts
 * const bootstrap = tenantry.as(systemActor('bootstrap'));
 * await bootstrap.members.add({ tenantId, userId, role: 'manager' });
 * ```
 */
export function systemActor(label: string): SystemActor {
  return Object.freeze({ type: 'system', label: parseInput(labelSchema, label, 'system actor label') });
}

/** A user actor; validates the id. */
export function userActor(userId: string): UserActor {
  return Object.freeze({ type: 'user', userId: parseInput(userIdSchema, userId, 'user id') });
}

/**
 * The provenance id stored for `actor`: the user id, or `system:<label>`.
 * Not unique on its own (a user id may read `system:<label>` too): store and
 * compare it together with `actor.type`.
 */
export function provenanceOf(actor: Actor): string {
  return actor.type === 'user' ? actor.userId : `system:${actor.label}`;
}

/** Zod schema for the system actor at the boundary. */
export const systemActorSchema = z.object({ type: z.literal('system'), label: labelSchema });

/** Zod schema for an actor at the boundary. */
export const actorSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('user'), userId: userIdSchema }), systemActorSchema]);

/**
 * Who did something, as services report it (provenance of tenants and
 * memberships, audit entries, denial events): the actor's type and its id,
 * which is the user id or the system actor's label. Compare both fields: a
 * user whose id is `seed` and `systemActor('seed')` differ only by `type`.
 */
export interface ActorRef {
  readonly type: 'user' | 'system';
  /** The user id, or the system actor's label. */
  readonly id: string;
}

const SYSTEM_PREFIX = 'system:';

/** The {@link ActorRef} of `actor`. */
export function refOf(actor: Actor): ActorRef {
  return Object.freeze(actor.type === 'user' ? { type: 'user', id: actor.userId } : { type: 'system', id: actor.label });
}

/**
 * The {@link ActorRef} of a stored provenance pair (`createdByType`,
 * `createdBy`): for a system actor the stored id is `system:<label>`, and the
 * ref carries the bare label.
 */
export function refFromStored(type: 'user' | 'system', id: string): ActorRef {
  return Object.freeze({ type, id: type === 'system' && id.startsWith(SYSTEM_PREFIX) ? id.slice(SYSTEM_PREFIX.length) : id });
}
