import type { ResetPeriod, ResetPeriodInput } from './reset-period.js';

/**
 * What a feature is.
 *
 * - `boolean`: on or off (SSO, custom domains). Never consumed.
 * - `limit`: a count in a unit (seats, requests) with a limit per tenant.
 */
export type FeatureKind = 'boolean' | 'limit';

/** Usage alert thresholds used when a limit feature declares none: 80, 90 and 100 percent. */
export const DEFAULT_THRESHOLDS: readonly number[] = Object.freeze([80, 90, 100]);

/**
 * Definition of a boolean feature. The `never` members make a limit-only
 * option on a boolean feature a compile error (it is also rejected at run time).
 */
export interface BooleanFeatureInput {
  readonly kind: 'boolean';
  /** Human-readable description, for admin screens. */
  readonly description?: string;
  readonly limit?: never;
  readonly unit?: never;
  readonly reset?: never;
  readonly parent?: never;
  readonly thresholds?: never;
}

/**
 * Definition of a limit feature.
 *
 * @typeParam K - the catalog's feature keys, so that `parent` is checked at compile time.
 */
export interface LimitFeatureInput<K extends string = string> {
  readonly kind: 'limit';
  /** What is counted, e.g. `'seats'` or `'requests'`. Must match the parent's unit. */
  readonly unit: string;
  /**
   * When usage resets. Required: a forgotten period would silently turn a
   * monthly quota into a lifetime one.
   */
  readonly reset: ResetPeriodInput;
  /**
   * The pool this feature draws on: another limit feature with the same unit.
   * Consuming this feature consumes the parent (and its ancestors) too, all or
   * nothing. Default is no parent.
   */
  readonly parent?: K;
  /**
   * Usage alert thresholds in percent of the limit: distinct integers from 1
   * to 100. Default is {@link DEFAULT_THRESHOLDS} (80, 90, 100); `[]` disables alerts.
   */
  readonly thresholds?: readonly number[];
  /** Human-readable description, for admin screens. */
  readonly description?: string;
  /** Limits are granted by packages, never declared in the catalog. */
  readonly limit?: never;
}

/** Definition of one feature, as passed to `defineFeatures`. */
export type FeatureInput<K extends string = string> = BooleanFeatureInput | LimitFeatureInput<K>;

/**
 * The shape `defineFeatures` accepts: every parent must be a key of the same
 * object, so a typo in `parent` is a compile error.
 */
export type FeatureDefinitions<D> = { readonly [K in keyof D]: FeatureInput<Extract<keyof D, string>> };

/** The keys of the limit features among definitions `D`. */
export type LimitKeysOf<D> = { [K in keyof D]: D[K] extends { readonly kind: 'limit' } ? K : never }[keyof D] & string;

/** A validated boolean feature. Frozen. */
export interface BooleanFeatureSpec<K extends string = string> {
  /** The feature's key. */
  readonly key: K;
  readonly kind: 'boolean';
  /** The description given at definition, if any. */
  readonly description?: string;
}

/**
 * A validated limit feature, in canonical form. Frozen.
 *
 * @typeParam K - the feature's key.
 * @typeParam L - the catalog's limit-feature keys (the possible parents).
 */
export interface LimitFeatureSpec<K extends string = string, L extends string = string> {
  /** The feature's key. */
  readonly key: K;
  readonly kind: 'limit';
  /** What is counted, e.g. `'seats'`. */
  readonly unit: string;
  /** Canonical reset period. */
  readonly reset: ResetPeriod;
  /** The parent pool, or `null` for a root. */
  readonly parent: L | null;
  /** Alert thresholds in percent, ascending. */
  readonly thresholds: readonly number[];
  /** The description given at definition, if any. */
  readonly description?: string;
}

/** Any validated feature. */
export type FeatureSpec<K extends string = string, L extends string = string> = BooleanFeatureSpec<K> | LimitFeatureSpec<K, L>;
