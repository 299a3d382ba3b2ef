import type { FeatureCatalog } from '../../core/entitlements/define-features.js';
import type { FeatureDeletion, Store } from '../../store/index.js';

/** What happened to one stored feature no longer in the catalog; see `FeatureDeletion`. */
export interface PrunedFeature {
  readonly featureKey: string;
  readonly outcome: FeatureDeletion;
}

/**
 * Keeps the feature catalog in storage, so grants, counters and alerts
 * reference real features by foreign key.
 */
export class CatalogSync {
  readonly #store: Store;
  readonly #features: FeatureCatalog;
  #synced: Promise<void> | undefined;

  constructor(store: Store, features: FeatureCatalog) {
    this.#store = store;
    this.#features = features;
  }

  /**
   * Writes the catalog to storage (idempotent). Memoized: once it succeeded
   * it costs nothing; a failure is not remembered, so the next call retries.
   */
  ensure(): Promise<void> {
    const features = this.#features;
    this.#synced ??= this.#store
      .syncFeatures(
        features.keys().map((key) => {
          const spec = features.get(key);
          return { key, kind: spec.kind, parentKey: spec.kind === 'limit' ? (features.ancestorsOf(key)[0] ?? null) : null };
        }),
      )
      .catch((error: unknown) => {
        this.#synced = undefined;
        throw error;
      });
    return this.#synced;
  }

  /**
   * Deletes stored features that are no longer in the catalog, children
   * first. A feature that still has children, or that grants, counters or
   * alerts reference, is kept and reported (`has_children`, `in_use`): a
   * catalog change never silently orphans data.
   */
  async prune(): Promise<readonly PrunedFeature[]> {
    await this.ensure();
    const stored = await this.#store.listFeatures();
    const declared = new Set<string>(this.#features.keys());
    const stale = stored.filter((feature) => !declared.has(feature.key));
    // Stored parents come from validated catalogs, so they form no cycle; the bound only keeps bad data from looping.
    const depth = (key: string, bound = stale.length): number => {
      const parent = stale.find((feature) => feature.key === key)?.parentKey;
      return parent === null || parent === undefined || bound === 0 ? 0 : 1 + depth(parent, bound - 1);
    };
    const results: PrunedFeature[] = [];
    for (const feature of [...stale].sort((a, b) => depth(b.key) - depth(a.key))) {
      results.push(Object.freeze({ featureKey: feature.key, outcome: await this.#store.deleteFeature(feature.key) }));
    }
    return Object.freeze(results);
  }
}
