import { z } from 'zod';
import type { CapabilityRegistry } from '../core/capabilities/define-capabilities.js';
import type { DisabledReasonFormatter } from '../core/decisions/action-state.js';
import type { PackageCatalog } from '../core/entitlements/define-packages.js';
import type { ErrorHook } from '../core/hooks/error-hook.js';
import type { RoleMap } from '../core/roles/define-roles.js';
import type { DenialHook } from '../services/authz/denial-event.js';
import type { InvalidationBus } from '../services/authz/invalidation-bus.js';
import type { UsageAlertHook } from '../services/entitlements/entitlement-types.js';
import { twoFactorOptionsSchema, type TwoFactorOptions } from '../services/two-factor/two-factor-options.js';
import { invitationOptionsSchema, type InvitationOptions } from '../services/invitations/invitation-options.js';
import { isStore } from '../store/define-store.js';
import { webhooksOptionsSchema, type WebhooksOptions } from './webhooks-wiring.js';
import type { UsersPort } from '../services/shared/user-directory.js';
import type { Store } from '../store/index.js';
import type { TenantTemplates } from '../core/templates/define-templates.js';

/** Size and lifetime of a cross-request cache. */
export interface CacheOptions {
  /**
   * Most entries kept, 1 to 10,000,000. When full, the least recently used
   * entries go first (for the membership cache: the oldest entry not read
   * since it was last passed over, the CLOCK approximation).
   */
  readonly max: number;
  /** How long an entry may be served, in milliseconds: bounds staleness for changes made by other instances without a bus. */
  readonly ttlMs: number;
}

/** The long form of `entitlements.seats`. */
export interface SeatOptions<L extends string> {
  /** The gauge feature that counts members. */
  readonly feature: L;
  /** Whether the founding owner takes a seat when the tenant is created. Default is `true`. */
  readonly countFoundingOwner?: boolean;
}

/**
 * Quota leasing of one limit feature (see docs/scaling.md, "Hot counters"):
 * the instance takes `size` units at a time from every level's counter and
 * serves consumptions from them in memory.
 */
export interface LeaseOptions {
  /** Units per lease (1 to 1,000,000); a larger consumption takes a lease of its own amount. */
  readonly size: number;
  /** How long a lease row lives (100 ms to 1 hour); the holder serves from it for half that time, and any instance reclaims it afterwards. */
  readonly maxHoldMs: number;
  /** How often the holder records its consumed count (at least 10 ms, at most a quarter of `maxHoldMs`, which is the default, capped at 1 second). */
  readonly checkpointMs?: number;
}

/** Options of the entitlements module. */
export interface EntitlementsOptions<F extends string, L extends F, P extends string> {
  /** The package catalog from `definePackages` (which carries the feature catalog). */
  readonly packages: PackageCatalog<F, L, P>;
  /**
   * A gauge feature (`reset: 'none'`) that counts members: adding a member
   * takes a seat, removing one gives it back, in the membership change's own
   * transaction. The founding owner takes a seat too, when the tenant is
   * created (`{ feature, countFoundingOwner: false }` to exempt them, as
   * before 0.2). Default: no seat accounting.
   */
  readonly seats?: NoInfer<L> | SeatOptions<NoInfer<L>>;
  /** Receives each usage alert once per feature, threshold and window, after the consumption committed. */
  readonly onAlert?: UsageAlertHook;
  /** Idempotency records of consumptions. */
  readonly idempotency?: {
    /**
     * How long a record counts, in milliseconds (1 second to 366 days); after
     * that its key is free again and `store.prune()` may delete it. Default
     * 24 hours (`DEFAULT_IDEMPOTENCY_TTL_MS`).
     */
    readonly ttlMs?: number;
  };
  /**
   * Exact quota leasing, per limit feature (not gauges): `{ 'api.calls': {
   * size: 100, maxHoldMs: 10_000 } }`. Consumptions with an idempotency key
   * bypass the lease. Default: no leasing. Call `tenantry.close()` at
   * shutdown to return the unused units at once.
   */
  readonly leases?: Partial<Readonly<Record<NoInfer<L>, LeaseOptions>>>;
}

