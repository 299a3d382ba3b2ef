import { actorSchema, type SystemActor, systemActorSchema } from '../core/actors/actor.js';
import type { CapabilityRegistry } from '../core/capabilities/define-capabilities.js';
import type { PackageCatalog } from '../core/entitlements/define-packages.js';
import { ConfigurationError } from '../core/errors/index.js';
import type { ErrorHook } from '../core/hooks/error-hook.js';
import { isUserId, UUID_PATTERN } from '../core/ids/identifiers.js';
import { capabilityMask, compileRoles } from '../core/roles/compiled-roles.js';
import type { RoleMap } from '../core/roles/define-roles.js';
import { parseConfig, parseInput } from '../core/validation/parse-input.js';
import { AuditQueries } from '../services/audit/audit-queries.js';
import { Auditor } from '../services/audit/auditor.js';
import { timeOrderedIdGenerator } from '../services/audit/time-ordered-id.js';
import type { InvalidationBusStatusListener, InvalidationMessage } from '../services/authz/invalidation-bus.js';
import { MembershipCache } from '../services/authz/membership-cache.js';
import { tenantRoleMask } from '../services/authz/tenant-role-mask.js';
import { RoleService } from '../services/roles/role-service.js';
import type { TenantAccess } from '../services/authz/tenant-access.js';
import { Effects } from '../services/effects/effects.js';
import { CatalogSync, type PrunedFeature } from '../services/entitlements/catalog-sync.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../services/entitlements/idempotency-scope.js';
import { ConsumptionService } from '../services/entitlements/consumption.js';
import { QuotaLeases, type LeasePolicy } from '../services/entitlements/quota-leases.js';
import { GaugeRelease } from '../services/entitlements/gauge-release.js';
import { GrantsCache } from '../services/entitlements/grants-cache.js';
import { ProvisioningService } from '../services/entitlements/provisioning-service.js';
import { seatPolicy } from '../services/entitlements/seats.js';
import { EntitlementReader } from '../services/entitlements/tenant-entitlements.js';
import { UsageAlerts } from '../services/entitlements/usage-alerts.js';
import { UsageReads } from '../services/entitlements/usage-reads.js';
import { ResponseReplays } from '../services/entitlements/response-replays.js';
import { MemberQueries } from '../services/membership/member-queries.js';
import { MembershipService } from '../services/membership/membership-service.js';
import { RateLimiter } from '../services/rate-limits/rate-limiter.js';
import { TenantIdRule } from '../services/shared/tenant-id-rule.js';
import { TenantService } from '../services/tenants/tenant-service.js';
import { UserDirectory } from '../services/shared/user-directory.js';
import { invitationServices } from './invitation-wiring.js';
import type { Store } from '../store/index.js';
import type { EntitlementServices, InstanceServices } from './instance-services.js';
import { Scope } from './scope.js';
import { templateCreator } from './template-wiring.js';
import { DEFAULT_CLOSE_TIMEOUT_MS, tenantryOptionsSchema, type LeaseOptions, type TenantryOptions } from './tenantry-options.js';
import { missingTwoFactor, twoFactorServices } from './two-factor-wiring.js';
import type { TwoFactorService } from '../services/two-factor/two-factor-service.js';
import { z } from 'zod';
import { webhookServices } from './webhooks-wiring.js';
import type { DeliveryWorker, DeliveryWorkerOptions } from '../services/webhooks/delivery-worker.js';
import type { WebhookOutbox } from '../services/webhooks/outbox.js';

/** The actor of a user request scope. */
export interface RequestActor {
  /** The signed-in user's id, as your authentication layer knows it. */
  readonly userId: string;
  /**
   * When this user last verified a second factor (`twoFactor.verify()`'s
   * `verifiedAt`, kept in your session). Step-up capabilities are allowed
   * only while it is at most `twoFactor.stepUp.maxAgeMs` old.
   */
  readonly secondFactorAt?: Date;
}

const secondFactorAtSchema = z.date();

/** Input of {@link Tenantry.invalidate}. */
export interface InvalidateInput {
  readonly tenantId: string;
  /** Only this user's membership; default: every membership of the tenant (and its grants). */
  readonly userId?: string;
}

/**
 * A configured tenantry instance: create one per application with
 * {@link createTenantry}, then bind an actor per request with
 * {@link Tenantry.forRequest} or {@link Tenantry.as}.
 */
