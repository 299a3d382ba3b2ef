import { refOf, type Actor, type ActorRef } from '../../core/actors/actor.js';
import type { ActionState } from '../../core/decisions/action-state.js';
import type { Decision } from '../../core/decisions/decision.js';
import { UnknownCapabilityError } from '../../core/errors/index.js';
import { MAX_TENANT_ID_LENGTH } from '../../core/ids/identifiers.js';
import type { MembershipCache } from './membership-cache.js';
import type { StepUpGate } from './step-up.js';
import { TenantAccess, type AccessRules } from './tenant-access.js';

/** What an actor's access memo needs from the instance. Internal wiring. */
export interface ActorAccessDependencies {
  readonly rules: AccessRules;
  readonly isValidTenantId: (tenantId: unknown) => tenantId is string;
  /**
   * A user's membership in a tenant, from storage; `undefined` when not a
   * member. `mask` is the granted mask of a tenant-defined role, resolved
   * with the membership (absent for a declared role).
   */
  readonly findMembership: (tenantId: string, userId: string) => Promise<{ readonly role: string; readonly mask?: Uint32Array } | undefined>;
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
  #ref: ActorRef | undefined;
  readonly #deps: ActorAccessDependencies;
  /**
   * The memo. Most requests act in one tenant, so the first resolved tenant
   * lives in these two fields and a `Map` is only created for a second one;
   * the pending map and the actor ref are created on first use too, so a
   * request served from the cross-request cache allocates none of them.
   */
  #firstId: string | undefined;
  #first: TenantAccess<C> | undefined;
  #resolved: Map<string, TenantAccess<C>> | undefined;
  /** Cache the promise, not the value, so concurrent first calls share one lookup. */
  #pending: Map<string, Promise<TenantAccess<C>>> | undefined;
  /** Bumped by refresh() so lookups that started before it cannot repopulate the memo. */
  #generation = 0;
  /** Step-up of this request (`undefined`: none configured, or a system actor). */
  readonly #stepUp: StepUpGate | undefined;

  constructor(actor: Actor, deps: ActorAccessDependencies, stepUp?: StepUpGate) {
    this.actor = actor;
    this.#deps = deps;
    this.#stepUp = actor.type === 'user' ? stepUp : undefined;
  }

  /**
   * The access object this request sees: the shared one (memoized, or from
   * the cross-request cache, which holds answers without step-up), or its
   * step-up variant when the request must step up and the role grants a
   * step-up capability.
   */
  #forRequest(access: TenantAccess<C>): TenantAccess<C> {
    const stepUp = this.#stepUp;
    return stepUp !== undefined && access.grantsStepUp && stepUp() ? access.requiringStepUp() : access;
  }

  get #actorRef(): ActorRef {
    return (this.#ref ??= refOf(this.actor));
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
      if (this.#memoized(tenantId) !== undefined || this.#pending?.has(tenantId) === true) continue;
      // A tenant-defined role's mask is not in the bulk read: that tenant is looked up on first use instead.
      if (!this.#deps.rules.compiled.masks.has(role)) continue;
      this.#memoize(tenantId, this.#forRequest(new TenantAccess<C>(this.#deps.rules, this.#actorRef, tenantId, 'member', role)));
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
      this.#firstId = undefined;
      this.#first = undefined;
      this.#resolved?.clear();
      this.#pending?.clear();
    } else {
      if (this.#firstId === tenantId) {
        this.#firstId = undefined;
        this.#first = undefined;
      }
      this.#resolved?.delete(tenantId);
      this.#pending?.delete(tenantId);
    }
  }

  /** The memoized access object of `tenantId`, if any. */
  #memoized(tenantId: string): TenantAccess<C> | undefined {
    if (this.#firstId === tenantId) return this.#first;
    return this.#resolved?.get(tenantId);
  }

  #memoize(tenantId: string, access: TenantAccess<C>): void {
    if (this.#firstId === undefined || this.#firstId === tenantId) {
      this.#firstId = tenantId;
      this.#first = access;
    } else {
      (this.#resolved ??= new Map()).set(tenantId, access);
    }
  }

  /**
   * The access object when it is known without waiting: memoized, a malformed
   * id (never sent to storage), or a hit of the cross-request cache.
   */
  #now(tenantId: string): TenantAccess<C> | undefined {
    const known = this.#memoized(tenantId);
    if (known !== undefined || this.#pending?.has(tenantId) === true) return known;
    const { cache, isValidTenantId } = this.#deps;
    let access: TenantAccess<C> | undefined;
    // The cache is asked before the full id rule: it only ever stores entries for well-formed ids (and a key
    // holds exactly one NUL, which neither a valid tenant id nor a validated user id contains), so a hit proves
    // the id well formed. A cheap length bound (a valid id is at most 64 code points, so
    // at most 128 code units) comes first so that a hostile multi-megabyte id is never hashed.
    if (cache !== undefined && this.actor.type === 'user' && typeof tenantId === 'string' && tenantId.length <= 2 * MAX_TENANT_ID_LENGTH) {
      const hit = cache.peek(tenantId, this.actor.userId)?.value as TenantAccess<C> | undefined;
      access = hit === undefined ? undefined : this.#forRequest(hit);
    }
    if (access === undefined && !isValidTenantId(tenantId)) access = new TenantAccess<C>(this.#deps.rules, this.#actorRef, tenantId, 'malformed');
    if (access !== undefined) this.#memoize(tenantId, access);
    return access;
  }

  /** Starts (or joins) the lookup of a well-formed tenant id not memoized yet. */
  #lookup(tenantId: string): Promise<TenantAccess<C>> {
    const pending = (this.#pending ??= new Map<string, Promise<TenantAccess<C>>>());
    let lookup = pending.get(tenantId);
    if (lookup !== undefined) return lookup;
    const generation = this.#generation;
    lookup = this.#load(tenantId).then(
      (access) => {
        if (generation === this.#generation) {
          this.#memoize(tenantId, access);
          pending.delete(tenantId);
        }
        return access;
      },
      (error: unknown) => {
        // Drop a failed lookup so the next call retries instead of replaying the failure.
        if (pending.get(tenantId) === lookup) pending.delete(tenantId);
        throw error;
      },
    );
    pending.set(tenantId, lookup);
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
        .then((membership) => (membership === undefined ? this.#build(tenantId, 'none') : this.#build(tenantId, 'member', membership.role, membership.mask)));
    const cache = this.#deps.cache;
    const loaded = cache === undefined ? fromStore() : (cache.lookup(tenantId, actor.userId, fromStore) as Promise<TenantAccess<C>>);
    return this.#stepUp === undefined ? loaded : loaded.then((access) => this.#forRequest(access));
  }

  #build(tenantId: string, standing: 'member' | 'system' | 'none', role?: string, roleMask?: Uint32Array): TenantAccess<C> {
    return new TenantAccess<C>(this.#deps.rules, this.#actorRef, tenantId, standing, role, false, roleMask);
  }
}

function unknown(capability: string): Promise<never> {
  return Promise.reject(new UnknownCapabilityError(String(capability)));
}
