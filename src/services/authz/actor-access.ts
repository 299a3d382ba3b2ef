import { refOf, type Actor, type ActorRef } from '../../core/actors/actor.js';
import type { ActionState } from '../../core/decisions/action-state.js';
import type { Decision } from '../../core/decisions/decision.js';
import { UnknownCapabilityError } from '../../core/errors/index.js';
import type { MembershipCache } from './membership-cache.js';
import { TenantAccess, type AccessRules } from './tenant-access.js';

/** What an actor's access memo needs from the instance. Internal wiring. */
export interface ActorAccessDependencies {
  readonly rules: AccessRules;
  readonly isValidTenantId: (tenantId: unknown) => tenantId is string;
  /** A user's membership in a tenant, from storage; `undefined` when not a member. */
  readonly findMembership: (tenantId: string, userId: string) => Promise<{ readonly role: string } | undefined>;
  /** The optional cross-request cache; it holds resolved access objects, so a hit is served synchronously. */
  readonly cache: MembershipCache<TenantAccess> | undefined;
  /** Whether a tenant exists (for system actors). */
  readonly tenantExists: (tenantId: string) => Promise<boolean>;
}

/** `can()` answers without a new promise: these two are shared by every scope. */
const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);

/**
 * The memoized access of one actor for one request: one {@link TenantAccess}
 * per tenant, after at most one lookup (concurrent first calls share the
 * lookup in flight; a failed lookup is dropped, so the next call retries).
 * The scope of a request delegates its authorization verbs here.
 *
 * Resolved tenants are answered without a promise hop: `check()` returns the
 * access object's settled decision promise, `can()` one of two shared
 * settled booleans. A lookup served by the cross-request cache, or a
 * malformed id, resolves synchronously too.
 */
export class ActorAccess<C extends string> {
  readonly actor: Actor;
  readonly #ref: ActorRef;
  readonly #deps: ActorAccessDependencies;
  readonly #resolved = new Map<string, TenantAccess<C>>();
  /** Cache the promise, not the value, so concurrent first calls share one lookup. */
  readonly #pending = new Map<string, Promise<TenantAccess<C>>>();
  /** Bumped by refresh() so lookups that started before it cannot repopulate the memo. */
  #generation = 0;

  constructor(actor: Actor, deps: ActorAccessDependencies) {
    this.actor = actor;
    this.#ref = refOf(actor);
    this.#deps = deps;
  }

  /** See `Scope.access`. */
  access(tenantId: string): Promise<TenantAccess<C>> {
    const now = this.#now(tenantId);
    if (now !== undefined) return Promise.resolve(now);
    return this.#lookup(tenantId);
  }