export interface Tenantry<C extends string, R extends string, F extends string = never, L extends F = never, P extends string = never> {
  readonly capabilities: CapabilityRegistry<C>;
  readonly roles: RoleMap<C, R>;
  /** The package catalog, when entitlements are configured. */
  readonly packages: PackageCatalog<F, L, P> | undefined;
  /** Store-backed rate limiting (the HTTP `rateLimit()` guard and attempt limits use it). */
  readonly limiter: RateLimiter;
  /** Two-factor: enrol, confirm, verify, recovery codes, rotation. Without the `twoFactor` option, reading it throws `ConfigurationError`. */
  readonly twoFactor: TwoFactorService;
  /** The webhook delivery worker and retention; `ConfigurationError` without the `webhooks` option. */
  readonly webhooks: TenantryWebhooks;
  /**
   * The scope of a signed-in user for one request. Throws `ValidationError`
   * for a malformed user id (HTTP adapters answer 400).
   */
  forRequest(actor: RequestActor): Scope<C, R, F, L, P>;
  /** The scope of trusted server code (`systemActor('billing')`): the same verbs, no membership checks. */
  as(actor: SystemActor): Scope<C, R, F, L, P>;
  /**
   * Resolves once the instance can serve: the feature catalog is in storage
   * (with entitlements). Optional (everything that needs it does it lazily),
   * but call it at start-up to fail early.
   */
  ready(): Promise<void>;
  /**
   * Deletes stored features that are no longer in the catalog, children
   * first; ones still referenced (`in_use`) or with children (`has_children`)
   * are kept and reported. Without entitlements: `ConfigurationError`.
   */
  pruneFeatures(): Promise<readonly PrunedFeature[]>;
  /**
   * Drops cached memberships (and grants) of a tenant after a change made
   * outside tenantry (a direct SQL import), here and, with a bus, on other
   * instances.
   */
  invalidate(input: InvalidateInput): void;
  /**
   * One transaction shared with the host: tenantry writes made through the
   * scopes of `t` and the host's own writes through `db` commit together
   * when `work` resolves, and roll back together when it throws. `db` is the
   * host's Kysely instance bound to the transaction's connection (its
   * plugins included) with `kyselyStore`, and `undefined` with the memory
   * store (nothing of the host's can join it there). Each tenantry call in
   * `work` stays all or nothing on its own (a savepoint), so catching its
   * error leaves the transaction usable. Use `t`, not the instance, inside
   * `work`: the instance's own calls wait for the transaction (memory,
   * SQLite) or run outside it. Stores without support throw
   * `ConfigurationError`.
   */
  transaction<T>(work: (t: TransactionScopes<C, R, F, L, P>, db: unknown) => Promise<T>): Promise<T>;
  /**
   * Graceful shutdown: stops serving from quota leases and returns each
   * one's unused units to the store, waits for the after-commit effects
   * still running (alert and denial hooks, invalidations) for at most
   * `closeTimeoutMs` (default 5 seconds), then unsubscribes from the
   * invalidation bus, which closes the bus's connection once no instance
   * uses it, and resolves when it has. Call it from the host's shutdown
   * hook (`SIGTERM`, `server.close`) before closing the database pool or
   * Redis client the store and the bus use. Consumptions after it go to the
   * store directly.
   */
  close(): Promise<void>;
}

/** The scopes `tenantry.transaction()` hands its work: like the instance's, bound to the transaction. */
export interface TransactionScopes<C extends string, R extends string, F extends string, L extends F, P extends string> {
  forRequest(actor: RequestActor): Scope<C, R, F, L, P>;
  as(actor: SystemActor): Scope<C, R, F, L, P>;
}

const defaultOnError: ErrorHook = (error, context) => {
  console.error(`tenantry: ${context.source} failed`, error);
};

/**
 * Creates a tenantry instance: the one entry point of the library.
 *
 * Options are validated once, strictly (an unknown or wrong option throws
 * `ConfigurationError` naming it), and the instance is immutable.
 *
 * @example
 * ```ts
 * const tenantry = createTenantry({ store: memoryStore(), capabilities, roles });
 * const scope = tenantry.forRequest({ userId: 'ada' });
 * const { tenant } = await scope.tenants.create();
 * await scope.authorize(tenant.id, 'membership.manage');
 * ```
 */
