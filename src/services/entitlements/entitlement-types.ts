import type { Limit } from '../../core/entitlements/limit.js';

/**
 * Why an entitlement decision came out as it did.
 *
 * - `allowed`: every level (the feature, its pools, the namespace) has room.
 * - `not_enabled`: the tenant's packages and boosts do not grant the feature (or one of its pools).
 * - `limit_exceeded`: enabled, but some level has no room for the amount.
 */
export type EntitlementReason = 'allowed' | 'not_enabled' | 'limit_exceeded';

/** The level that refused a consumption: a feature (possibly a pool) in the tenant pool or a namespace. */
export interface BlockingLevel {
  readonly featureKey: string;
  /** The namespace whose own limit refused it; `null` for the tenant pool. */
  readonly namespace: string | null;
  /** False when the level refused because the feature is not enabled. */
  readonly enabled: boolean;
  /**
   * The level's limit: `0` when not enabled, `COUNTER_CEILING` when an
   * unlimited level refused because its counter would pass the ceiling.
   */
  readonly limit: number;
  readonly used: number;
}

/**
 * Outcome of `usage.check`, `usage.tryConsume` and `usage.consume`. Immutable.
 * The same fields on every decision:
 *
 * - `used` / `remaining` are the usage and the room **now**: for an applied
 *   consumption, after it (it is counted); for a check or a refusal, as the
 *   counters stand (nothing was counted).
 * - `usedAfter` / `remainingAfter` are what the requested amount leaves:
 *   equal to `used` / `remaining` for an applied consumption; for a check or
 *   a refusal, the usage and room if it had been counted.
 * - A replay (`replayed: true`) reports the first call's figures, not the
 *   counters as they are now.
 */
export interface EntitlementDecision<F extends string = string> {
  readonly allowed: boolean;
  readonly reason: EntitlementReason;
  readonly featureKey: F;
  /** The namespace the request was for, or `null`. */
  readonly namespace: string | null;
  /** The amount asked for. */
  readonly requested: number;
  /** Whether the tenant's grants enable the feature. */
  readonly enabled: boolean;
  /** The feature's effective tenant-level limit: `0` when not enabled, `'unlimited'` when unlimited (a boolean feature that is enabled reads `'unlimited'`). */
  readonly limit: Limit;
  /** Tenant-level usage of the feature now (see above). */
  readonly used: number;
  /** Room across every level now (the minimum); `'unlimited'` only when no level limits it. */
  readonly remaining: Limit;
  /** Tenant-level usage with the requested amount counted. */
  readonly usedAfter: number;
  /** Room across every level with the requested amount counted (never below 0). */
  readonly remainingAfter: Limit;
  /** Set when refused. */
  readonly blockedBy: BlockingLevel | null;
  /** True when an idempotency key matched an earlier consumption and nothing was counted again. */
  readonly replayed: boolean;
  /**
   * Whose figures `used`, `remaining` and `limit` are: `'now'` (this call's),
   * or `'first_call'` on a replay, which reports the first call's decision,
   * not the counters as they stand (read `usage.report()` for those).
   */
  readonly usageAsOf: 'now' | 'first_call';
  /**
   * The normalized idempotency key of a keyed consumption
   * (`<scope>/consume:<featureKey>/<key>`, scope `user:<id>`, `system:<label>`
   * or `scope:<idempotencyScope>`), `null` without a key.
   */
  readonly idempotencyKey: string | null;
}

/** Usage of one limit feature in its current window. */
export interface FeatureUsage<F extends string = string> {
  readonly featureKey: F;
  /** The namespace reported on, or `null` for the tenant pool. */
  readonly namespace: string | null;
  /** Whether the tenant's grants enable the feature. */
  readonly enabled: boolean;
  /** The limit at this level: `0` when not enabled, `'unlimited'`, or a count (a namespace without its own limit reads `'unlimited'`). */
  readonly limit: Limit;
  readonly used: number;
  readonly remaining: Limit;
  /** Start of the current window; the epoch for gauges (which never reset). */
  readonly windowStart: Date;
  /** End of the current window; `null` for gauges. */
  readonly windowEnd: Date | null;
  /**
   * With quota leasing configured (`entitlements.leases`): the units of
   * `used` held in outstanding leases and not yet claimed by their holders
   * (`granted - checkpoint`, summed over the leases drawn on this counter).
   * `used` counts every leased unit, so `used - leased` is what the holders
   * may have served. Absent without leasing.
   */
  readonly leased?: number;
}

/** Result of `usage.report`: every limit feature of the catalog, in declaration order. */
export interface UsageReport<F extends string = string> {
  readonly tenantId: string;
  /** The namespace reported on, or `null` for the tenant pool. */
  readonly namespace: string | null;
  readonly features: readonly FeatureUsage<F>[];
}

/** Emitted when a consumption crosses a usage threshold for the first time in a window. */
export interface UsageAlert {
  readonly tenantId: string;
  readonly featureKey: string;
  /** `null` for the tenant pool. */
  readonly namespace: string | null;
  /** Percentage of the limit, e.g. 90. */
  readonly threshold: number;
  readonly used: number;
  readonly limit: number;
  readonly windowStart: Date;
}

/** One entry of a tenant's usage-alert history. */
export interface UsageAlertEntry extends UsageAlert {
  /** When the threshold was crossed. */
  readonly createdAt: Date;
}

/**
 * Receives usage alerts after the consumption committed. What it throws (or
 * a promise it rejects) goes to the instance's `onError` hook: alerts never
 * undo a consumption.
 */
export type UsageAlertHook = (alert: UsageAlert) => unknown;
