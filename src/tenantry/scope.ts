import { WebhooksApi } from './webhooks-api.js';
import type { Actor } from '../core/actors/actor.js';
import type { ActionState } from '../core/decisions/action-state.js';
import type { Decision } from '../core/decisions/decision.js';
import { NotFoundError, UnknownCapabilityError } from '../core/errors/index.js';
import { ActorAccess } from '../services/authz/actor-access.js';
import type { StepUpGate } from '../services/authz/step-up.js';
import type { TenantAccess } from '../services/authz/tenant-access.js';
import { buildSnapshot } from '../services/authz/build-snapshot.js';
import { activeTenantIds } from '../services/authz/active-tenant-ids.js';
import { parseSnapshotOptions, type SnapshotOptions } from '../services/authz/snapshot-input.js';
import type { ClientSnapshot } from '../core/snapshot/client-snapshot.js';
import type { ActorContext } from '../services/shared/actor-context.js';
import type { InstanceServices } from './instance-services.js';
import { AuditApi, MembersApi, ProvisioningApi, TenantsApi, UsageApi } from './scope-apis.js';
import { InvitationsApi } from './invitations-api.js';
import { RolesApi } from './roles-api.js';

/**
 * One actor's view of tenantry: every operation, with the actor bound once.
 * `tenantry.forRequest({ userId })` gives the scope of a signed-in user,
 * `tenantry.as(systemActor(label))` the scope of trusted server code; both
 * have the same verbs.
 *
 * A scope memoizes: the first check for a tenant costs one lookup (the
 * actor's membership; for a system actor, whether the tenant exists), every
 * further check and tenant-scoped call for that tenant costs none, and
 * concurrent checks share the lookup in flight. Create one per request and
 * drop it at the end. Membership writes made through the scope refresh its
 * memo for that tenant; call {@link Scope.refresh} after changes made
 * elsewhere if later checks in the same request must see them.
 *
 * The tenant-id rule holds for every call: a malformed id, an unknown tenant
 * and a tenant the actor is not a member of are the same 404 decision
 * (`check`) or the same `NotFoundError` (every other call), and a malformed
 * id never reaches storage.
 *
 * @typeParam C - capability names.
 * @typeParam R - role names.
 * @typeParam F - feature keys (`never` without entitlements).
 * @typeParam L - limit-feature keys.
 * @typeParam P - package keys.
 */
export class Scope<
  C extends string = string,
  R extends string = string,
  F extends string = string,
  L extends F = F,
  P extends string = string,