  /** See `Scope.check`. */
  check(tenantId: string, capability: C): Promise<Decision<C>> {
    const now = this.#now(tenantId);
    if (now !== undefined) return now.settled(capability);
    if (!this.#deps.rules.compiled.index.has(capability)) return unknown(capability);
    return this.#lookup(tenantId).then((access) => access.check(capability));
  }

  /** See `Scope.can`. */
  can(tenantId: string, capability: C): Promise<boolean> {
    const now = this.#now(tenantId);
    if (!this.#deps.rules.compiled.index.has(capability)) return unknown(capability);
    if (now !== undefined) return now.can(capability) ? TRUE : FALSE;
    return this.#lookup(tenantId).then((access) => access.can(capability));
  }

  /** See `Scope.authorize`. */
  authorize(tenantId: string, capability: C): Promise<Decision<C>> {
    if (!this.#deps.rules.compiled.index.has(capability)) return unknown(capability);
    return this.access(tenantId).then((access) => access.authorize(capability));
  }

  /** See `Scope.actionState`. */
  actionState(tenantId: string, capability: C): Promise<ActionState> {
    if (!this.#deps.rules.compiled.index.has(capability)) return unknown(capability);
    return this.access(tenantId).then((access) => access.actionState(capability));
  }

  /** See `Scope.isMember`. */
  async isMember(tenantId: string): Promise<boolean> {
    const access = this.#now(tenantId) ?? (await this.#lookup(tenantId));
    const denial = access.membershipDenial();
    if (denial !== undefined) access.emit(denial);
    return denial === undefined;
  }

  /**
   * Seeds the memo with memberships read in bulk (the tenant switcher), for
   * tenants not looked up yet, if no refresh happened since `generation`.
   */
  prime(memberships: readonly { readonly tenantId: string; readonly role: string }[], generation: number): void {
    if (generation !== this.#generation) return;
    for (const { tenantId, role } of memberships) {
      if (this.#resolved.has(tenantId) || this.#pending.has(tenantId)) continue;
      this.#resolved.set(tenantId, new TenantAccess<C>(this.#deps.rules, this.#ref, tenantId, 'member', role));
    }
  }

  /** The current memo generation, for {@link ActorAccess.prime}. */
  get generation(): number {
    return this.#generation;
  }

  /** See `Scope.refresh`. */
  refresh(tenantId?: string): void {
    this.#generation += 1;
    if (tenantId === undefined) {
      this.#resolved.clear();
      this.#pending.clear();
    } else {
      this.#resolved.delete(tenantId);
      this.#pending.delete(tenantId);
    }
  }

  /**
   * The access object when it is known without waiting: memoized, a malformed
   * id (never sent to storage), or a hit of the cross-request cache.
   */
  #now(tenantId: string): TenantAccess<C> | undefined {
    const known = this.#resolved.get(tenantId);
    if (known !== undefined || this.#pending.has(tenantId)) return known;
    let access: TenantAccess<C> | undefined;
    if (!this.#deps.isValidTenantId(tenantId)) {
      access = new TenantAccess<C>(this.#deps.rules, this.#ref, tenantId, 'malformed');
    } else if (this.actor.type === 'user') {
      access = this.#deps.cache?.peek(tenantId, this.actor.userId)?.value as TenantAccess<C> | undefined;
    }
    if (access !== undefined) this.#resolved.set(tenantId, access);
    return access;
  }

  /** Starts (or joins) the lookup of a well-formed tenant id not memoized yet. */
  #lookup(tenantId: string): Promise<TenantAccess<C>> {
    let lookup = this.#pending.get(tenantId);
    if (lookup !== undefined) return lookup;
    const generation = this.#generation;
    lookup = this.#load(tenantId).then(
      (access) => {
        if (generation === this.#generation) {
          this.#resolved.set(tenantId, access);
          this.#pending.delete(tenantId);
        }
        return access;
      },
      (error: unknown) => {
        // Drop a failed lookup so the next call retries instead of replaying the failure.
        if (this.#pending.get(tenantId) === lookup) this.#pending.delete(tenantId);
        throw error;
      },
    );
    this.#pending.set(tenantId, lookup);
    return lookup;
  }

  #load(tenantId: string): Promise<TenantAccess<C>> {
    const { actor } = this;
    if (actor.type === 'system') {
      return this.#deps.tenantExists(tenantId).then((exists) => this.#build(tenantId, exists ? 'system' : 'none'));
    }
    const fromStore = () =>
      this.#deps
        .findMembership(tenantId, actor.userId)
        .then((membership) => (membership === undefined ? this.#build(tenantId, 'none') : this.#build(tenantId, 'member', membership.role)));
    const cache = this.#deps.cache;
    return cache === undefined ? fromStore() : (cache.lookup(tenantId, actor.userId, fromStore) as Promise<TenantAccess<C>>);
  }

  #build(tenantId: string, standing: 'member' | 'system' | 'none', role?: string): TenantAccess<C> {
    return new TenantAccess<C>(this.#deps.rules, this.#ref, tenantId, standing, role);
  }
}

function unknown(capability: string): Promise<never> {
  return Promise.reject(new UnknownCapabilityError(String(capability)));
}
