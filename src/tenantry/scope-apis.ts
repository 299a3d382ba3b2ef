import { z } from 'zod';
import type { Actor } from '../core/actors/actor.js';
import type { EffectiveEntitlements } from '../core/entitlements/effective-entitlements.js';
import type { PackageChangeSimulation } from '../core/entitlements/simulate-package-change.js';
import { ConfigurationError } from '../core/errors/index.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, pageOf, type Page } from '../core/paging/page.js';
import { parseInput } from '../core/validation/parse-input.js';
import type { AuditEntry } from '../services/audit/audit-entry.js';
import type { AuditQueries } from '../services/audit/audit-queries.js';
import type { ActorAccess } from '../services/authz/actor-access.js';
import type { AssignableRole } from '../core/roles/tenant-role-name.js';
import type {
  AddBoostInput,
  AlertsInput,
  AssignPackageInput,
  ChangePackageInput,
  ConsumeInput,
  SetBillingCycleInput,
  TenantPackageInput,
  ReleaseInput,
  SetNamespaceLimitInput,
  SimulateInput,
  UsageCheckInput,
  UsageReportInput,
} from '../services/entitlements/entitlement-inputs.js';
import type { EntitlementDecision, FeatureUsage, UsageAlertEntry, UsageReport } from '../services/entitlements/entitlement-types.js';
import {
  requireSystem,
  type BillingCycle,
  type PackageAssignment,
  type PackageChange,
  type TenantBoost,
} from '../services/entitlements/provisioning-service.js';
import type { MemberQueries } from '../services/membership/member-queries.js';
import type { ResponseReplayInput, SaveResponseInput } from '../services/entitlements/response-replays.js';
import type { IdempotentResponseSaveResult, IdempotentResponseState } from '../store/idempotent-response-operations.js';
import type { CreatedTenant, Member, OwnershipTransfer, Tenant } from '../services/membership/member-view.js';
import type {
  AddMemberInput,
  ChangeRoleInput,
  CreateTenantInput,
  LeaveTenantInput,
  RemoveMemberInput,
  TransferOwnershipInput,
} from '../services/membership/membership-inputs.js';
import type { MembershipService } from '../services/membership/membership-service.js';
import type { OffboardingReport, RemoveUserEverywhereInput } from '../services/membership/offboarding.js';
import type { ActorContext } from '../services/shared/actor-context.js';
import type { ListTenantsInput, UpdateTenantInput } from '../services/shared/tenant-inputs.js';
import type { ListInput } from '../services/shared/list-input.js';
import type { EntitlementServices, InstanceServices } from './instance-services.js';

/** One entry of the tenant switcher. */
export interface TenantMembership {
  readonly tenantId: string;
  /** The actor's role there, as stored (a string: a stored role may since have left the role map). */
  readonly role: string;
}

/** Input of `scope.tenants.mine`. */
export interface MyTenantsInput {
  /** Page size, 1 to 1000. Default is 100. */
  readonly limit?: number;
  readonly cursor?: string;
}

const mineSchema = z.object({ limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(), cursor: z.string().optional() }).strict();
const MINE_CURSOR = 'mine';

/** A scope that can refresh its memo (writes through the scope do, for the tenant they changed). */
interface Refreshable extends ActorContext {
  refresh(tenantId?: string): void;
}

/** `scope.tenants`. */
export class TenantsApi {
  readonly #scope: Refreshable;
  readonly #access: ActorAccess<string>;
  readonly #services: InstanceServices<string, string, string, string, string>;

  /** @internal */
  constructor(scope: Refreshable, access: ActorAccess<string>, services: InstanceServices<string, string, string, string, string>) {
    this.#scope = scope;
    this.#access = access;
    this.#services = services;
  }

