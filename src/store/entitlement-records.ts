/**
 * Storage records and operation shapes for entitlements. Every limit is
 * computed by the entitlement service from the catalog and the tenant's grants;
 * the store's job is to apply a consumption against those limits atomically.
 */
import { COUNTER_CEILING } from '../core/entitlements/limit.js';

/** A feature as synced from the catalog, so grants, counters and alerts can reference it by foreign key. */
export interface FeatureRecord {
  readonly key: string;
  readonly kind: 'boolean' | 'limit';
  /** The pool this feature draws on, or `null` for a root. */
  readonly parentKey: string | null;
}

/**
 * Result of deleting a feature row.
 *
 * - `deleted`: gone.
 * - `not_found`: there was no such feature.
 * - `has_children`: other features name it as their parent; refused, so children are never silently orphaned.
 * - `in_use`: grants, counters or alert history reference it; refused.
 */
export type FeatureDeletion = 'deleted' | 'not_found' | 'has_children' | 'in_use';

/** A package assigned to a tenant. Cancelled assignments are kept for the record. */
export interface PackageAssignmentRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly packageKey: string;
  readonly assignedBy: string;
  readonly assignedAt: Date;
  readonly cancelledBy: string | null;
  readonly cancelledAt: Date | null;
}

/** A boost (add-on): extra allowance for one limit feature, optionally expiring. */
export interface BoostRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly featureKey: string;
  /** A positive count, or `'unlimited'`. */
  readonly amount: number | 'unlimited';
  readonly expiresAt: Date | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

/** A namespace's own limit for one feature. The namespace always draws on the tenant pool too. */
export interface NamespaceLimitRecord {
  readonly tenantId: string;
  readonly namespace: string;
  readonly featureKey: string;
  readonly limit: number;
}

/** Everything that determines a tenant's effective limits, read in one call. */
export interface TenantGrants {
  /** Active (not cancelled) package assignments, oldest first. */
  readonly packages: readonly PackageAssignmentRecord[];
  /** All boosts, expired ones included (the service filters by time). */
  readonly boosts: readonly BoostRecord[];
  readonly namespaceLimits: readonly NamespaceLimitRecord[];
  /**
   * The tenant's billing-cycle anchor, where its cycle-anchored periods
   * start; absent until provisioning sets one (see `setCycleAnchor`). It is
   * stored on its own, never derived from the grants above, so cancelling a
   * package never moves a window.
   */
  readonly cycleAnchor?: Date;
}

/** Input of `setCycleAnchor`: the tenant's billing-cycle anchor from now on. */
export interface CycleAnchorChange {
  readonly tenantId: string;
  readonly anchor: Date;
}

/**
 * One feature's current window before and after a change of the billing
 * cycle (or a reset of its usage): the counters of every pool (tenant and
 * namespaces) of `featureKey` at window `from` are carried to, or reset at,
 * window `to`.
 */
export interface UsageShift {
  readonly featureKey: string;
  readonly from: Date;
  readonly to: Date;
}

/**
 * Input of `shiftUsage`.
 *
 * - `carry`: each counter at `to` becomes at least the counter at `from` (the
 *   larger of the two is kept, so usage is never counted twice and never lost);
 *   `from` is left as it is (an old window is history).
 * - `reset`: each counter at `to` is set to 0.
 */
export interface UsageShiftRequest {
  readonly tenantId: string;
  readonly shifts: readonly UsageShift[];
  readonly usage: 'carry' | 'reset';
}

/**
 * The tenant-level pool is namespace `''`. Counters are keyed by
 * (tenant, feature, namespace, window start); gauges use the epoch as their
 * only window, resetting features the start of the current period.
 */
export const TENANT_POOL = '';

/** One counter a consumption or release touches, with the limit it must respect. */
export interface CounterTarget {
  readonly featureKey: string;
  /** {@link TENANT_POOL} for the tenant pool, or a namespace name. */
  readonly namespace: string;
  readonly windowStart: Date;
  /**
   * Maximum `used` after the write, or `'unlimited'`. Either way no write
   * may take the counter past `COUNTER_CEILING` (`Number.MAX_SAFE_INTEGER`):
   * see {@link counterCeiling}. A feature the tenant's grants do not enable
   * is sent with limit `0` (only an idempotent replay can succeed then).
   */
  readonly limit: number | 'unlimited';
}

