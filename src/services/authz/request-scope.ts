import { decide, type Decision, type MembershipFact } from '../../core/decisions/decision.js';
import { toActionState, type ActionState, type DisabledReasonFormatter } from '../../core/decisions/action-state.js';
import { ForbiddenError, NotFoundError, UnknownCapabilityError } from '../../core/errors/index.js';
import { reportError, type ErrorHook } from '../../core/hooks/error-hook.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import type { MembershipRecord } from '../../store/records.js';
import type { DenialEvent, DenialHook } from './denial-event.js';

/** One entry of the tenant switcher. */
export interface TenantMembershipSummary {
  readonly tenantId: string;
  /**
   * The actor's role there, as stored. A string rather than the declared role
   * union because a stored role may since have been removed from the role map.
   */
  readonly role: string;
}

/** What a request scope needs from the tenantry instance. Internal wiring. */
export interface ScopeDependencies<C extends string> {
  readonly roles: RoleMap<C>;
  readonly isValidTenantId: (tenantId: string) => boolean;
  /** Membership lookup through the cross-request cache, if any. */
  readonly loadMembership: (tenantId: string, userId: string) => Promise<MembershipFact | undefined>;
  readonly listMemberships: (userId: string) => Promise<readonly MembershipRecord[]>;
  readonly onDenied: DenialHook | undefined;
  readonly formatDisabledReason: DisabledReasonFormatter | undefined;
  /** Receives failures of the host's tooltip formatter. */
  readonly onError: ErrorHook;
}

/** A memoized decision and, for denials, the event it emits each time it is served. */
interface Memo<C extends string> {
  readonly decision: Decision<C>;
  readonly denial: DenialEvent | undefined;
}

/**
 * One actor's view of tenantry for one request. Create it with
 * `tenantry.forRequest({ userId })` at the start of a request and drop it at the end.
 *
 * A scope memoizes: the first check for a tenant costs one membership lookup,
 * every further check for that tenant costs none, and concurrent checks share
 * the lookup in flight. The scope is therefore a snapshot; call
 * {@link RequestScope.refresh} after changing memberships within the same
 * request if later checks must see the change.
 *
 * @typeParam C - capability names.
 */
export class RequestScope<C extends string = string> {
  /** The actor. */
  readonly userId: string;
  readonly #deps: ScopeDependencies<C>;
  /** Cache the promise, not the value, so concurrent first checks share one lookup. */
  readonly #lookups = new Map<string, Promise<MembershipFact | undefined>>();
  readonly #facts = new Map<string, MembershipFact | null>();
  readonly #memos = new Map<string, Map<string, Memo<C>>>();
  #switcher: Promise<readonly TenantMembershipSummary[]> | undefined;
  /** Bumped by refresh() so lookups that started before it cannot repopulate the memo. */
  #generation = 0;

  /** @internal Use `tenantry.forRequest()`. */
  constructor(userId: string, deps: ScopeDependencies<C>) {
    this.userId = userId;
    this.#deps = deps;
  }