> implements ActorContext {
  /** Who acts. */
  readonly actor: Actor;
  readonly #access: ActorAccess<C>;
  readonly #services: InstanceServices<C, R, F, L, P>;
  /**
   * The API objects, built on first use, in one holder created with the
   * first of them: most request scopes only check, and a scope is built per
   * request, so it stays three fields wide until an API is used.
   */
  #apis: ScopeApis<C, R, F, L, P> | undefined;

  /** @internal Use `tenantry.forRequest()` or `tenantry.as()`. */
  constructor(actor: Actor, services: InstanceServices<C, R, F, L, P>, stepUp?: StepUpGate) {
    this.actor = actor;
    this.#services = services;
    this.#access = new ActorAccess(actor, services.access, stepUp);
  }

  /**
   * The actor's access to `tenantId`, resolved once: after this one lookup
   * (memoized, shared with every other call of the scope, shared in flight)
   * the returned object answers `can`, `check`, `authorize` and
   * `actionState` synchronously, without touching storage. Never rejects for
   * a denial: for a malformed id, an unknown tenant or a non-member it
   * resolves to an object whose `member` is `false` and whose every decision
   * is the same 404 as `check()` gives.
   *
   * @example
   * ```ts fragment
   * const access = await scope.access(tenantId);
   * if (!access.can('billing.read')) return reply.code(access.check('billing.read').status).send();
   * const canManage = access.can('billing.manage'); // no await, no lookup
   * ```
   */
  access(tenantId: string): Promise<TenantAccess<C>> {
    return this.#access.access(tenantId);
  }

  /**
   * Decides whether the actor may use `capability` in `tenantId`: 200
   * allowed, 401 `second_factor_required` for a step-up capability without
   * a recent verification (see `docs/two-factor.md`), 403 member without
   * the capability, 404 not a member, no such tenant, or malformed id
   * (indistinguishable). A system actor is allowed
   * everything in every existing tenant. Never throws for a denial; rejects
   * with `UnknownCapabilityError` for an undeclared capability, before
   * touching storage.
   *
   * @example
   * ```ts fragment
   * const decision = await scope.check(tenantId, 'billing.read');
   * if (!decision.allowed) return reply.code(decision.status).send();
   * ```
   */
  check(tenantId: string, capability: C): Promise<Decision<C>> {
    return this.#access.check(tenantId, capability);
  }

  /** Boolean form of {@link Scope.check}. */
  can(tenantId: string, capability: C): Promise<boolean> {
    return this.#access.can(tenantId, capability);
  }

  /**
   * Like {@link Scope.check}, but throws on denial: `NotFoundError` for 404,
   * `ForbiddenError` for 403 and `SecondFactorRequiredError` for 401.
   * Resolves with the (allowed) decision.
   */
  authorize(tenantId: string, capability: C): Promise<Decision<C>> {
    return this.#access.authorize(tenantId, capability);
  }

  /**
   * UI state for an action guarded by `capability`: hidden for non-members,
   * visible-but-disabled with a tooltip for members lacking it, enabled
   * otherwise. Never use it as enforcement; `authorize()` the action itself.
   * A `formatDisabledReason` hook that fails falls back to the default text
   * (the failure goes to `onError`).
   */
  actionState(tenantId: string, capability: C): Promise<ActionState> {
    return this.#access.actionState(tenantId, capability);
  }

  /**
   * A JSON-serializable picture of the actor's access to `tenantId` for a
   * UI: the role, every capability as a bitset over the catalog order, and
   * the action states of `actions` (rendered with the host's tooltip
   * formatter). Read it in the browser with `can()` / `actionState()` from
   * `tenantry/client`; it answers exactly as `scope.check()` and
   * `scope.actionState()` would have when it was built. **UI hinting only**:
   * enforce every action on the server.
   *
   * Built from the memoized access object (one lookup at most). Rejects
   * with `NotFoundError` for a non-member, an unknown tenant or a malformed
   * id, `UnknownCapabilityError` for an undeclared capability in `actions`,
   * and `ValidationError` for malformed options. Denied capabilities do not
   * fire `onDenied` (a disabled button is not an attempt).
   *
   * @example
   * ```ts fragment
   * const snapshot = await scope.snapshot(tenantId, { actions: ['billing.manage'] });
   * reply.send(snapshot); // the browser: parseSnapshot(body), then can(snapshot, 'billing.read')
   * ```
   */
  async snapshot(tenantId: string, options?: SnapshotOptions<C>): Promise<ClientSnapshot<C>> {
    const actions = parseSnapshotOptions(options);
    // Before the lookup, as for check(): an undeclared capability never reaches storage.
    const declared = this.#services.access.rules.compiled.index;
    const unknown = actions.find((capability) => !declared.has(capability));
    if (unknown !== undefined) throw new UnknownCapabilityError(unknown);
    return buildSnapshot(await this.#access.access(tenantId), actions as readonly C[]);
  }

  /**
   * The ids of the tenants the actor is an active member of (archived
   * tenants left out), ordered by id: the set a search across tenants may
   * cover (with Kysely, `whereTenantMember()` from `tenantry/kysely` does the
   * same in SQL, in one subquery). One store query; read fresh on every call,
   * not memoized.
   * A system actor gets `ActorNotAllowedError` (it belongs to no tenant).
   */
  tenantIds(): Promise<readonly string[]> {
    return activeTenantIds(this.actor, { listActiveMemberships: this.#services.listActiveMemberships });
  }

  /**
   * Whether the actor may act in `tenantId` at all, with no capability
   * involved (what tenant-context middleware needs before any handler runs).
   * Shares the memoized lookup; a `false` emits a denial event (capability
   * `null`) like any other 404.
   */
  isMember(tenantId: string): Promise<boolean> {
    return this.#access.isMember(tenantId);
  }

  /**
   * The actor's role in `tenantId` as stored, or `undefined` when not a
   * member (and for a system actor). Shares the memoized lookup. Prefer
   * `check()`: host code should ask what a role allows, not compare role names.
   */
  async roleIn(tenantId: string): Promise<string | undefined> {
    return (await this.#access.access(tenantId)).role;
  }

  /**
   * Forgets what this scope memoized, for one tenant or all of them, so the
   * next check reads storage (or the cross-request cache) again.
   */
  refresh(tenantId?: string): void {
    this.#access.refresh(tenantId);
  }

  /** @internal The actor's standing in a tenant, for services; see `ActorContext`. */
  async standing(tenantId: string): Promise<string | null> {
    const access = await this.#access.access(tenantId);
    if (!access.member) throw new NotFoundError();
    return access.role ?? null;
  }

  /** Tenants: the actor's tenants (the switcher), creation, reads. */
  get tenants(): TenantsApi {
    return ((this.#apis ??= {}).tenants ??= new TenantsApi(this, this.#access, this.#services));
  }

  /** Membership management: add, change role, remove, leave, transfer ownership, list. */
  get members(): MembersApi<R> {
    return ((this.#apis ??= {}).members ??= new MembersApi<R>(this, this.#services.memberships, this.#services.memberQueries));
  }

  /** The tenant's webhook endpoints (capability `webhooks.manage`); `ConfigurationError` without the `webhooks` option. */
  get webhooks(): WebhooksApi {
    return ((this.#apis ??= {}).webhooks ??= new WebhooksApi(this, this.#services.webhooks));
  }

  /** The tenant audit log. */
  get audit(): AuditApi {
    return ((this.#apis ??= {}).audit ??= new AuditApi(this, this.#services.auditQueries));
  }

  /**
   * Entitlement checks and consumption for the tenants the actor may act in:
   * check, tryConsume, consume, release, report, simulate. Without
   * `entitlements` on the instance every call is a `ConfigurationError`.
   */
  get usage(): UsageApi<F, L, P> {
    return ((this.#apis ??= {}).usage ??= new UsageApi<F, L, P>(this, this.#services.entitlements));
  }

  /**
   * Plans, boosts, namespace limits and the alert history. System actors
   * only: a user actor gets `ActorNotAllowedError`.
   */
  get provisioning(): ProvisioningApi<F, L, P> {
    return ((this.#apis ??= {}).provisioning ??= new ProvisioningApi<F, L, P>(this, this.#services.entitlements));
  }

  /** Invitations: create, resend, revoke, list (managers) and accept (the invitee). */
  get invitations(): InvitationsApi<R> {
    return ((this.#apis ??= {}).invitations ??= new InvitationsApi<R>(this, this.#services.invitations));
  }

  /** The tenant's own roles: create, update, delete (capability `manageRoles`, within the actor's own), list. */
  get roles(): RolesApi<C, R> {
    return ((this.#apis ??= {}).roles ??= new RolesApi<C, R>(this, this.#services.tenantRoles));
  }
}

/** The lazily built API objects of a scope. */
interface ScopeApis<C extends string, R extends string, F extends string, L extends F, P extends string> {
  tenants?: TenantsApi;
  members?: MembersApi<R>;
  webhooks?: WebhooksApi;
  audit?: AuditApi;
  usage?: UsageApi<F, L, P>;
  provisioning?: ProvisioningApi<F, L, P>;
  invitations?: InvitationsApi<R>;
  roles?: RolesApi<C, R>;
}