  /**
   * The tenants the actor can act in, for a tenant switcher, ordered by
   * tenant id, paged: archived tenants are left out (every decision on them
   * is 404), so is a tenant the actor has left. One store query per call,
   * however many tenants; it also primes the scope's memo, so checks on
   * those tenants afterwards cost no lookup. A system actor belongs to no
   * tenant: always an empty page.
   */
  async mine(input: MyTenantsInput = {}): Promise<Page<TenantMembership>> {
    const parsed = parseInput(mineSchema, input, 'tenant listing');
    const after = parsed.cursor === undefined ? undefined : decodeCursor(MINE_CURSOR, parsed.cursor, (key) => this.#services.tenantIds.isValid(key));
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    const { actor } = this.#scope;
    if (actor.type === 'system') return Object.freeze({ items: Object.freeze([]), nextCursor: null });
    const generation = this.#access.generation;
    // Only active memberships may prime the memo: a primed archived tenant would answer allowed, not 404.
    const rows = await this.#services.listActiveMemberships(actor.userId);
    const memberships = rows.map((row) => Object.freeze({ tenantId: row.tenantId, role: row.role }));
    this.#access.prime(memberships, generation);
    const from = after === undefined ? 0 : memberships.findIndex((row) => row.tenantId > after);
    const rest = from < 0 ? [] : memberships.slice(from, from + limit + 1);
    return pageOf(
      rest,
      limit,
      (row) => row,
      (row) => encodeCursor(MINE_CURSOR, row.tenantId),
    );
  }

  /**
   * Creates a tenant and its first owner, atomically (audited as
   * `tenant.create`). A user creates tenants they own (`ownerId` defaults to
   * them); a system actor names the owner. With `template`, the template's
   * package, namespace limits and members are applied in the same
   * transaction (each step audited, by the system actor
   * `template.<name>`); any failing step rolls back the whole creation.
   */
  async create(input: CreateTenantInput = {}): Promise<CreatedTenant> {
    const created = await this.#create(input);
    this.#scope.refresh(created.tenant.id);
    return created;
  }

  #create(input: CreateTenantInput): Promise<CreatedTenant> {
    // Read as unknown: the input comes from callers the types do not bind; the service validates the rest.
    const raw: unknown = input;
    if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'template')) return this.#services.tenants.create(this.#scope.actor, input);
    const { template, ...rest } = input;
    const creator = this.#services.createFromTemplate;
    if (creator === undefined) throw new ConfigurationError('Tenant templates are not configured: pass createTenantry({ templates: defineTemplates({...}) }).');
    return creator(this.#scope.actor, rest, template as string);
  }

  /** The tenant, for a member (or a system actor); the canonical `NotFoundError` otherwise. */
  get(tenantId: string): Promise<Tenant> {
    return this.#services.tenants.get(this.#scope, tenantId);
  }

  /**
   * Changes the tenant's name, slug or metadata (`null` clears one), audited
   * as `tenant.update`. The system actor, or a member holding `manageTenant`
   * (default: the owner role). A taken slug is `AlreadyExistsError` (entity
   * `tenant slug`).
   */
  update(input: UpdateTenantInput): Promise<Tenant> {
    return this.#services.tenants.update(this.#scope.actor, input);
  }

  /**
   * Archives the tenant (system actors only): no member can act until it is
   * restored (decisions are 404, user writes and consumption refused); the
   * system actor keeps access. Audited as `tenant.archive`.
   */
  archive(input: { readonly tenantId: string }): Promise<Tenant> {
    return this.#refreshing(input.tenantId, this.#services.tenants.archive(this.#scope.actor, input));
  }

  /** Restores an archived tenant (system actors only), audited as `tenant.restore`. */
  restore(input: { readonly tenantId: string }): Promise<Tenant> {
    return this.#refreshing(input.tenantId, this.#services.tenants.restore(this.#scope.actor, input));
  }

  /**
   * Deletes the tenant and everything it owns, keeping its audit log (last
   * entry `tenant.delete`). The system actor, or an owner holding the
   * `deleteTenant` capability when that option is set. See
   * `docs/membership.md` for what is deleted and what is kept.
   */
  delete(input: { readonly tenantId: string }): Promise<void> {
    return this.#refreshing(input.tenantId, this.#services.tenants.delete(this.#scope.actor, input));
  }

  async #refreshing<T>(tenantId: unknown, work: Promise<T>): Promise<T> {
    const result = await work;
    if (typeof tenantId === 'string') this.#scope.refresh(tenantId);
    return result;
  }

  /**
   * Every tenant, ordered by id, paged, optionally by slug prefix (ignoring
   * case): an admin listing, for system actors only (`ActorNotAllowedError`
   * for a user; the switcher is {@link TenantsApi.mine}).
   */
  list(input: ListTenantsInput = {}): Promise<Page<Tenant>> {
    return this.#services.tenants.list(this.#scope.actor, input);
  }
}

/** `scope.members`. */
export class MembersApi<R extends string> {
  readonly #scope: Refreshable;
  readonly #writes: MembershipService<string, R>;
  readonly #queries: MemberQueries;

  /** @internal */
  constructor(scope: Refreshable, writes: MembershipService<string, R>, queries: MemberQueries) {
    this.#scope = scope;
    this.#writes = writes;
    this.#queries = queries;
  }

