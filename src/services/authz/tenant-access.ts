import type { ActorRef } from '../../core/actors/actor.js';
import { toActionState, type ActionState, type DisabledReasonFormatter } from '../../core/decisions/action-state.js';
import type { Decision } from '../../core/decisions/decision.js';
import { ForbiddenError, NotFoundError, SecondFactorRequiredError, UnknownCapabilityError } from '../../core/errors/index.js';
import { hasBit, type CompiledRoles } from '../../core/roles/compiled-roles.js';
import type { Effects } from '../effects/effects.js';
import type { DenialEvent, DenialHook } from './denial-event.js';

/** What every per-tenant access object of an instance shares: the compiled role map and the hooks. */
export interface AccessRules {
  readonly compiled: CompiledRoles;
  readonly onDenied: DenialHook | undefined;
  readonly formatDisabledReason: DisabledReasonFormatter | undefined;
  readonly effects: Effects;
  /** The step-up capabilities as a mask (`twoFactor.stepUp`), or `undefined` when none are configured. */
  readonly stepUp: Uint32Array | undefined;
}

/**
 * How the actor stands in the tenant: a user `member` (with a role), a
 * `system` actor in an existing tenant, `none` (not a member, no such
 * tenant) or `malformed` (the id failed validation; storage was not touched).
 */
export type AccessStanding = 'member' | 'system' | 'none' | 'malformed';

/** What is built once per capability, on its first check: the frozen decision and, for a denial, its event. */
interface Answer<C extends string> {
  readonly decision: Decision<C>;
  readonly denial: DenialEvent | undefined;
}

/**
 * One actor's access to one tenant, resolved: `scope.access(tenantId)` gives
 * it after one membership lookup, and every question it answers is
 * synchronous and touches no storage.
 *
 * - `can(capability)` is a map lookup and a bit test against the role's
 *   bitmask (compiled when the role map was defined), and allocates nothing.
 * - `check(capability)` returns the same frozen {@link Decision} every time
 *   for a capability (built on its first check), so an allowed check after
 *   the first allocates nothing either.
 * - A denial (403, or 404 for every capability when the actor has no access)
 *   fires the `onDenied` hook on every call, as `scope.check()` does.
 * - An undeclared capability throws `UnknownCapabilityError`.
 *
 * The object is immutable: it answers for the membership as it was read. A
 * later role change is seen by a new request scope, or after
 * `scope.refresh(tenantId)` and a new `scope.access(tenantId)`.
 *
 * @typeParam C - capability names.
 */
export class TenantAccess<C extends string = string> {
  /** The tenant id, as given. */
  readonly tenantId: string;
  /** True for a member (or a system actor in an existing tenant); false answers 404 to everything. */
  readonly member: boolean;
  /** The member's role as stored; `undefined` for a non-member and for a system actor. */
  readonly role: string | undefined;
  /** See {@link AccessStanding}. */
  readonly standing: AccessStanding;
  readonly #rules: AccessRules;
  /**
   * Copied from the rules so that a check follows as few dependent loads as
   * possible (capability → index, index → answer): with tens of thousands
   * of access objects cached, each load can be a cache miss.
   */
  readonly #index: ReadonlyMap<string, number>;
  readonly #onDenied: DenialHook | undefined;
  readonly #actor: ActorRef;
  readonly #granted: Uint32Array;
  /** Granted by the role but held back until the request steps up (answered 401); empty unless {@link TenantAccess.requiringStepUp}. */
  readonly #heldBack: Uint32Array | undefined;
  /** @internal True when the role grants a step-up capability that this object still allows. */
  readonly grantsStepUp: boolean;
  /** Per capability index, built on first use; the object's answers never change. */
  readonly #answers: (Answer<C> | undefined)[] = [];
  /** Per capability index, the answer's decision as a settled promise, for `scope.check()` (built on its first use). */
  readonly #settled: (Promise<Decision<C>> | undefined)[] = [];

  /** The mask of a tenant-defined role (see `roleMask`), kept for {@link TenantAccess.requiringStepUp}. */
  readonly #roleMask: Uint32Array | undefined;