export function createTenantry<C extends string, R extends string, F extends string = never, L extends F = never, P extends string = never>(
  options: TenantryOptions<C, R, F, L, P>,
): Tenantry<C, R, F, L, P> {
  parseConfig(tenantryOptionsSchema, options, 'createTenantry() options');
  const { capabilities, roles, store } = options;
  if (roles.capabilities !== capabilities) throw new ConfigurationError('roles must be defined over the same capability registry passed as capabilities.');
  for (const option of ['manageMembers', 'readAudit', 'manageTenant', 'deleteTenant', 'manageRoles'] as const) {
    const capability: string | undefined = options[option];
    if (capability !== undefined && !capabilities.has(capability))
      throw new ConfigurationError(`Invalid createTenantry() options: ${option}: "${capability}" is not a declared capability.`);
  }
  const requestedPreviousOwnerRole: string | undefined = options.previousOwnerRole;
  if (requestedPreviousOwnerRole !== undefined && !roles.has(requestedPreviousOwnerRole)) {
    throw new ConfigurationError(`Invalid createTenantry() options: previousOwnerRole: "${requestedPreviousOwnerRole}" is not a declared role.`);
  }
  const previousOwnerRole = options.previousOwnerRole ?? roles.roleNames().find((role) => !roles.isOwner(role)) ?? roles.ownerRole;

  const now = options.now ?? (() => new Date());
  const generateId = options.generateId ?? (() => globalThis.crypto.randomUUID());
  const effects = new Effects(options.onError ?? defaultOnError);
  const tenantIds = new TenantIdRule(options.tenantIds?.pattern ?? UUID_PATTERN);
  const eventIds = timeOrderedIdGenerator(() => now().getTime());
  const webhooks =
    options.webhooks === undefined
      ? undefined
      : webhookServices(options.webhooks, { store, tenantIds, now, generateId, eventIds, effects, sharedKeys: options.twoFactor?.keys });
  // Membership and provisioning changes already audit inside their transaction: the outbox derives their events there.
  const auditor = new Auditor(
    timeOrderedIdGenerator(() => now().getTime()),
    now,
    webhooks === undefined ? undefined : (tx, entry) => webhooks.outbox.fromAudit(tx, entry),
  );
  const invalidation = cacheInvalidation(options, effects);

  const entitlements =
    options.entitlements === undefined
      ? undefined
      : entitlementServices(options.entitlements, { store, tenantIds, auditor, now, generateId, effects, invalidation, outbox: webhooks?.outbox });
  const users = options.users === undefined ? undefined : new UserDirectory(options.users);
  const seats = entitlements?.seats;
  const tenants = new TenantService({
    store,
    roles,
    tenantIds,
    auditor,
    now,
    generateId,
    manageCapability: options.manageTenant,
    deleteCapability: options.deleteTenant,
    onTenantChanged: (tenantId) => {
      invalidation.membershipChanged(tenantId);
      invalidation.grantsChanged(tenantId);
    },
    users,
    foundingSeat: seats === undefined ? undefined : (tx, tenantId) => seats.takeFounding(tx, tenantId),
    prepareSeats: seats === undefined ? undefined : () => seats.prepare(),
    onMembershipChanged: invalidation.membershipChanged,
  });
  const memberships = new MembershipService<C, R>({
    store,
    roles,
    tenantIds,
    manageCapability: options.manageMembers,
    previousOwnerRole,
    seats: entitlements?.seats,
    users,
    auditor,
    now,
    generateId,
    onMembershipChanged: invalidation.membershipChanged,
  });
  const compiled = compileRoles(roles);
  const tenantRoles = new RoleService<C>({
    store,
    roles,
    tenantIds,
    manageCapability: options.manageRoles,
    auditor,
    now,
    // Any member may hold the role: the whole tenant's cached access goes, as for a tenant-wide membership change.
    onRolesChanged: (tenantId) => {
      invalidation.membershipChanged(tenantId);
    },
  });
  const limiter = new RateLimiter(store, now);
  const invitations = invitationServices<C, R>(options, {
    store,
    roles,
    tenantIds,
    seats: entitlements?.seats,
    auditor,
    limiter,
    now,
    generateId,
    onMembershipChanged: invalidation.membershipChanged,
    onDenied: options.onDenied,
    effects,
  });
  const services: InstanceServices<C, R, F, L, P> = Object.freeze({
    access: Object.freeze({
      rules: Object.freeze({
        compiled,
        onDenied: options.onDenied,
        formatDisabledReason: options.formatDisabledReason,
        effects,
        stepUp: capabilityMask(compiled, options.twoFactor?.stepUp?.capabilities ?? []),
      }),
      isValidTenantId: tenantIds.isValid,
      // Archived tenants: no member can act, so the lookup finds no membership.
      findMembership: async (tenantId: string, userId: string) => {
        const row = await store.findActiveMembership(tenantId, userId);
        if (row === undefined) return undefined;
        const mask = await tenantRoleMask(compiled, store, tenantId, row.role);
        return mask === undefined ? { role: row.role } : { role: row.role, mask };
      },
      cache: invalidation.memberships,
      tenantExists: async (tenantId: string) => (await store.findTenant(tenantId)) !== undefined,
    }),
    tenantIds,
    listActiveMemberships: (userId: string) => store.listActiveMembershipsOfUser(userId),
    tenants,
    memberships,
    memberQueries: new MemberQueries({ store, tenantIds }),
    auditQueries: new AuditQueries<C>({ store, roles, tenantIds, readCapability: options.readAudit }),
    entitlements: entitlements?.services,
    webhooks,
    invitations,
    // Late-bound: the transaction is the instance's own, built below.
    createFromTemplate: templateCreator(options.templates, { roles, packages: options.entitlements?.packages }, (work) => instance.transaction(work)),
    tenantRoles,
  });

  const twoFactor = twoFactorServices(options.twoFactor, { store, limiter, capabilities, now, effects });

  const instance: Tenantry<C, R, F, L, P> = Object.freeze({
    capabilities,
    roles,
    packages: options.entitlements?.packages,
    limiter,
    get twoFactor(): TwoFactorService {
      return twoFactor.service ?? missingTwoFactor();
    },
    forRequest(actor: RequestActor): Scope<C, R, F, L, P> {
      const userId = (actor as RequestActor | undefined)?.userId;
      // The plain predicate first: zod only runs (to build the error) for a bad id.
      if (!isUserId(userId)) parseInput(actorSchema, { type: 'user', userId }, 'request actor');
      const secondFactorAt = actor.secondFactorAt;
      if (secondFactorAt !== undefined && !(secondFactorAt instanceof Date && Number.isFinite(secondFactorAt.getTime()))) {
        parseInput(secondFactorAtSchema, secondFactorAt, 'request actor secondFactorAt');
      }
      return new Scope({ type: 'user', userId: userId as string }, services, twoFactor.stepUp?.forRequest(secondFactorAt));
    },
    as(actor: SystemActor): Scope<C, R, F, L, P> {
      return new Scope(parseInput(systemActorSchema, actor, 'system actor'), services);
    },
    webhooks: Object.freeze({
      startDeliveryWorker: (workerOptions?: DeliveryWorkerOptions) => (webhooks ?? missingWebhooks()).deliverer.start(workerOptions),
      deliverDue: (input?: { readonly limit?: number }) => (webhooks ?? missingWebhooks()).deliverer.deliverDue(input?.limit ?? 10),
      prune: (input: { readonly before: Date }) => store.pruneWebhookDeliveries(input.before),
    }),
    ready: () => entitlements?.catalog.ensure() ?? Promise.resolve(),
    pruneFeatures: () => (entitlements ?? missingEntitlements()).catalog.prune(),
    invalidate(input: InvalidateInput) {
      const tenantId = tenantIds.require(input.tenantId);
      invalidation.membershipChanged(tenantId, input.userId);
      if (input.userId === undefined) invalidation.grantsChanged(tenantId);
    },
    transaction<T>(work: (t: TransactionScopes<C, R, F, L, P>, db: unknown) => Promise<T>): Promise<T> {
      const { hostTransaction } = store;
      if (hostTransaction === undefined) throw new ConfigurationError(`The ${store.name} store does not support tenantry.transaction().`);
      // The bound instance has no caches of its own; what it invalidates is
      // relayed to this instance (its caches and its bus) at once, and again
      // after the commit, so nothing read in between stays cached.
      const changed: InvalidationMessage[] = [];
      const relay = (message: InvalidationMessage) => {
        if (message.topic === 'grants') invalidation.grantsChanged(message.tenantId);
        else invalidation.membershipChanged(message.tenantId, message.userId);
      };
      const bus = {
        publish: (message: InvalidationMessage) => {
          changed.push(message);
          relay(message);
        },
        subscribe: () => () => undefined,
      };
      const result = hostTransaction(async (inner, db) => {
        // No leasing inside a transaction: a lease outlives it, and its units are the instance's, not the transaction's.
        const entitlementOptions = options.entitlements === undefined ? {} : { entitlements: withoutLeases(options.entitlements) };
        const bound = createTenantry<C, R, F, L, P>({ ...options, ...entitlementOptions, store: inner, cache: { bus } });
        return work(Object.freeze({ forRequest: (actor: RequestActor) => bound.forRequest(actor), as: (actor: SystemActor) => bound.as(actor) }), db);
      });
      return result.then((value) => {
        changed.forEach(relay);
        return value;
      });
    },
    close: async () => {
      // Leases first (their units are needed elsewhere at once), then the
      // effects still running (which may publish on the bus), then the bus.
      await entitlements?.leases?.close();
      await effects.drain(options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      await invalidation.close();
    },
  });
  return instance;
}

/** `options` without quota leasing. */
function withoutLeases<T extends { readonly leases?: unknown }>(options: T): Omit<T, 'leases'> {
  const copy: { -readonly [K in keyof T]: T[K] } = { ...options };
  delete copy.leases;
  return copy;
}

function missingWebhooks(): never {
  throw new ConfigurationError('Webhooks are not configured: pass createTenantry({ webhooks: { manage, keyring, transport } }).');
}

/** Instance-level webhook operations (the host runs the worker). */
export interface TenantryWebhooks {
  /** Starts a delivery worker polling the outbox: `concurrency` deliveries at once, `pollMs` between empty polls. */
  startDeliveryWorker(options?: DeliveryWorkerOptions): DeliveryWorker;
  /** One pass: claims up to `limit` (default 10) due deliveries and sends them; resolves how many were claimed. */
  deliverDue(input?: { readonly limit?: number }): Promise<number>;
  /** Retention: deletes finished deliveries (and their log) last updated before `before`; resolves how many. */
  prune(input: { readonly before: Date }): Promise<number>;
}

function missingEntitlements(): never {
  throw new ConfigurationError('Entitlements are not configured: pass createTenantry({ entitlements: { packages } }).');
}

/** The instance's caches and their invalidation, local and over the bus. */
function cacheInvalidation(options: TenantryOptions<string, string, string, string, string>, effects: Effects) {
  // The cache holds resolved per-tenant access objects, so a hit answers checks synchronously.
  const memberships = options.cache?.memberships ? new MembershipCache<TenantAccess>(options.cache.memberships) : undefined;
  const grants = options.cache?.grants ? new GrantsCache(options.cache.grants) : undefined;
  const bus = options.cache?.bus;
  const dropLocal = (message: InvalidationMessage) => {
    if (message.topic === 'grants') grants?.invalidate(message.tenantId);
    else memberships?.invalidate(message.tenantId, message.userId);
  };
  // Fail safe: while the bus is down, messages may be lost, so nothing is
  // served from the caches; they start empty once it is up again.
  const onStatus: InvalidationBusStatusListener = (status, error) => {
    if (status === 'down') {
      memberships?.suspend();
      grants?.suspend();
      if (error !== undefined) effects.report('bus.connection', error);
    } else {
      memberships?.resume();
      grants?.resume();
    }
  };
  const unsubscribe = bus?.subscribe((message) => {
    effects.run('cache.invalidate', () => {
      dropLocal(message);
    });
  }, onStatus);
  const publish = (message: InvalidationMessage) => {
    effects.run('cache.invalidate', () => {
      dropLocal(message);
    });
    if (bus !== undefined) effects.run('bus.publish', () => bus.publish(message));
  };
  return {
    grants,
    memberships,
    membershipChanged: (tenantId: string, userId?: string): void => {
      publish(userId === undefined ? { topic: 'membership', tenantId } : { topic: 'membership', tenantId, userId });
    },
    grantsChanged: (tenantId: string): void => {
      publish({ topic: 'grants', tenantId });
    },
    close: async (): Promise<void> => {
      await unsubscribe?.();
    },
  };
}

/** What the entitlement services share with the rest of the instance. */
interface EntitlementWiring {
  readonly store: Store;
  readonly tenantIds: TenantIdRule;
  readonly auditor: Auditor;
  readonly now: () => Date;
  readonly generateId: () => string;
  readonly effects: Effects;
  readonly invalidation: ReturnType<typeof cacheInvalidation>;
  readonly outbox: WebhookOutbox | undefined;
}

function entitlementServices<F extends string, L extends F, P extends string>(
  options: NonNullable<TenantryOptions<string, string, F, L, P>['entitlements']>,
  wiring: EntitlementWiring,
): { services: EntitlementServices<F, L, P>; catalog: CatalogSync; seats: ReturnType<typeof seatPolicy> | undefined; leases: QuotaLeases | undefined } {
  const { packages } = options;
  const { store, tenantIds, now } = wiring;
  const catalog = new CatalogSync(store, packages.features);
  const reader = new EntitlementReader<F, L, P>({ packages, now, grantsCache: wiring.invalidation.grants });
  const alerts = new UsageAlerts({ now, onAlert: options.onAlert, effects: wiring.effects, outbox: wiring.outbox });
  const leases = quotaLeases(options, wiring);
  const consumption = new ConsumptionService<F, L, P>({
    store,
    tenantIds,
    reader,
    alerts,
    ensureCatalog: () => catalog.ensure(),
    idempotencyTtlMs: options.idempotency?.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
    ...(leases === undefined ? {} : { leases }),
  });
  const release = new GaugeRelease<F, L, P>({ store, tenantIds, reader });
  const provisioning = new ProvisioningService<F, L, P>({
    store,
    packages,
    tenantIds,
    catalog,
    now,
    generateId: wiring.generateId,
    auditor: wiring.auditor,
    onGrantsChanged: wiring.invalidation.grantsChanged,
  });
  let seats: ReturnType<typeof seatPolicy> | undefined;
  if (options.seats !== undefined) {
    const seatOptions = typeof options.seats === 'string' ? { feature: options.seats } : options.seats;
    const seatFeature: string = seatOptions.feature;
    const spec = packages.features.has(seatFeature) ? packages.features.get(seatFeature) : undefined;
    if (spec?.kind !== 'limit' || spec.reset !== 'none') {
      throw new ConfigurationError(
        `Invalid createTenantry() options: entitlements.seats: "${seatFeature}" must be a declared gauge feature (kind 'limit', reset 'none').`,
      );
    }
    seats = seatPolicy({ feature: seatFeature as L, countFoundingOwner: seatOptions.countFoundingOwner ?? true, catalog, consumption, release, reader });
  }
  const services: EntitlementServices<F, L, P> = Object.freeze({
    reads: new UsageReads<F, L, P>({ store, tenantIds, packages, reader, leasing: leases !== undefined }),
    consumption,
    release,
    provisioning,
    responses: new ResponseReplays({ store, tenantIds, now }),
  });
  return { services, catalog, seats, leases };
}

/** The instance's quota leasing, when some feature opted in; throws `ConfigurationError` for a feature that is not a resetting limit. */
function quotaLeases<F extends string, L extends F, P extends string>(
  options: NonNullable<TenantryOptions<string, string, F, L, P>['entitlements']>,
  wiring: EntitlementWiring,
): QuotaLeases | undefined {
  const entries = Object.entries<LeaseOptions | undefined>(options.leases ?? {});
  const policies = new Map<string, LeasePolicy>();
  for (const [feature, lease] of entries) {
    if (lease === undefined) continue;
    const spec = options.packages.features.has(feature) ? options.packages.features.get(feature) : undefined;
    // A gauge gives units back (seats): a lease would hide that from other instances for its whole hold.
    if (spec?.kind !== 'limit' || spec.reset === 'none') {
      throw new ConfigurationError(
        `Invalid createTenantry() options: entitlements.leases: "${feature}" must be a declared limit feature that resets (not a gauge).`,
      );
    }
    const checkpointMs = lease.checkpointMs ?? Math.max(10, Math.min(1000, Math.floor(lease.maxHoldMs / 4)));
    policies.set(feature, Object.freeze({ size: lease.size, maxHoldMs: lease.maxHoldMs, checkpointMs }));
  }
  if (policies.size === 0) return undefined;
  return new QuotaLeases({
    store: wiring.store,
    policies,
    holderId: wiring.generateId(),
    now: wiring.now,
    generateId: wiring.generateId,
    effects: wiring.effects,
  });
}
