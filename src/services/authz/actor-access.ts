import { refOf, type Actor, type ActorRef } from '../../core/actors/actor.js';
import { toActionState, type ActionState, type DisabledReasonFormatter } from '../../core/decisions/action-state.js';
import { decide, type Decision } from '../../core/decisions/decision.js';
import { ForbiddenError, NotFoundError, SecondFactorRequiredError, UnknownCapabilityError } from '../../core/errors/index.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import type { Effects } from '../effects/effects.js';
import type { DenialEvent, DenialHook } from './denial-event.js';
import { NO_STEP_UP, type StepUpCheck } from './step-up.js';

/**
 * What a scope knows about its actor in one tenant: the role of a user
 * member, {@link SYSTEM_STANDING} for a system actor and an existing tenant,
 * `undefined` for no access (not a member, no such tenant, malformed id).
 */
export type Standing = { readonly role: string } | typeof SYSTEM_STANDING;

/** The standing of a system actor in an existing tenant: every capability, no role. */
export const SYSTEM_STANDING = Object.freeze({ role: null });

/** What an actor's access memo needs from the instance. Internal wiring. */
export interface ActorAccessDependencies<C extends string> {
  readonly roles: RoleMap<C>;
  readonly isValidTenantId: (tenantId: unknown) => tenantId is string;
  /** A user's membership in a tenant, through the cross-request cache if any; `undefined` when not a member. */
  readonly loadMembership: (tenantId: string, userId: string) => Promise<{ readonly role: string } | undefined>;
  /** Whether a tenant exists (for system actors). */
  readonly tenantExists: (tenantId: string) => Promise<boolean>;
  readonly onDenied: DenialHook | undefined;
  readonly formatDisabledReason: DisabledReasonFormatter | undefined;
  readonly effects: Effects;
}

/** A memoized decision and, for denials, the event it emits each time it is served. */
interface Memo<C extends string> {
  readonly decision: Decision<C>;
  readonly denial: DenialEvent | undefined;
}

/**
 * The memoized access of one actor for one request: decisions, roles and
 * membership, with at most one lookup per tenant (concurrent first checks
 * share the lookup in flight; a failed lookup is dropped, so the next check
 * retries). The scope of a request delegates its authorization verbs here.
 */
export class ActorAccess<C extends string> {
  readonly actor: Actor;
  readonly #ref: ActorRef;
  readonly #deps: ActorAccessDependencies<C>;
  /** Step-up of this request, applied to each decision before it is memoized. */
  readonly #stepUp: StepUpCheck;
  /** Cache the promise, not the value, so concurrent first checks share one lookup. */
  readonly #lookups = new Map<string, Promise<Standing | undefined>>();
  readonly #standings = new Map<string, Standing | null>();
  readonly #memos = new Map<string, Map<string, Memo<C>>>();
  /** Bumped by refresh() so lookups that started before it cannot repopulate the memo. */
  #generation = 0;

  constructor(actor: Actor, deps: ActorAccessDependencies<C>, stepUp: StepUpCheck = NO_STEP_UP) {
    this.actor = actor;
    this.#ref = refOf(actor);
    this.#deps = deps;
    this.#stepUp = stepUp;
  }

