import { ConfigurationError, FeatureNotFoundError, PackageNotFoundError } from '../errors/index.js';
import { assertCatalogKey } from './catalog-keys.js';
import type { FeatureCatalog } from './define-features.js';
import { COUNTER_CEILING, type Limit } from './limit.js';

/**
 * The value a package (or boost) grants for feature `K`: `true` for a boolean
 * feature, a {@link Limit} for a limit feature. For a catalog typed only as
 * `string` keys, where kinds are unknown, either.
 */
export type GrantFor<K extends string, L extends string> = string extends L ? Limit | true : K extends L ? Limit : true;

/** The features a package grants. Features it does not list are not granted by it. */
export type PackageGrants<F extends string = string, L extends F = F> = { readonly [K in F]?: GrantFor<K, L> };

/** Definition of one package, as passed to `definePackages`. */
export interface PackageInput<F extends string = string, L extends F = F> {
  /**
   * Granted features: `true` for a boolean feature; a non-negative integer or
   * `'unlimited'` for a limit feature. A grant of `0` enables a limit feature
   * with no room (the UI can show "0 of 0, upgrade"), unlike leaving it out.
   */
  readonly grants: PackageGrants<F, L>;
  /** Human-readable description, for admin screens. */
  readonly description?: string;
}

type GrantsOf<X> = X extends { readonly grants: infer G } ? G : never;

/**
 * The shape `definePackages` accepts. Grant keys are mapped individually so
 * that an undeclared feature maps to `never` and fails to compile; a plain
 * optional-keys object type would accept it as an excess property.
 */
export type PackageDefinitions<P, F extends string, L extends F> = {
  readonly [K in keyof P]: {
    readonly grants: { readonly [G in keyof GrantsOf<P[K]>]: G extends F ? GrantFor<G, L> : never };
    readonly description?: string;
  };
};

/** A validated package. Frozen. */
export interface PackageSpec<F extends string = string, L extends F = F, P extends string = string> {
  /** The package's key. */
  readonly key: P;
  /** The grants, frozen. */
  readonly grants: PackageGrants<F, L>;
  /** The description given at definition, if any. */
  readonly description?: string;
}

/**
 * The package catalog (plans and add-ons). Create it with {@link definePackages}.
 *
 * @typeParam F - feature keys of the feature catalog.
 * @typeParam L - limit-feature keys.
 * @typeParam P - package keys.
 */
export interface PackageCatalog<F extends string = string, L extends F = F, P extends string = string> {
  /** The feature catalog the packages were validated against. */
  readonly features: FeatureCatalog<F, L>;
  /** Every package key, in declaration order. */
  keys(): readonly P[];
  /** True when `key` is a declared package; narrows it to `P`. */
  has(key: string): key is P;
  /** Returns `key` typed as `P`, or throws {@link PackageNotFoundError}. */
  assert(key: string): P;
  /** The validated package; throws {@link PackageNotFoundError} for an undeclared key. */
  get(key: P): PackageSpec<F, L, P>;
}

/** The package-key union of a catalog: `PackageOf<typeof packages>`. */
export type PackageOf<C> = C extends PackageCatalog<infer _F, infer _L, infer P> ? P : never;

/**
 * Checks one grant against its feature. Shared with boosts, which grant the
 * same values. Returns a description of the problem, or `null` when valid.
 */