/** Options of the instance's caches. Default: no cross-request caching. */
export interface TenantryCacheOptions {
  /**
   * Cross-request membership cache. Changes made through this instance
   * invalidate it at once (and, with `bus`, on other instances); the TTL
   * bounds staleness for changes made elsewhere. Default is off.
   */
  readonly memberships?: CacheOptions | false;
  /**
   * Cache of each tenant's grants between consumptions, saving a read per
   * consume. Provisioning through this instance invalidates at once (and,
   * with `bus`, on other instances). Default is off.
   */
  readonly grants?: CacheOptions | false;
  /** Propagates invalidations between instances. */
  readonly bus?: InvalidationBus;
}

/** Options of the tenant-id rule. */
export interface TenantIdOptions {
  /**
   * Accepted tenant-id format, checked (after the identifier rule and the
   * 64-character bound) before any storage access. Default is a canonical
   * lower-case UUID.
   */
  readonly pattern?: RegExp;
}

/** Options of {@link createTenantry}. */
export interface TenantryOptions<C extends string, R extends string, F extends string = never, L extends F = never, P extends string = never> {
  /** Where everything lives: `memoryStore()`, `kyselyStore(db)`, or `defineStore(yourAdapter)`. */
  readonly store: Store;
  /** The capability registry from `defineCapabilities`. */
  readonly capabilities: CapabilityRegistry<C>;
  /** The role map from `defineRoles`, defined over the same registry. */
  readonly roles: RoleMap<C, R>;
  /** The entitlements module (features, packages, seats, alerts). Default: none. */
  readonly entitlements?: EntitlementsOptions<F, L, P>;
  /** The tenant-id rule. */
  readonly tenantIds?: TenantIdOptions;
  /** Invitations: expiry, verifier pepper, attempt and resend limits, bulk cap. Default: see `InvitationOptions`. */
  readonly invitations?: InvitationOptions;
  /** Cross-request caches and the invalidation bus. */
  readonly cache?: TenantryCacheOptions;
  /**
   * Tenant templates from `defineTemplates()`, for `tenants.create({ template })`. Checked against
   * the role map and the package catalog at start-up. Needs a store with `tenantry.transaction()` support.
   */
  readonly templates?: TenantTemplates;
  /** Capability that lets a member manage memberships. Default: only members holding the owner role may. */
  readonly manageMembers?: NoInfer<C>;
  /**
   * Capability that lets a member define, change and delete the tenant's own
   * roles (`scope.roles`), within their own capabilities. Default: only
   * members holding the owner role may.
   */
  readonly manageRoles?: NoInfer<C>;
  /** Capability that lets a member change the tenant's name, slug and metadata. Default: only members holding the owner role may. */
  readonly manageTenant?: NoInfer<C>;
  /**
   * Capability that lets an owner delete the tenant (they must hold the
   * owner role and this capability). Default: only a system actor may delete.
   */
  readonly deleteTenant?: NoInfer<C>;
  /**
   * The host's user directory. When given, `members.add` (and tenant
   * creation, for the owner) asks it, batched and before the write, whether
   * the users exist; an unknown one is `NotFoundError` with entity `user`.
   * Default: any well-formed user id is accepted (tenantry never creates
   * users; the host vouches for its ids).
   */
  readonly users?: UsersPort;
  /** Capability needed to read the audit log. Default: only members holding the owner role may. */
  readonly readAudit?: NoInfer<C>;
  /** The role a previous owner keeps after transferring ownership (overridable per call). Default is the first declared role that is not the owner role. */
  readonly previousOwnerRole?: NoInfer<R>;
  /** Receives a structured event for every denied check. */
  readonly onDenied?: DenialHook;
  /**
   * Receives failures that must not change an outcome: a host hook that
   * throws (`onDenied`, `onAlert`, `formatDisabledReason`) and side effects
   * after a commit (cache invalidation, the bus). Default reports with
   * `console.error`.
   */
  readonly onError?: ErrorHook;
  /** Tooltip text for visible-but-disabled actions. Default names the role and the capability. */
  readonly formatDisabledReason?: DisabledReasonFormatter;
  /** Two-factor (TOTP, recovery codes) and step-up for sensitive capabilities; see `docs/two-factor.md`. Default: none. */
  readonly twoFactor?: TwoFactorOptions<NoInfer<C>>;
  /** Clock, for tests. Default is `() => new Date()`. */
  readonly now?: () => Date;
  /** Id generator for tenants, memberships, assignments and boosts, for tests. Default is `crypto.randomUUID()`. */
  readonly generateId?: () => string;
  /** Webhooks: endpoints per tenant, the transactional outbox, signed delivery. See `docs/webhooks.md`. Default is none. */
  readonly webhooks?: WebhooksOptions<NoInfer<C>>;
  /** How long `tenantry.close()` waits for after-commit effects still running, in milliseconds (0 to 60,000). Default 5,000. */
  readonly closeTimeoutMs?: number;
}