  /** See `Scope.check`. */
  check(tenantId: string, capability: C): Promise<Decision<C>> {
    if (!this.#deps.roles.capabilities.has(capability)) {
      return Promise.reject(new UnknownCapabilityError(String(capability)));
    }
    const memo = this.#memos.get(tenantId)?.get(capability);
    if (memo !== undefined) return Promise.resolve(this.#serve(memo));

    const generation = this.#generation;
    return this.standingIn(tenantId).then((standing) => this.#serve(this.#memoize(tenantId, capability, standing, generation)));
  }

  /** See `Scope.authorize`. */
  async authorize(tenantId: string, capability: C): Promise<Decision<C>> {
    const decision = await this.check(tenantId, capability);
    if (decision.status === 404) throw new NotFoundError();
    if (decision.status === 403) throw new ForbiddenError(decision.capability);
    if (decision.status === 401) throw new SecondFactorRequiredError(decision.capability);
    return decision;
  }

  /** See `Scope.actionState`. */
  async actionState(tenantId: string, capability: C): Promise<ActionState> {
    const decision = await this.check(tenantId, capability);
    const role = this.#standings.get(tenantId)?.role ?? undefined;
    const { formatDisabledReason, effects } = this.#deps;
    return toActionState(decision, role, formatDisabledReason, (error) => {
      effects.report('formatDisabledReason', error);
    });
  }

  /** See `Scope.isMember`. */
  async isMember(tenantId: string): Promise<boolean> {
    if ((await this.standingIn(tenantId)) !== undefined) return true;
    const malformed = !this.#deps.isValidTenantId(tenantId);
    this.#emit(
      Object.freeze({
        capability: null,
        tenantId: malformed ? null : tenantId,
        actor: this.#ref,
        reason: malformed ? 'malformed_tenant_id' : 'not_member',
        status: 404,
      }),
    );
    return false;
  }

  /**
   * The memoized standing of the actor in `tenantId`; `undefined` for no
   * access. Malformed ids never reach storage.
   */
  standingIn(tenantId: string): Promise<Standing | undefined> {
    let lookup = this.#lookups.get(tenantId);
    if (lookup !== undefined) return lookup;

    if (!this.#deps.isValidTenantId(tenantId)) {
      // Malformed ids never reach storage; they decide exactly like a non-member.
      lookup = Promise.resolve(undefined);
      this.#standings.set(tenantId, null);
    } else {
      const generation = this.#generation;
      lookup = this.#load(tenantId).then(
        (standing) => {
          if (generation === this.#generation) this.#standings.set(tenantId, standing ?? null);
          return standing;
        },
        (error: unknown) => {
          // Drop a failed lookup so the next check retries instead of replaying the failure.
          if (this.#lookups.get(tenantId) === lookup) this.#lookups.delete(tenantId);
          throw error;
        },
      );
    }
    this.#lookups.set(tenantId, lookup);
    return lookup;
  }

  /**
   * Seeds the memo with memberships read in bulk (the tenant switcher), for
   * tenants not looked up yet, if no refresh happened since `generation`.
   */
  prime(memberships: readonly { readonly tenantId: string; readonly role: string }[], generation: number): void {
    if (generation !== this.#generation) return;
    for (const { tenantId, role } of memberships) {
      if (this.#lookups.has(tenantId)) continue;
      const standing = Object.freeze({ role });
      this.#standings.set(tenantId, standing);
      this.#lookups.set(tenantId, Promise.resolve(standing));
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
      this.#lookups.clear();
      this.#standings.clear();
      this.#memos.clear();
    } else {
      this.#lookups.delete(tenantId);
      this.#standings.delete(tenantId);
      this.#memos.delete(tenantId);
    }
  }

  async #load(tenantId: string): Promise<Standing | undefined> {
    if (this.actor.type === 'system') return (await this.#deps.tenantExists(tenantId)) ? SYSTEM_STANDING : undefined;
    const membership = await this.#deps.loadMembership(tenantId, this.actor.userId);
    return membership === undefined ? undefined : membership;
  }

  #memoize(tenantId: string, capability: C, standing: Standing | undefined, generation: number): Memo<C> {
    const decision =
      standing === SYSTEM_STANDING
        ? (Object.freeze({ allowed: true, status: 200, reason: 'allowed', capability, tenantId }) satisfies Decision<C>)
        : this.#stepUp(decide(this.#deps.roles, tenantId, capability, standing as { readonly role: string } | undefined));
    const memo: Memo<C> = { decision, denial: decision.allowed ? undefined : this.#denialEvent(decision) };
    if (generation === this.#generation) {
      let byCapability = this.#memos.get(tenantId);
      if (byCapability === undefined) {
        byCapability = new Map();
        this.#memos.set(tenantId, byCapability);
      }
      byCapability.set(capability, memo);
    }
    return memo;
  }

  #denialEvent(decision: Decision<C>): DenialEvent {
    const malformed = !this.#deps.isValidTenantId(decision.tenantId);
    return Object.freeze({
      capability: decision.capability,
      tenantId: malformed ? null : decision.tenantId,
      actor: this.#ref,
      reason: malformed ? 'malformed_tenant_id' : decision.reason === 'allowed' ? 'not_member' : decision.reason,
      status: decision.status === 200 ? 404 : decision.status,
    });
  }

  #serve(memo: Memo<C>): Decision<C> {
    if (memo.denial !== undefined) this.#emit(memo.denial);
    return memo.decision;
  }

  #emit(event: DenialEvent): void {
    const hook = this.#deps.onDenied;
    if (hook !== undefined) this.#deps.effects.run('onDenied', () => hook(event));
  }
}
