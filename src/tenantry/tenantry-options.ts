import { z } from 'zod';
import type { CapabilityRegistry } from '../core/capabilities/define-capabilities.js';
import type { DisabledReasonFormatter } from '../core/decisions/action-state.js';
import type { PackageCatalog } from '../core/entitlements/define-packages.js';
import type { ErrorHook } from '../core/hooks/error-hook.js';
import type { RoleMap } from '../core/roles/define-roles.js';
import type { DenialHook } from '../services/authz/denial-event.js';
import type { InvalidationBus } from '../services/authz/invalidation-bus.js';
import type { UsageAlertHook } from '../services/entitlements/entitlement-types.js';
import { invitationOptionsSchema, type InvitationOptions } from '../services/invitations/invitation-options.js';
import { isStore } from '../store/define-store.js';
import type { Store } from '../store/index.js';

/** Size and lifetime of a cross-request cache. */
export interface CacheOptions {
  /** Most entries kept; least recently used are evicted first. 1 to 10,000,000. */
  readonly max: number;
  /** How long an entry may be served, in milliseconds: bounds staleness for changes made by other instances without a bus. */
  readonly ttlMs: number;
}

/** Options of the entitlements module. */
export interface EntitlementsOptions<F extends string, L extends F, P extends string> {
  /** The package catalog from `definePackages` (which carries the feature catalog). */
  readonly packages: PackageCatalog<F, L, P>;
  /**
   * A gauge feature (`reset: 'none'`) that counts members: adding a member
   * takes a seat, removing one gives it back, in the membership change's own
   * transaction. Default: no seat accounting.
   */
  readonly seats?: NoInfer<L>;
  /** Receives each usage alert once per feature, threshold and window, after the consumption committed. */
  readonly onAlert?: UsageAlertHook;
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
  /** Capability that lets a member manage memberships. Default: only members holding the owner role may. */
  readonly manageMembers?: NoInfer<C>;
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
  /** Clock, for tests. Default is `() => new Date()`. */
  readonly now?: () => Date;
  /** Id generator for tenants, memberships, assignments and boosts, for tests. Default is `crypto.randomUUID()`. */
  readonly generateId?: () => string;
}

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
        seats: z.string().min(1).optional(),
        onAlert: fn('a function receiving usage alerts').optional(),
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
    readAudit: z.string().optional(),
    previousOwnerRole: z.string().optional(),
    onDenied: fn('a function receiving denial events').optional(),
    onError: fn('a function receiving errors').optional(),
    formatDisabledReason: fn('a function returning the tooltip text').optional(),
    now: fn('a function returning a Date').optional(),
    generateId: fn('a function returning a unique id').optional(),
  })
  .strict();