/** Default of {@link TenantryOptions.closeTimeoutMs}. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

const isFunction = (value: unknown): boolean => typeof value === 'function';
const fn = (what: string) => z.custom(isFunction, { message: `expected ${what}` });
const cacheSchema = z.union([z.literal(false), z.object({ max: z.number().int().min(1).max(10_000_000), ttlMs: z.number().int().min(1) }).strict()]);

/** The strict shape of {@link TenantryOptions}: an unknown or wrong option is a `ConfigurationError` naming it. */
export const tenantryOptionsSchema = z
  .object({
    store: z.custom(isStore, { message: 'expected a Store: memoryStore(), kyselyStore(db), or defineStore(adapter) around your own StoreAdapter' }),
    capabilities: z.custom((value) => typeof (value as CapabilityRegistry | null)?.has === 'function', {
      message: 'expected the result of defineCapabilities()',
    }),
    roles: z.custom((value) => typeof (value as RoleMap | null)?.grants === 'function', { message: 'expected the result of defineRoles()' }),
    entitlements: z
      .object({
        packages: z.custom((value) => typeof (value as PackageCatalog | null)?.assert === 'function', { message: 'expected the result of definePackages()' }),
        seats: z.union([z.string().min(1), z.object({ feature: z.string().min(1), countFoundingOwner: z.boolean().optional() }).strict()]).optional(),
        onAlert: fn('a function receiving usage alerts').optional(),
        idempotency: z
          .object({
            ttlMs: z
              .number()
              .int()
              .min(1000)
              .max(366 * 24 * 3600 * 1000)
              .optional(),
          })
          .strict()
          .optional(),
        leases: z
          .record(
            z.string(),
            z
              .object({
                size: z.number().int().min(1).max(1_000_000),
                maxHoldMs: z.number().int().min(100).max(3_600_000),
                checkpointMs: z.number().int().min(10).optional(),
              })
              .strict()
              .refine((lease) => lease.checkpointMs === undefined || lease.checkpointMs * 4 <= lease.maxHoldMs, {
                message: 'checkpointMs must be at most a quarter of maxHoldMs',
              }),
          )
          .optional(),
      })
      .strict()
      .optional(),
    tenantIds: z
      .object({ pattern: z.instanceof(RegExp).optional() })
      .strict()
      .optional(),
    invitations: invitationOptionsSchema.optional(),
    cache: z
      .object({
        memberships: cacheSchema.optional(),
        grants: cacheSchema.optional(),
        bus: z
          .custom((value) => typeof (value as InvalidationBus | null)?.subscribe === 'function' && typeof (value as InvalidationBus).publish === 'function', {
            message: 'expected an InvalidationBus (publish and subscribe)',
          })
          .optional(),
      })
      .strict()
      .optional(),
    manageMembers: z.string().optional(),
    manageRoles: z.string().optional(),
    readAudit: z.string().optional(),
    manageTenant: z.string().optional(),
    deleteTenant: z.string().optional(),
    users: z.custom((value) => typeof (value as UsersPort | null)?.exists === 'function', { message: 'expected a users port: { exists(userIds) }' }).optional(),
    previousOwnerRole: z.string().optional(),
    onDenied: fn('a function receiving denial events').optional(),
    onError: fn('a function receiving errors').optional(),
    formatDisabledReason: fn('a function returning the tooltip text').optional(),
    twoFactor: twoFactorOptionsSchema.optional(),
    now: fn('a function returning a Date').optional(),
    generateId: fn('a function returning a unique id').optional(),
    webhooks: webhooksOptionsSchema.optional(),
    templates: z
      .custom((value) => typeof (value as TenantTemplates | null)?.names === 'function', { message: 'expected the result of defineTemplates()' })
      .optional(),
    closeTimeoutMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();