  /**
   * @internal Built by the scope (`scope.access()`), or cached across requests by the membership cache.
   * `roleMask` is the granted mask of a tenant-defined role (resolved with the membership); a declared role's comes from `rules.compiled`.
   */
  constructor(rules: AccessRules, actor: ActorRef, tenantId: string, standing: AccessStanding, role?: string, stepUpRequired = false, roleMask?: Uint32Array) {
    this.tenantId = tenantId;
    this.standing = standing;
    this.member = standing === 'member' || standing === 'system';
    this.role = standing === 'member' ? role : undefined;
    this.#rules = rules;
    this.#index = rules.compiled.index;
    this.#onDenied = rules.onDenied;
    this.#actor = actor;
    this.#roleMask = standing === 'member' ? roleMask : undefined;
    const granted = grantedMask(rules.compiled, standing, role, roleMask);
    const stepUp = standing === 'member' ? rules.stepUp : undefined;
    if (stepUp !== undefined && stepUpRequired) {
      this.#granted = granted.map((word, at) => (word & ~(stepUp[at] ?? 0)) >>> 0);
      this.#heldBack = granted.map((word, at) => (word & (stepUp[at] ?? 0)) >>> 0);
    } else {
      this.#granted = granted;
      this.#heldBack = undefined;
    }
    this.grantsStepUp = stepUp !== undefined && !stepUpRequired && granted.some((word, at) => (word & (stepUp[at] ?? 0)) !== 0);
    Object.freeze(this);
  }

