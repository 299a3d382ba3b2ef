import { actorSchema, type SystemActor, systemActorSchema } from '../core/actors/actor.js';
import type { CapabilityRegistry } from '../core/capabilities/define-capabilities.js';
import type { PackageCatalog } from '../core/entitlements/define-packages.js';
import { ConfigurationError } from '../core/errors/index.js';
import type { ErrorHook } from '../core/hooks/error-hook.js';
import { isUserId, UUID_PATTERN } from '../core/ids/identifiers.js';
import type { RoleMap } from '../core/roles/define-roles.js';
import { parseConfig, parseInput } from '../core/validation/parse-input.js';
import { AuditQueries } from '../services/audit/audit-queries.js';
import { Auditor } from '../services/audit/auditor.js';
import { timeOrderedIdGenerator } from '../services/audit/time-ordered-id.js';
import type { InvalidationMessage } from '../services/authz/invalidation-bus.js';
import { MembershipCache } from '../services/authz/membership-cache.js';
import { Effects } from '../services/effects/effects.js';
import { CatalogSync, type PrunedFeature } from '../services/entitlements/catalog-sync.js';
import { ConsumptionService } from '../services/entitlements/consumption.js';
import { GaugeRelease } from '../services/entitlements/gauge-release.js';
import { GrantsCache } from '../services/entitlements/grants-cache.js';
import { ProvisioningService } from '../services/entitlements/provisioning-service.js';
import { seatPolicy } from '../services/entitlements/seats.js';
import { EntitlementReader } from '../services/entitlements/tenant-entitlements.js';
import { UsageAlerts } from '../services/entitlements/usage-alerts.js';
import { UsageReads } from '../services/entitlements/usage-reads.js';
import { MemberQueries } from '../services/membership/member-queries.js';
import { MembershipService } from '../services/membership/membership-service.js';
import { RateLimiter } from '../services/rate-limits/rate-limiter.js';
import { TenantIdRule } from '../services/shared/tenant-id-rule.js';
import { TenantService } from '../services/tenants/tenant-service.js';
import { invitationServices } from './invitation-wiring.js';
import type { Store } from '../store/index.js';
import type { EntitlementServices, InstanceServices } from './instance-services.js';
import { Scope } from './scope.js';
import { tenantryOptionsSchema, type TenantryOptions } from './tenantry-options.js';

/** The actor of a user request scope. */
export interface RequestActor {
  /** The signed-in user's id, as your authentication layer knows it. */
  readonly userId: string;
}

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
  /** Unsubscribes from the invalidation bus. Call on shutdown. */
  close(): Promise<void>;
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
  for (const option of ['manageMembers', 'readAudit'] as const) {
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
  const auditor = new Auditor(
    timeOrderedIdGenerator(() => now().getTime()),
    now,
  );
  const invalidation = cacheInvalidation(options, effects);

  const tenants = new TenantService({ store, roles, tenantIds, auditor, now, generateId, onMembershipChanged: invalidation.membershipChanged });
  const entitlements =
    options.entitlements === undefined
      ? undefined
      : entitlementServices(options.entitlements, { store, tenantIds, auditor, now, generateId, effects, invalidation });
  const memberships = new MembershipService<C, R>({
    store,
    roles,
    tenantIds,
    manageCapability: options.manageMembers,
    previousOwnerRole,
    seats: entitlements?.seats,
    auditor,
    now,
    generateId,
    onMembershipChanged: invalidation.membershipChanged,
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
  });
  const services: InstanceServices<C, R, F, L, P> = Object.freeze({
    access: Object.freeze({
      roles,
      isValidTenantId: tenantIds.isValid,
      loadMembership: invalidation.loadMembership(store),
      tenantExists: async (tenantId: string) => (await store.findTenant(tenantId)) !== undefined,
      onDenied: options.onDenied,
      formatDisabledReason: options.formatDisabledReason,
      effects,
    }),
    tenantIds,
    listMemberships: (userId: string) => store.listMembershipsOfUser(userId),
    tenants,
    memberships,
    memberQueries: new MemberQueries({ store, tenantIds }),
    auditQueries: new AuditQueries<C>({ store, roles, tenantIds, readCapability: options.readAudit }),
    entitlements: entitlements?.services,
    invitations,
  });

  return Object.freeze({
    capabilities,
    roles,
    packages: options.entitlements?.packages,
    limiter,
    forRequest(actor: RequestActor): Scope<C, R, F, L, P> {
      const userId = (actor as RequestActor | undefined)?.userId;
      // The plain predicate first: zod only runs (to build the error) for a bad id.
      if (!isUserId(userId)) parseInput(actorSchema, { type: 'user', userId }, 'request actor');
      return new Scope({ type: 'user', userId: userId as string }, services);
    },
    as(actor: SystemActor): Scope<C, R, F, L, P> {
      return new Scope(parseInput(systemActorSchema, actor, 'system actor'), services);
    },
    ready: () => entitlements?.catalog.ensure() ?? Promise.resolve(),
    pruneFeatures: () => (entitlements ?? missingEntitlements()).catalog.prune(),
    invalidate(input: InvalidateInput) {
      const tenantId = tenantIds.require(input.tenantId);
      invalidation.membershipChanged(tenantId, input.userId);
      if (input.userId === undefined) invalidation.grantsChanged(tenantId);
    },
    close: () => {
      invalidation.close();
      return Promise.resolve();
    },
  });
}

