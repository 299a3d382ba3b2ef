import type { Limit } from '../../core/entitlements/limit.js';

/**
 * Why an entitlement decision came out as it did.
 *
 * - `allowed`: every level (the feature, its pools, the namespace) has room.
 * - `not_enabled`: the tenant's packages and boosts do not grant the feature (or one of its pools).
 * - `limit_exceeded`: enabled, but some level has no room for the amount. An
 *   unlimited level has room up to `COUNTER_CEILING` (`Number.MAX_SAFE_INTEGER`);
 *   refused there, its `blockedBy.limit` is that ceiling.
 */
export type EntitlementReason = 'allowed' | 'not_enabled' | 'limit_exceeded';

/** The level that refused a consumption: a feature (possibly a pool) in the tenant pool or a namespace. */
export interface BlockingLevel {
  readonly feature: string;
  /** The namespace whose own limit refused it; `null` for the tenant pool. */
  readonly namespace: string | null;
  /**
   * The level's limit; `null` when it is not enabled; `COUNTER_CEILING` for
   * an unlimited level whose counter cannot take the amount without passing it.
   */
  readonly limit: number | null;
  readonly used: number;
}

/** Outcome of `check`, `tryConsume` and `consume`. Immutable. */
export interface EntitlementDecision<F extends string = string> {
  readonly allowed: boolean;
  readonly reason: EntitlementReason;
  readonly feature: F;
  /** The namespace the request was for, or `null`. */
  readonly namespace: string | null;
  readonly requested: number;
  /** The feature's effective tenant-level limit; `null` when not enabled. */
  readonly limit: Limit | null;
  /** Tenant-level usage of the feature: after the consumption when it was applied, before it otherwise. */
  readonly used: number;
  /** Room left for this consumer across every level (the minimum); `'unlimited'` only when no level limits it. */
  readonly remaining: Limit;
  /** Set when refused. */
  readonly blockedBy: BlockingLevel | null;
  /**
   * True when an idempotency key matched an earlier consumption and nothing
   * was counted again. A replayed decision is the first one again (`limit`,
   * `used` and `remaining` as they were then), whatever the tenant's grants
   * are now: a retry after a cancelled package or a lowered limit replays.
   */
  readonly replayed: boolean;
}

/** Usage of one limit feature, in its current window. */
export interface FeatureUsage<F extends string = string> {
  readonly feature: F;
  readonly namespace: string | null;
  readonly limit: Limit | null;
  readonly used: number;
  readonly remaining: Limit;
  /** Start of the current window; the epoch for gauges (which never reset). */
  readonly windowStart: Date;
  /** End of the current window; `null` for gauges. */
  readonly windowEnd: Date | null;
}

/** Emitted when a consumption crosses a usage threshold for the first time in a window. */
export interface UsageAlert {
  readonly tenantId: string;
  readonly feature: string;
  /** `null` for the tenant pool. */
  readonly namespace: string | null;
  /** Percentage of the limit, e.g. 90. */
  readonly threshold: number;
  readonly used: number;
  readonly limit: number;
  readonly windowStart: Date;
}

/** Receives usage alerts. Exceptions it throws are swallowed: alerts never undo a consumption. */
export type UsageAlertHook = (alert: UsageAlert) => void;