/**
 * The most a counter with this limit may hold after a write: the limit,
 * never more than `COUNTER_CEILING` (`Number.MAX_SAFE_INTEGER`), which is also
 * the bound of an unlimited counter. Every store guards its
 * increments with it, so a counter always reads back exactly and an
 * unlimited counter cannot overflow.
 */
export function counterCeiling(limit: number | 'unlimited'): number {
  return limit === 'unlimited' ? COUNTER_CEILING : Math.min(limit, COUNTER_CEILING);
}

/** Value of one counter before and after a write. */
export interface CounterChange {
  readonly before: number;
  readonly after: number;
}

/** Input of `consume`. */
export interface ConsumeRequest {
  readonly tenantId: string;
  /** A positive integer. */
  readonly amount: number;
  /**
   * Every counter to increment, distinct. All are incremented or none is.
   * Adapters receive them in the global lock order (feature key, namespace,
   * window start; code-unit order), which the store wrapper establishes.
   */
  readonly counters: readonly CounterTarget[];
  /**
   * When present, the consumption is recorded under this key (scoped to the
   * tenant) in the same transaction, with its counter changes and the limits
   * it was applied under. A later call with the same key returns that record
   * without counting again, before and whatever its own counters and limits
   * (the tenant's grants may have changed since; a limit of `0` is how the
   * service asks for a replay of a feature it no longer grants).
   */
  readonly idempotency?: {
    readonly key: string;
    /** Identifies the request (feature, amount, namespace); reusing a key for another request is a conflict. */
    readonly fingerprint: string;
    /**
     * When the record stops counting: from then on the key is free again (a
     * consumption under it counts anew and replaces the record). Absent:
     * kept until pruned.
     */
    readonly expiresAt?: Date;
  };
  readonly now: Date;
}

/**
 * Result of `consume`.
 *
 * - `consumed`: every counter was incremented; `counters[i]` matches `request.counters[i]`.
 * - `exceeded`: counter `index` had no room (`used` is its value); nothing was written.
 * - `exceeded` is also the answer when the write would take counter `index` past {@link counterCeiling}, unlimited counters included.
 * - `replayed`: the idempotency key was used before for the same request; `counters` is the original result, `limits` the
 *   original request's limits (each counter's, in its order; absent from records an earlier version wrote), and nothing was counted.
 * - `idempotency_conflict`: the key was used before for a different request; nothing was written.
 */
export type ConsumeResult =
  | { readonly outcome: 'consumed'; readonly counters: readonly CounterChange[] }
  | { readonly outcome: 'exceeded'; readonly index: number; readonly used: number }
  | { readonly outcome: 'replayed'; readonly counters: readonly CounterChange[]; readonly limits?: readonly (number | 'unlimited')[] }
  | { readonly outcome: 'idempotency_conflict' };

/** Input of `release` (gauges only: seats given back). */
export interface ReleaseRequest {
  readonly tenantId: string;
  /** A positive integer. */
  readonly amount: number;
  /** Every counter to decrement, distinct (adapters receive them in lock order); `limit` is ignored. */
  readonly counters: readonly CounterTarget[];
}

/**
 * Result of `release`.
 *
 * - `released`: every counter was decremented.
 * - `insufficient`: counter `index` holds less than the amount (`used` is its value); nothing was written.
 */
export type ReleaseResult =
  | { readonly outcome: 'released'; readonly counters: readonly CounterChange[] }
  | { readonly outcome: 'insufficient'; readonly index: number; readonly used: number };

/** A usage counter as stored. */
export interface CounterRecord {
  readonly tenantId: string;
  readonly featureKey: string;
  readonly namespace: string;
  readonly windowStart: Date;
  readonly used: number;
}

/** A usage alert, recorded once per (tenant, feature, namespace, threshold, window). */
export interface AlertRecord {
  readonly tenantId: string;
  readonly featureKey: string;
  readonly namespace: string;
  /** Percentage, e.g. 80. */
  readonly threshold: number;
  readonly windowStart: Date;
  readonly used: number;
  readonly limit: number;
  readonly createdAt: Date;
}