  /**
   * Adds an existing user with `role`, taking a seat when seats are
   * configured. A user actor needs the managing capability (default: the
   * owner role) and may grant only roles within their own capabilities.
   * Errors: `NotFoundError` (not a member, unknown or malformed tenant),
   * `ForbiddenError` / `OwnerRequiredError` / `DelegationDeniedError`
   * (audited as `tenant_membership.denied`), `UnknownRoleError`,
   * `AlreadyExistsError` for an existing member, `LimitExceededError` when no
   * seat is free.
   */
  add(input: AddMemberInput<AssignableRole<R>>): Promise<Member> {
    return this.#refreshing(input, this.#writes.add(this.#scope.actor, input));
  }

  /** Changes a member's role; `LastOwnerError` (audited) when it would leave no owner. Same authorization as `add`. */
  changeRole(input: ChangeRoleInput<AssignableRole<R>>): Promise<Member> {
    return this.#refreshing(input, this.#writes.changeRole(this.#scope.actor, input));
  }

  /** Removes a member, giving back their seat; `LastOwnerError` (audited) for the last owner. Resolves with the removed member. */
  remove(input: RemoveMemberInput): Promise<Member> {
    return this.#refreshing(input, this.#writes.remove(this.#scope.actor, input));
  }

  /** The acting user leaves the tenant; `LastOwnerError` for the last owner, `ActorNotAllowedError` for a system actor. */
  leave(input: LeaveTenantInput): Promise<Member> {
    return this.#refreshing(input, this.#writes.leave(this.#scope.actor, input));
  }

  /**
   * Hands ownership to another member atomically; the previous owner keeps
   * `previousOwnerRole`. A user may transfer only their own ownership.
   */
  transferOwnership(input: TransferOwnershipInput<R>): Promise<OwnershipTransfer> {
    return this.#refreshing(input, this.#writes.transferOwnership(this.#scope.actor, input));
  }

  /**
   * Offboarding: removes the user from every tenant in one call (system
   * actors only), each tenant audited and atomic on its own. Where the user
   * is the last owner the tenant is refused and reported (`last_owner`),
   * unless `successor` names a member to promote first.
   */
  removeUserEverywhere(input: RemoveUserEverywhereInput): Promise<OffboardingReport> {
    return this.#writes.removeUserEverywhere(this.#scope.actor, input).then((report) => {
      for (const entry of report.tenants) this.#scope.refresh(entry.tenantId);
      return report;
    });
  }

  /** One page of members with roles, ordered by user id; any member may list. */
  list(input: ListInput): Promise<Page<Member>> {
    return this.#queries.list(this.#scope, input);
  }

  async #refreshing<T>(input: { readonly tenantId: string }, write: Promise<T>): Promise<T> {
    const result = await write;
    this.#scope.refresh(input.tenantId);
    return result;
  }
}

/** `scope.audit`. */
export class AuditApi {
  readonly #scope: ActorContext;
  readonly #queries: AuditQueries<string>;

  /** @internal */
  constructor(scope: ActorContext, queries: AuditQueries<string>) {
    this.#scope = scope;
    this.#queries = queries;
  }

  /** Entries newest first, paged; readers need the audit capability (default: the owner role). */
  list(input: ListInput): Promise<Page<AuditEntry>> {
    return this.#queries.list(this.#scope, input);
  }
}

function entitlementsMissing(): never {
  throw new ConfigurationError('Entitlements are not configured: pass createTenantry({ entitlements: { packages } }).');
}

/** `scope.usage`. */
export class UsageApi<F extends string, L extends F, P extends string> {
  readonly #scope: ActorContext;
  readonly #services: EntitlementServices<F, L, P> | undefined;

  /** @internal */
  constructor(scope: ActorContext, services: EntitlementServices<F, L, P> | undefined) {
    this.#scope = scope;
    this.#services = services;
  }

