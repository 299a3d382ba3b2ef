import { z } from 'zod';
import type { PackageCatalog } from '../../core/entitlements/define-packages.js';
import { UUID_PATTERN } from '../../core/ids/identifiers.js';
import { parseConfig } from '../../core/validation/parse-input.js';
import { Auditor } from '../audit/auditor.js';
import { timeOrderedIdGenerator } from '../audit/time-ordered-id.js';
import type { Store } from '../../store/store.js';
import { EntitlementService } from './entitlement-service.js';
import type { UsageAlertHook } from './entitlement-types.js';
import { GrantsCache, type GrantsCacheOptions } from './grants-cache.js';
import { ProvisioningService } from './provisioning-service.js';

/** Options of {@link createEntitlements}. */
export interface EntitlementsOptions<F extends string, L extends F, P extends string> {
  /** The package catalog from `definePackages` (which carries the feature catalog). */
  readonly packages: PackageCatalog<F, L, P>;
  /** The same store the tenantry instance uses. */
  readonly store: Store;
  /** Receives each usage alert once per feature, threshold and window. */
  readonly onAlert?: UsageAlertHook;
  /** Tenant-id format; must match the one given to `createTenantry`. Default is a canonical lower-case UUID. */
  readonly tenantIdPattern?: RegExp;
  /** Clock, for tests. Default is `() => new Date()`. */
  readonly now?: () => Date;
  /** Id generator for assignments and boosts. Default is `crypto.randomUUID()`. */
  readonly generateId?: () => string;
  /**
   * Cache each tenant's grants between consumptions, saving a read per
   * consume. Default is off. Provisioning through this instance invalidates
   * at once; `ttlMs` bounds how late other instances' provisioning is seen.
   */
  readonly grantsCache?: GrantsCacheOptions | false;
}

/** The entitlement API: checks and consumption, plus provisioning. */
export interface Entitlements<F extends string, L extends F, P extends string> {
  readonly packages: PackageCatalog<F, L, P>;
  /** Checks, consumption, release, usage and simulation. */
  readonly usage: EntitlementService<F, L, P>;
  /** Packages, boosts, namespace limits, alert history. */
  readonly provisioning: ProvisioningService<F, L, P>;
}

const optionsSchema = z.object({
  packages: z.custom<PackageCatalog>((value) => typeof (value as PackageCatalog | null)?.assert === 'function', {
    message: 'expected the result of definePackages()',
  }),
  store: z.custom<Store>((value) => typeof (value as Store | null)?.consume === 'function', {
    message: 'expected a Store with entitlement operations (memoryStore(), kyselyStore(db), ...)',
  }),
  onAlert: z.function().optional(),
  tenantIdPattern: z.instanceof(RegExp).optional(),
  now: z.function().optional(),
  generateId: z.function().optional(),
  grantsCache: z
    .union([z.literal(false), z.object({ max: z.number().int().min(1).max(10_000_000), ttlMs: z.number().int().min(1) }).strict()])
    .optional(),
});

/**
 * Creates the entitlement API over a store.
 *
 * @example
 * ```ts
 * const entitlements = createEntitlements({ packages, store });
 * await entitlements.provisioning.assignPackage({ actor: systemActor('billing'), tenantId, package: 'pro' });
 * await entitlements.usage.consume(tenantId, 'ai.tokens', 500, { idempotencyKey: requestId });
 * ```
 */
export function createEntitlements<F extends string, L extends F, P extends string>(options: EntitlementsOptions<F, L, P>): Entitlements<F, L, P> {
  parseConfig(optionsSchema, options, 'createEntitlements() options');
  const now = options.now ?? (() => new Date());
  const tenantIdPattern = options.tenantIdPattern ?? UUID_PATTERN;
  const common = { store: options.store, packages: options.packages, tenantIdPattern, now };
  const grantsCache = options.grantsCache ? new GrantsCache(options.grantsCache) : undefined;
  const provisioning = new ProvisioningService<F, L, P>({
    ...common,
    onGrantsChanged: (tenantId) => grantsCache?.invalidate(tenantId),
    generateId: options.generateId ?? (() => globalThis.crypto.randomUUID()),
    auditor: new Auditor(timeOrderedIdGenerator(() => now().getTime()), now),
  });
  const usage = new EntitlementService<F, L, P>({
    ...common,
    onAlert: options.onAlert,
    ensureCatalog: () => provisioning.syncCatalog(),
    grantsCache,
  });
  return Object.freeze({ packages: options.packages, usage, provisioning });
}