export function grantProblem(features: FeatureCatalog, feature: string, value: unknown): string | null {
  // Read the kind rather than narrowing with isLimit(): on a catalog typed with
  // plain strings the predicate would narrow the other branch to never.
  if (features.get(feature).kind === 'limit') {
    if (value === 'unlimited' || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return null;
    return `limit feature "${feature}" needs a non-negative integer or 'unlimited', got ${JSON.stringify(value)}`;
  }
  if (value === true) return null;
  return `boolean feature "${feature}" can only be granted with true, got ${JSON.stringify(value)} (leave it out to not grant it)`;
}

function validatePackage(features: FeatureCatalog, key: string, input: unknown): PackageSpec {
  assertCatalogKey(key, 'package');
  const grants = (input as { grants?: unknown } | null)?.grants;
  if (typeof grants !== 'object' || grants === null || Array.isArray(grants)) {
    throw new ConfigurationError(`Package "${key}" needs a grants object.`);
  }
  for (const [feature, value] of Object.entries(grants)) {
    if (!features.has(feature)) throw new FeatureNotFoundError(feature);
    const problem = grantProblem(features, feature, value);
    if (problem !== null) throw new ConfigurationError(`Package "${key}": ${problem}.`);
  }
  const description = (input as { description?: unknown }).description;
  if (description !== undefined && typeof description !== 'string') {
    throw new ConfigurationError(`Package "${key}": description must be a string.`);
  }
  const spec: PackageSpec = { key, grants: Object.freeze({ ...grants }), ...(description === undefined ? {} : { description }) };
  return Object.freeze(spec);
}

/**
 * Throws {@link ConfigurationError} when a tenant holding every package at
 * once would have an effective limit past {@link COUNTER_CEILING}. A tenant
 * holds each package at most once, so afterwards packages alone can never
 * overflow a limit, and provisioning only has boosts to check.
 */
function assertSumsFit(specs: Iterable<PackageSpec>): void {
  const sums = new Map<string, number>();
  for (const spec of specs) {
    for (const [feature, value] of Object.entries(spec.grants)) {
      // Rounding is monotone, so a rounded sum is above the ceiling exactly when the true one is.
      if (typeof value === 'number') sums.set(feature, (sums.get(feature) ?? 0) + value);
    }
  }
  for (const [feature, sum] of sums) {
    if (sum > COUNTER_CEILING) {
      throw new ConfigurationError(
        `The packages' grants of "${feature}" add up to more than Number.MAX_SAFE_INTEGER, the most a counter can hold; grant 'unlimited' instead of a huge number.`,
      );
    }
  }
}

/**
 * Declares the packages (plans, add-ons) and what each grants. Keys become a
 * literal union; a grant of an undeclared feature, a number for a boolean
 * feature or `true` for a limit feature is a compile error.
 *
 * At run time (for callers without the types) an undeclared feature throws
 * {@link FeatureNotFoundError}; a wrong grant value, a bad package key, a
 * missing `grants` object or an empty catalog throws {@link ConfigurationError},
 * and so do numeric grants of one feature that add up, over all packages, to
 * more than {@link COUNTER_CEILING} (a tenant holding them all could not be
 * counted; grant `'unlimited'` instead).
 *
 * @example
 * ```ts
 * const packages = definePackages(features, {
 *   free: { grants: { seats: 3, 'ai.tokens': 10_000 } },
 *   pro: { grants: { sso: true, seats: 25, 'ai.tokens': 'unlimited' } },
 *   'extra-seats': { grants: { seats: 10 }, description: 'Add-on: ten more seats.' },
 * });
 * ```
 */
export function definePackages<F extends string, L extends F, const P extends PackageDefinitions<P, F, L>>(
  features: FeatureCatalog<F, L>,
  packages: P,
): PackageCatalog<F, L, keyof P & string> {
  type K = keyof P & string;
  if (typeof packages !== 'object' || (packages as unknown) === null) {
    throw new ConfigurationError('definePackages() needs an object of package definitions.');
  }
  const keys = Object.keys(packages) as K[];
  if (keys.length === 0) throw new ConfigurationError('definePackages() needs at least one package.');
  const specs = new Map<string, PackageSpec>();
  for (const key of keys) specs.set(key, validatePackage(features, key, packages[key]));
  assertSumsFit(specs.values());
  const keyList = Object.freeze([...keys]);
  const has = (key: string): key is K => specs.has(key);

  return Object.freeze({
    features,
    keys: () => keyList,
    has,
    assert(key: string): K {
      if (!has(key)) throw new PackageNotFoundError(String(key));
      return key;
    },
    get(key: K): PackageSpec<F, L, K> {
      const spec = specs.get(key);
      if (spec === undefined) throw new PackageNotFoundError(String(key));
      return spec as PackageSpec<F, L, K>;
    },
  });
}
