import type { FeatureCatalog } from '../../core/entitlements/define-features.js';
import type { PackageCatalog } from '../../core/entitlements/define-packages.js';
import { effectiveEntitlements, type EffectiveEntitlements } from '../../core/entitlements/effective-entitlements.js';
import type { StoreOperations, TenantGrants } from '../../store/index.js';
import { planLevels, type PlannedLevel } from './counter-plan.js';
import type { GrantsCache } from './grants-cache.js';
import { catalogGrants } from './tenant-grants.js';
import { cycleAnchorOf } from './billing-cycle.js';

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

  constructor(deps: EntitlementReaderDependencies<F, L, P>) {
    this.#deps = deps;
    this.features = deps.packages.features;
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
