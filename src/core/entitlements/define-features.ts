import { ConfigurationError, FeatureNotFoundError } from '../errors/index.js';
import { buildFeatureGraph, sortForLocking } from './feature-graph.js';
import type { FeatureDefinitions, FeatureSpec, LimitKeysOf } from './feature-types.js';
import { validateFeature } from './validate-feature.js';

/**
 * The feature catalog: every feature a package can grant, with its kind, unit,
 * reset period, pool and alert thresholds. Create it with {@link defineFeatures}.
 *
 * @typeParam F - the union of feature keys.
 * @typeParam L - the keys of the limit features (a subset of `F`).
 */
export interface FeatureCatalog<F extends string = string, L extends F = F> {
  /** Every feature key, in declaration order. */
  keys(): readonly F[];
  /** True when `key` is a declared feature; narrows it to `F`. */
  has(key: string): key is F;
  /**
   * Returns `key` typed as `F`, or throws {@link FeatureNotFoundError} naming
   * the string. Use where a key arrives unchecked (a request, a database row).
   */
  assert(key: string): F;
  /** True when `key` is a limit feature (not a boolean one); narrows it to `L`. */
  isLimit(key: string): key is L;
  /**
   * The validated definition of `key`; throws {@link FeatureNotFoundError} for
   * an undeclared key. Narrow the result on `kind`. (The return type is not
   * refined per key on purpose: that would stop a typed catalog from being
   * passed where a plain `FeatureCatalog` is expected.)
   */
  get<K extends F>(key: K): FeatureSpec<K, L>;
  /**
   * The pools `key` draws on, nearest first: `[parent, grandparent, ..., root]`.
   * Empty for a root or a boolean feature.
   */
  ancestorsOf(key: F): readonly L[];
  /**
   * `key` followed by its ancestors (child -> root): every level a consumption
   * of `key` must find room in. Empty for a boolean feature.
   */
  chainOf(key: F): readonly L[];
  /**
   * The features that name `key` as their parent, in declaration order. A
   * storage layer refuses to delete a pool that still has children.
   */
  childrenOf(key: F): readonly L[];
  /**
   * Every limit feature a consumption of `keys` touches (the features and all
   * their ancestors), deduplicated, in the catalog's global lock order. Lock
   * counter rows in this order and concurrent consumptions cannot deadlock.
   * The order is plain code-unit order of the keys, so it depends on nothing
   * else and is the same in every process. Boolean features are left out.
   */
  lockOrder(keys: Iterable<F>): readonly L[];
}

/** The feature-key union of a catalog: `FeatureOf<typeof features>`. */
export type FeatureOf<C> = C extends FeatureCatalog<infer F, infer _L> ? F : never;

/** The limit-feature-key union of a catalog: `LimitFeatureOf<typeof features>`. */
export type LimitFeatureOf<C> = C extends FeatureCatalog<infer _F, infer L> ? L : never;

/**
 * Declares the feature catalog. Keys become a literal union, so a typo in a
 * feature key (in a package, a boost, a `parent`, a consume call) is a compile
 * error; an unchecked string at run time throws {@link FeatureNotFoundError}.
 *
 * Throws {@link ConfigurationError} at definition for: an empty catalog, a key
 * that is not lower-case dot-separated segments, an unknown kind, a boolean
 * feature with a limit-only option (`unit`, `reset`, `parent`, `thresholds`,
 * `limit`), a limit feature without a unit or reset period or with a
 * catalog-level `limit`, a bad threshold, and a parent that is undeclared, boolean,
 * of another unit, of another period family (gauge vs resetting) or part of
 * a cycle.
 *
 * @example
 * ```ts
 * const features = defineFeatures({
 *   sso: { kind: 'boolean' },
 *   seats: { kind: 'limit', unit: 'seats', reset: 'none' },
 *   'ai.tokens': { kind: 'limit', unit: 'tokens', reset: { every: 'month', anchor: 'cycle' } },
 *   'ai.tokens.images': { kind: 'limit', unit: 'tokens', reset: { every: 'month', anchor: 'cycle' }, parent: 'ai.tokens' },
 * });
 * features.chainOf('ai.tokens.images'); // ['ai.tokens.images', 'ai.tokens']
 * ```
 */
export function defineFeatures<const D extends FeatureDefinitions<D>>(definitions: D): FeatureCatalog<keyof D & string, LimitKeysOf<D>> {
  type F = keyof D & string;
  type L = LimitKeysOf<D>;
  if (typeof definitions !== 'object' || (definitions as unknown) === null) {
    throw new ConfigurationError('defineFeatures() needs an object of feature definitions.');
  }
  const keys = Object.keys(definitions) as F[];
  if (keys.length === 0) throw new ConfigurationError('defineFeatures() needs at least one feature.');

  const specs = new Map<string, FeatureSpec>();
  for (const key of keys) specs.set(key, validateFeature(key, definitions[key]));
  const graph = buildFeatureGraph(specs);
  const keyList = Object.freeze([...keys]);
  const empty: readonly L[] = Object.freeze([]);

  const has = (key: string): key is F => specs.has(key);
  const specOf = (key: string): FeatureSpec => {
    const spec = specs.get(key);
    if (spec === undefined) throw new FeatureNotFoundError(String(key));
    return spec;
  };
  const ancestorsOf = (key: F): readonly L[] => {
    specOf(key);
    return (graph.ancestors.get(key) ?? empty) as readonly L[];
  };
  // Precomputed so that the hot path (every consume) allocates nothing.
  const chains = new Map<string, readonly L[]>();
  for (const [key, ancestors] of graph.ancestors) chains.set(key, Object.freeze([key, ...ancestors]) as readonly L[]);

  return Object.freeze({
    keys: () => keyList,
    has,
    assert(key: string): F {
      if (!has(key)) throw new FeatureNotFoundError(String(key));
      return key;
    },
    isLimit: (key: string): key is L => specs.get(key)?.kind === 'limit',
    get: <K extends F>(key: K) => specOf(key) as FeatureSpec<K, L>,
    ancestorsOf,
    chainOf(key: F): readonly L[] {
      specOf(key);
      return chains.get(key) ?? empty;
    },
    childrenOf(key: F): readonly L[] {
      specOf(key);
      return (graph.children.get(key) ?? empty) as readonly L[];
    },
    lockOrder(requested: Iterable<F>): readonly L[] {
      const touched: string[] = [];
      for (const key of requested) touched.push(...(chains.get(specOf(key).key) ?? empty));
      return Object.freeze(sortForLocking(touched)) as readonly L[];
    },
  });
}
