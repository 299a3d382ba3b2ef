import type { GrantFor } from './define-packages.js';
import type { Limit } from './limit.js';

/**
 * A grant outside packages, such as a purchased add-on, a support gesture or
 * a trial. `amount` is what a package would grant: a {@link Limit} added to
 * a limit feature, or `true` to enable a boolean feature (a time-boxed trial).
 *
 * @typeParam F - feature keys.
 * @typeParam L - limit-feature keys.
 */
export type Boost<F extends string = string, L extends F = F> = {
  [K in F]: {
    readonly featureKey: K;
    readonly amount: GrantFor<K, L>;
    /**
     * The first instant at which the boost no longer counts. Default is no
     * expiry.
     */
    readonly expiresAt?: Date;
  };
}[F];

/**
 * Everything that grants a tenant features: its assigned packages and its
 * boosts. Each listed package assignment counts, so an add-on assigned twice
 * grants twice; whether an assignment may repeat is the provisioning
 * service's decision.
 */
export interface EntitlementGrants<F extends string = string, L extends F = F, P extends string = string> {
  /** Assigned package keys. */
  readonly packages: readonly P[];
  /** Boosts, active or expired; expired ones are ignored. Default is none. */
  readonly boosts?: readonly Boost<F, L>[];
}

/** A boolean feature's effective state. */
export interface BooleanEntitlement<K extends string = string> {
  /** The feature's key. */
  readonly featureKey: K;
  readonly kind: 'boolean';
  /** True when any package or active boost grants the feature. */
  readonly enabled: boolean;
}

/**
 * A limit feature's effective state. `enabled` is false exactly when no
 * package or active boost grants the feature, which is different from an
 * enabled feature with limit `0` (the remedy is another plan, not waiting).
 * A feature that is not enabled also reads `limit: 0`, so code that forgets
 * to look at `enabled` still refuses every consumption: "not enabled" and
 * "unlimited" can never be confused.
 */
export type LimitEntitlement<K extends string = string> =
  | { readonly featureKey: K; readonly kind: 'limit'; readonly enabled: true; readonly limit: Limit }
  | { readonly featureKey: K; readonly kind: 'limit'; readonly enabled: false; readonly limit: 0 };

/** The effective state of any feature. */
export type EffectiveEntitlement<K extends string = string> = BooleanEntitlement<K> | LimitEntitlement<K>;

/**
 * The entitlement type of feature `K` in a catalog whose limit features are
 * `L`; for a catalog typed only as `string` keys, either kind.
 */
export type EntitlementOf<K extends string, L extends string> = string extends L
  ? EffectiveEntitlement<K>
  : K extends L
    ? LimitEntitlement<K>
    : BooleanEntitlement<K>;