  /**
   * Decides whether the actor may use `capability` in `tenantId`:
   * 200 allowed, 403 member without the capability, 404 not a member, no such
   * tenant, or malformed id (indistinguishable). Never throws for a denial;
   * rejects with {@link UnknownCapabilityError} for an undeclared capability,
   * before touching storage.
   *
   * @example
   * ```ts
   * const decision = await scope.check(tenantId, 'billing.read');
   * if (!decision.allowed) return reply.code(decision.status).send();
   * ```
   */
  check(tenantId: string, capability: C): Promise<Decision<C>> {
    if (!this.#deps.roles.capabilities.has(capability)) {
      return Promise.reject(new UnknownCapabilityError(String(capability)));
    }
    const memo = this.#memos.get(tenantId)?.get(capability);
    if (memo !== undefined) return Promise.resolve(this.#serve(memo));

    const generation = this.#generation;
    return this.#membership(tenantId).then((fact) => {
      const fresh = this.#memoize(tenantId, capability, fact, generation);
      return this.#serve(fresh);
    });
  }

  /** Boolean form of {@link RequestScope.check}. */
  async can(tenantId: string, capability: C): Promise<boolean> {
    return (await this.check(tenantId, capability)).allowed;
  }

  /**
   * Like {@link RequestScope.check}, but throws on denial:
   * {@link NotFoundError} for 404 and {@link ForbiddenError} for 403.
   * Resolves with the (allowed) decision.
   */
  async authorize(tenantId: string, capability: C): Promise<Decision<C>> {
    const decision = await this.check(tenantId, capability);
    if (decision.status === 404) throw new NotFoundError();
    if (decision.status === 403) throw new ForbiddenError(decision.capability);
    return decision;
  }

  /**
   * UI state for an action guarded by `capability`: hidden for non-members,
   * visible-but-disabled with a tooltip for members lacking it, enabled
   * otherwise. Never use it as enforcement; `authorize()` the action itself.
   *
   * A `formatDisabledReason` hook that throws (or returns a non-string) does
   * not reject: the default tooltip is used and the failure goes to `onError`
   * with source `formatDisabledReason`.
   */
  async actionState(tenantId: string, capability: C): Promise<ActionState> {
    const decision = await this.check(tenantId, capability);
    const { formatDisabledReason, onError } = this.#deps;
    return toActionState(decision, this.#facts.get(tenantId)?.role, formatDisabledReason, (error) => {
      reportError(onError, error, 'formatDisabledReason');
    });
  }

  /**
   * Whether the actor is a member of `tenantId`, with no capability involved:
   * what tenant-context middleware needs before any handler runs. Shares the
   * memoized lookup; a `false` emits a denial event (capability `null`) like
   * any other 404.
   */
  async isMember(tenantId: string): Promise<boolean> {
    const fact = await this.#membership(tenantId);
    if (fact !== undefined) return true;
    const malformed = typeof tenantId !== 'string' || !this.#deps.isValidTenantId(tenantId);
    this.#emit(
      Object.freeze({
        capability: null,
        tenantId: malformed ? null : tenantId,
        userId: this.userId,
        reason: malformed ? 'malformed_tenant_id' : 'not_member',
        status: 404,
      }),
    );
    return false;
  }

  /**
   * The actor's role in `tenantId` as stored, or `undefined` when not a
   * member. Shares the memoized lookup. Prefer `check()`: host code should
   * ask what a role allows, not compare role names.
   */
  async roleIn(tenantId: string): Promise<string | undefined> {
    return (await this.#membership(tenantId))?.role;
  }

  /**
   * The tenants the actor belongs to, for a tenant switcher, ordered by tenant
   * id. One store query however many tenants; it also primes the memo, so
   * checks on those tenants afterwards cost no lookup.
   */
  tenants(): Promise<readonly TenantMembershipSummary[]> {
    const generation = this.#generation;
    this.#switcher ??= this.#deps.listMemberships(this.userId).then(
      (rows) => {
        const list = rows.map((row) => Object.freeze({ tenantId: row.tenantId, role: row.role }));
        if (generation === this.#generation) {
          for (const row of list) {
            if (!this.#lookups.has(row.tenantId)) {
              const fact = Object.freeze({ role: row.role });
              this.#facts.set(row.tenantId, fact);
              this.#lookups.set(row.tenantId, Promise.resolve(fact));
            }
          }
        }
        return Object.freeze(list);
      },
      (error: unknown) => {
        this.#switcher = undefined;
        throw error;
      },
    );
    return this.#switcher;
  }

  /**
   * Forgets what this scope memoized, for one tenant or all of them, so the
   * next check reads storage (or the cross-request cache) again.
   */
  refresh(tenantId?: string): void {
    this.#generation += 1;
    this.#switcher = undefined;
    if (tenantId === undefined) {
      this.#lookups.clear();
      this.#facts.clear();
      this.#memos.clear();
    } else {
      this.#lookups.delete(tenantId);
      this.#facts.delete(tenantId);
      this.#memos.delete(tenantId);
    }
  }

  #membership(tenantId: string): Promise<MembershipFact | undefined> {
    let lookup = this.#lookups.get(tenantId);
    if (lookup !== undefined) return lookup;

    if (typeof tenantId !== 'string' || !this.#deps.isValidTenantId(tenantId)) {
      // Malformed ids never reach storage; they decide exactly like a non-member.
      lookup = Promise.resolve(undefined);
      this.#facts.set(tenantId, null);
    } else {
      const generation = this.#generation;
      lookup = this.#deps.loadMembership(tenantId, this.userId).then(
        (fact) => {
          if (generation === this.#generation) this.#facts.set(tenantId, fact ?? null);
          return fact;
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

  #memoize(tenantId: string, capability: C, fact: MembershipFact | undefined, generation: number): Memo<C> {
    const decision = decide(this.#deps.roles, tenantId, capability, fact);
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
    const malformed = typeof decision.tenantId !== 'string' || !this.#deps.isValidTenantId(decision.tenantId);
    return Object.freeze({
      capability: decision.capability,
      tenantId: malformed ? null : decision.tenantId,
      userId: this.userId,
      reason: malformed ? 'malformed_tenant_id' : decision.reason === 'missing_capability' ? 'missing_capability' : 'not_member',
      status: decision.status === 403 ? 403 : 404,
    });
  }

  #serve(memo: Memo<C>): Decision<C> {
    if (memo.denial !== undefined) this.#emit(memo.denial);
    return memo.decision;
  }

  #emit(event: DenialEvent): void {
    const hook = this.#deps.onDenied;
    if (hook === undefined) return;
    try {
      hook(event);
    } catch {
      // Diagnostics must never turn a denial into a failure (or anything else).
    }
  }
}