function missingEntitlements(): never {
  throw new ConfigurationError('Entitlements are not configured: pass createTenantry({ entitlements: { packages } }).');
}

/** The instance's caches and their invalidation, local and over the bus. */
function cacheInvalidation(options: TenantryOptions<string, string, string, string, string>, effects: Effects) {
  const memberships = options.cache?.memberships ? new MembershipCache(options.cache.memberships) : undefined;
  const grants = options.cache?.grants ? new GrantsCache(options.cache.grants) : undefined;
  const bus = options.cache?.bus;
  const dropLocal = (message: InvalidationMessage) => {
    if (message.topic === 'grants') grants?.invalidate(message.tenantId);
    else memberships?.invalidate(message.tenantId, message.userId);
  };
  const unsubscribe = bus?.subscribe(dropLocal);
  const publish = (message: InvalidationMessage) => {
    effects.run('cache.invalidate', () => {
      dropLocal(message);
    });
    if (bus !== undefined) effects.run('bus.publish', () => bus.publish(message));
  };
  return {
    grants,
    loadMembership: (store: Store) => {
      const fromStore = async (tenantId: string, userId: string) => {
        const row = await store.findMembership(tenantId, userId);
        return row === undefined ? undefined : Object.freeze({ role: row.role });
      };
      return memberships === undefined
        ? fromStore
        : (tenantId: string, userId: string) => memberships.lookup(tenantId, userId, () => fromStore(tenantId, userId));
    },
    membershipChanged: (tenantId: string, userId?: string): void => {
      publish(userId === undefined ? { topic: 'membership', tenantId } : { topic: 'membership', tenantId, userId });
    },
    grantsChanged: (tenantId: string): void => {
      publish({ topic: 'grants', tenantId });
    },
    close: (): void => {
      unsubscribe?.();
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
}

function entitlementServices<F extends string, L extends F, P extends string>(
  options: NonNullable<TenantryOptions<string, string, F, L, P>['entitlements']>,
  wiring: EntitlementWiring,
): { services: EntitlementServices<F, L, P>; catalog: CatalogSync; seats: ReturnType<typeof seatPolicy> | undefined } {
  const { packages } = options;
  const { store, tenantIds, now } = wiring;
  const catalog = new CatalogSync(store, packages.features);
  const reader = new EntitlementReader<F, L, P>({ packages, now, grantsCache: wiring.invalidation.grants });
  const alerts = new UsageAlerts({ now, onAlert: options.onAlert, effects: wiring.effects });
  const consumption = new ConsumptionService<F, L, P>({ store, tenantIds, reader, alerts, ensureCatalog: () => catalog.ensure() });
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
    const seatFeature: string = options.seats;
    const spec = packages.features.has(seatFeature) ? packages.features.get(seatFeature) : undefined;
    if (spec?.kind !== 'limit' || spec.reset !== 'none') {
      throw new ConfigurationError(
        `Invalid createTenantry() options: entitlements.seats: "${seatFeature}" must be a declared gauge feature (kind 'limit', reset 'none').`,
      );
    }
    seats = seatPolicy(seatFeature as L, catalog, consumption, release);
  }
  const services: EntitlementServices<F, L, P> = Object.freeze({
    reads: new UsageReads<F, L, P>({ store, tenantIds, packages, reader }),
    consumption,
    release,
    provisioning,
  });
  return { services, catalog, seats };
}