  /**
   * Whether `amount` (default 1) of `featureKey` could be consumed now,
   * without consuming; see `EntitlementDecision` for `used` (now) and
   * `usedAfter`. For a boolean feature: whether it is enabled.
   */
  check(input: UsageCheckInput<F>): Promise<EntitlementDecision<F>> {
    return (this.#services ?? entitlementsMissing()).reads.check(this.#scope, input);
  }

  /**
   * Consumes `amount` of a limit feature if every level (the feature, its
   * pools, the namespace) has room, atomically; resolves with the decision
   * either way. A retry with the same `idempotencyKey` counts once.
   */
  tryConsume(input: ConsumeInput<L>): Promise<EntitlementDecision<L>> {
    return (this.#services ?? entitlementsMissing()).consumption.tryConsume(this.#scope, input);
  }

  /** Like {@link UsageApi.tryConsume}, but throws `LimitExceededError` / `FeatureNotEnabledError` on refusal. */
  consume(input: ConsumeInput<L>): Promise<EntitlementDecision<L>> {
    return (this.#services ?? entitlementsMissing()).consumption.consume(this.#scope, input);
  }

  /** Gives back `amount` of a gauge feature (seats) at every level; see `ReleaseInput.upTo`. */
  release(input: ReleaseInput<L>): Promise<FeatureUsage<L>> {
    return (this.#services ?? entitlementsMissing()).release.release(this.#scope, input);
  }

  /** Usage of every limit feature in its current window, for the tenant pool or one namespace. */
  report(input: UsageReportInput): Promise<UsageReport<L>> {
    return (this.#services ?? entitlementsMissing()).reads.report(this.#scope, input);
  }

  /** What would change if the tenant had exactly `packageKeys` (boosts kept). Writes nothing. */
  simulate(input: SimulateInput<P>): Promise<PackageChangeSimulation<F, L>> {
    return (this.#services ?? entitlementsMissing()).reads.simulate(this.#scope, input);
  }

  /** The tenant's effective entitlements now: every feature, enabled or not, with its limit. */
  effective(tenantId: string): Promise<EffectiveEntitlements<F, L>> {
    return (this.#services ?? entitlementsMissing()).reads.effective(this.#scope, tenantId);
  }
  /**
   * Stores the first response to an idempotent consumption on its record
   * (the HTTP response-replay helper's storage, for other frameworks too):
   * pass the consumption's own input, key included. The first save wins;
   * the response expires, is pruned and is deleted with the record.
   */
  saveResponse(input: SaveResponseInput<L>): Promise<IdempotentResponseSaveResult> {
    return (this.#services ?? entitlementsMissing()).responses.save(this.#scope, input);
  }

  /** The response stored for an idempotent consumption (`stored`), `pending` while its first request runs, or `none`. */
  storedResponse(input: ResponseReplayInput<L>): Promise<IdempotentResponseState> {
    return (this.#services ?? entitlementsMissing()).responses.read(this.#scope, input);
  }
}

/** `scope.provisioning` (system actors only). */
export class ProvisioningApi<F extends string, L extends F, P extends string> {
  readonly #scope: ActorContext;
  readonly #actor: Actor;
  readonly #services: EntitlementServices<F, L, P> | undefined;

  /** @internal */
  constructor(scope: ActorContext, services: EntitlementServices<F, L, P> | undefined) {
    this.#scope = scope;
    this.#actor = scope.actor;
    this.#services = services;
  }

  /** Assigns a package (optionally moving the billing cycle to `cycleAnchor`); `AlreadyExistsError` when it is already active. */
  assignPackage(input: AssignPackageInput<P>): Promise<PackageAssignment<P>> {
    return (this.#services ?? entitlementsMissing()).provisioning.assignPackage(this.#actor, input);
  }

  /** Replaces the active package `from` with `to` in one transaction, audited as one entry; see `docs/entitlements.md`. */
  changePackage(input: ChangePackageInput<P>): Promise<PackageChange<P>> {
    return (this.#services ?? entitlementsMissing()).provisioning.changePackage(this.#actor, input);
  }

  /** What {@link ProvisioningApi.changePackage} with the same input would do, without writing. */
  simulateChange(input: ChangePackageInput<P>): Promise<PackageChangeSimulation<F, L>> {
    const services = this.#services ?? entitlementsMissing();
    requireSystem(this.#actor);
    return services.reads.simulateChange(this.#scope, input);
  }

  /** Moves the tenant's billing-cycle anchor; the current window's usage is carried (default) or reset. */
  setBillingCycle(input: SetBillingCycleInput): Promise<BillingCycle> {
    return (this.#services ?? entitlementsMissing()).provisioning.setBillingCycle(this.#actor, input);
  }

  /** Cancels an active package; `NotFoundError` when it is not active. */
  cancelPackage(input: TenantPackageInput<P>): Promise<PackageAssignment<P>> {
    return (this.#services ?? entitlementsMissing()).provisioning.cancelPackage(this.#actor, input);
  }

  /** Adds a boost (add-on) to a limit feature, optionally expiring. */
  addBoost(input: AddBoostInput<L>): Promise<TenantBoost<L>> {
    return (this.#services ?? entitlementsMissing()).provisioning.addBoost(this.#actor, input);
  }

  /** Sets a namespace's own limit on a limit feature; `'unlimited'` removes it. */
  setNamespaceLimit(input: SetNamespaceLimitInput<L>): Promise<void> {
    return (this.#services ?? entitlementsMissing()).provisioning.setNamespaceLimit(this.#actor, input);
  }

  /** The tenant's usage-alert history, oldest first, paged. */
  alerts(input: AlertsInput): Promise<Page<UsageAlertEntry>> {
    return (this.#services ?? entitlementsMissing()).provisioning.alerts(this.#actor, input);
  }
}