  /**
   * True when the actor may use `capability` here. Fires `onDenied` for a
   * denial; throws `UnknownCapabilityError` for an undeclared capability.
   */
  can(capability: C): boolean {
    const index = this.#index.get(capability);
    if (index === undefined) throw new UnknownCapabilityError(String(capability));
    if (hasBit(this.#granted, index)) return true;
    this.#emit((this.#answers[index] ?? this.#answer(index, capability)).denial);
    return false;
  }

  /**
   * The decision for `capability` here: 200, 403 (member without it) or 404
   * (no access), frozen and the same object on every call. Never throws for a
   * denial (it fires `onDenied`); throws `UnknownCapabilityError` for an
   * undeclared capability.
   */
  check(capability: C): Decision<C> {
    const index = this.#index.get(capability);
    if (index === undefined) throw new UnknownCapabilityError(String(capability));
    const answer = this.#answers[index] ?? this.#answer(index, capability);
    if (answer.denial !== undefined) this.#emit(answer.denial);
    return answer.decision;
  }

  /**
   * Like {@link TenantAccess.check}, but throws on denial: `NotFoundError`
   * for 404 and `ForbiddenError` for 403.
   */
  authorize(capability: C): Decision<C> {
    const decision = this.check(capability);
    if (decision.status === 404) throw new NotFoundError();
    if (decision.status === 403) throw new ForbiddenError(decision.capability);
    if (decision.status === 401) throw new SecondFactorRequiredError(decision.capability);
    return decision;
  }

  /**
   * @internal This access as a request without a recent second factor sees
   * it: the step-up capabilities the role grants answer 401
   * `second_factor_required`. Built per request (the shared object, which
   * the cross-request cache holds, stays without step-up).
   */
  requiringStepUp(): TenantAccess<C> {
    return new TenantAccess<C>(this.#rules, this.#actor, this.tenantId, this.standing, this.role, true, this.#roleMask);
  }

  /** UI state of an action guarded by `capability`; see `scope.actionState()`. */
  actionState(capability: C): ActionState {
    const decision = this.check(capability);
    const { formatDisabledReason, effects } = this.#rules;
    return toActionState(decision, this.role, formatDisabledReason, (error) => {
      effects.report('formatDisabledReason', error);
    });
  }

  /**
   * @internal The decision for `capability` without firing `onDenied`, for
   * the client snapshot: a snapshot is a hint rendered ahead of time, not an
   * attempt, so a disabled button is not a denial. Throws
   * `UnknownCapabilityError` for an undeclared capability.
   */
  peek(capability: C): Decision<C> {
    const index = this.#rules.compiled.index.get(capability);
    if (index === undefined) throw new UnknownCapabilityError(String(capability));
    return (this.#answers[index] ?? this.#answer(index, capability)).decision;
  }

  /** @internal {@link TenantAccess.actionState} without firing `onDenied` (see {@link TenantAccess.peek}). */
  peekActionState(capability: C): ActionState {
    const { formatDisabledReason, effects } = this.#rules;
    return toActionState(this.peek(capability), this.role, formatDisabledReason, (error) => {
      effects.report('formatDisabledReason', error);
    });
  }

  /** @internal Every declared capability, in bit order (the catalog of the snapshot). */
  get capabilityNames(): readonly C[] {
    return this.#rules.compiled.names as readonly C[];
  }

  /**
   * @internal The decision as a settled promise, the same promise on every
   * call, for `scope.check()`: a memoized check allocates no new promise.
   */
  settled(capability: C): Promise<Decision<C>> {
    const index = this.#index.get(capability);
    if (index === undefined) return Promise.reject(new UnknownCapabilityError(String(capability)));
    const settled = this.#settled[index];
    // The answer (and its denial event) is only read when a hook may need it.
    if (settled !== undefined && this.#onDenied === undefined) return settled;
    const answer = this.#answers[index] ?? this.#answer(index, capability);
    if (answer.denial !== undefined) this.#emit(answer.denial);
    return settled ?? (this.#settled[index] = Promise.resolve(answer.decision));
  }

  /** @internal The denial event of a plain membership check (`scope.isMember()`), or `undefined` for a member. */
  membershipDenial(): DenialEvent | undefined {
    if (this.member) return undefined;
    return Object.freeze({
      capability: null,
      tenantId: this.standing === 'malformed' ? null : this.tenantId,
      actor: this.#actor,
      reason: this.standing === 'malformed' ? 'malformed_tenant_id' : 'not_member',
      status: 404,
    });
  }

  /** @internal Sends a denial event to the hook (through the effect runner, so it never changes an outcome). */
  emit(event: DenialEvent): void {
    this.#emit(event);
  }

  #answer(index: number, capability: C): Answer<C> {
    const { tenantId } = this;
    let decision: Decision<C>;
    if (hasBit(this.#granted, index)) {
      decision = Object.freeze({ allowed: true, status: 200, reason: 'allowed', capability, tenantId });
    } else if (this.#heldBack !== undefined && hasBit(this.#heldBack, index)) {
      decision = Object.freeze({ allowed: false, status: 401, reason: 'second_factor_required', capability, tenantId });
    } else if (this.member) {
      decision = Object.freeze({ allowed: false, status: 403, reason: 'missing_capability', capability, tenantId });
    } else {
      decision = Object.freeze({ allowed: false, status: 404, reason: 'not_member', capability, tenantId });
    }
    const denial: DenialEvent | undefined = decision.allowed
      ? undefined
      : Object.freeze({
          capability,
          tenantId: this.standing === 'malformed' ? null : tenantId,
          actor: this.#actor,
          reason: this.standing === 'malformed' ? 'malformed_tenant_id' : decision.reason === 'allowed' ? 'not_member' : decision.reason,
          status: decision.status === 200 ? 404 : decision.status,
        });
    const answer: Answer<C> = { decision, denial };
    this.#answers[index] = answer;
    return answer;
  }

  #emit(event: DenialEvent | undefined): void {
    const hook = this.#onDenied;
    if (hook !== undefined && event !== undefined) this.#rules.effects.run('onDenied', () => hook(event));
  }
}

/**
 * The role → mask resolution, in one place: what an actor of `standing`
 * with `role` is granted. A system actor gets every capability; a member the
 * mask its role was compiled to (none for a role the map does not define:
 * fail closed); anyone else nothing.
 */
export function grantedMask(compiled: CompiledRoles, standing: AccessStanding, role: string | undefined, tenantRoleMask?: Uint32Array): Uint32Array {
  if (standing === 'system') return compiled.all;
  // A declared role always wins over a tenant-defined one of the same name.
  if (standing === 'member' && role !== undefined) return compiled.masks.get(role) ?? tenantRoleMask ?? compiled.none;
  return compiled.none;
}
