import type { FeatureCatalog } from '../../core/entitlements/define-features.js';
import type { PackageCatalog } from '../../core/entitlements/define-packages.js';
import { effectiveEntitlements, type EffectiveEntitlements } from '../../core/entitlements/effective-entitlements.js';
import { LRUCache } from 'lru-cache';
import type { PackageGrant, StoreOperations, TenantGrants } from '../../store/index.js';
import { planLevels, type PlannedLevel } from './counter-plan.js';
import type { GrantsCache } from './grants-cache.js';
import { catalogGrants } from './tenant-grants.js';
import { cycleAnchorOf, UNSET_CYCLE_ANCHOR } from './billing-cycle.js';
import { packageGrantsByFeature, planGrantedLevels, type GrantedLevels } from './granted-plan.js';

/** Most tenants whose billing-cycle anchor an instance remembers as a hint for consumptions. */
const ANCHOR_HINTS = 10_000;

/** A tenant's grants and what follows from them, resolved once per operation. */
export interface TenantEntitlements<F extends string, L extends F> {
  readonly grants: TenantGrants;
  readonly effective: EffectiveEntitlements<F, L>;
  readonly cycleAnchor: Date;
  readonly now: Date;
}

/** Wiring of {@link EntitlementReader}. */
export interface EntitlementReaderDependencies<F extends string, L extends F, P extends string> {
  readonly packages: PackageCatalog<F, L, P>;
  readonly now: () => Date;
  /** Serves tenants' grants between operations, when configured. */
  readonly grantsCache: GrantsCache | undefined;
}

/** Reads a tenant's grants (through the cache, if any) and plans the levels of a feature. */
export class EntitlementReader<F extends string, L extends F, P extends string> {
  readonly #deps: EntitlementReaderDependencies<F, L, P>;
  readonly features: FeatureCatalog<F, L>;
  /** Every package and feature key of the catalog, as `consumeGranted` checks stored grants against them. */
  readonly catalogKeys: { readonly packageKeys: readonly string[]; readonly featureKeys: readonly string[] };
  readonly #packageGrants: ReadonlyMap<string, readonly PackageGrant[]>;
  /**
   * The billing-cycle anchor last seen per tenant (`null`: none stored).
   * Only a hint for computing windows: the store compares it with the
   * stored anchor in the same write and answers `anchor_moved` when it is
   * wrong, so a stale hint costs one more round trip, never a wrong window.
   */
  readonly #anchors = new LRUCache<string, { readonly anchor: Date | null }>({ max: ANCHOR_HINTS });

  constructor(deps: EntitlementReaderDependencies<F, L, P>) {
    this.#deps = deps;
    this.features = deps.packages.features;
    this.catalogKeys = Object.freeze({ packageKeys: Object.freeze([...deps.packages.keys()]), featureKeys: Object.freeze([...this.features.keys()]) });
    this.#packageGrants = packageGrantsByFeature(deps.packages);
  }

  /** True when a grants cache serves reads: consumptions then plan with the cached grants instead of asking the store to derive limits. */
  get cached(): boolean {
    return this.#deps.grantsCache !== undefined;
  }

  /** The instance's clock. */
  now(): Date {
    return this.#deps.now();
  }

  /** The anchor hint for `tenantId`: `null` when none is known (or none is stored). */
  anchorHint(tenantId: string): Date | null {
    return this.#anchors.get(tenantId)?.anchor ?? null;
  }

  /** Remembers the anchor the store confirmed (or reported) for `tenantId`. */
  rememberAnchor(tenantId: string, anchor: Date | null): void {
    this.#anchors.set(tenantId, { anchor });
  }

  /** The levels of a use of `feature` for the store to derive limits of, windows under `anchor` (`null`: none stored). */
  grantedLevels(feature: F, namespace: string | undefined, now: Date, anchor: Date | null): GrantedLevels {
    return planGrantedLevels({ features: this.features, grants: this.#packageGrants, feature, namespace, now, cycleAnchor: anchor ?? UNSET_CYCLE_ANCHOR });
  }

  /** The tenant's grants and effective entitlements as of now. */
  async read(store: StoreOperations, tenantId: string): Promise<TenantEntitlements<F, L>> {
    const { grantsCache } = this.#deps;
    const grants = await (grantsCache === undefined ? store.readGrants(tenantId) : grantsCache.read(tenantId, () => store.readGrants(tenantId)));
    const now = this.#deps.now();
    const effective = effectiveEntitlements(this.#deps.packages, catalogGrants(this.#deps.packages, grants), now);
    // The stored anchor, never derived from the grants: cancelling a package must not move a window.
    const cycleAnchor = cycleAnchorOf(grants);
    return { grants, effective, cycleAnchor, now };
  }

  /** The levels a use of `feature` (in `namespace`, if given) touches for this tenant. */
  levels(context: TenantEntitlements<F, L>, feature: F, namespace: string | undefined): PlannedLevel[] {
    return planLevels({
      features: this.features,
      effective: context.effective,
      feature,
      namespace,
      namespaceLimits: context.grants.namespaceLimits,
      now: context.now,
      cycleAnchor: context.cycleAnchor,
    });
  }
}
