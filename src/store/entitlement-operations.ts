import type {
  AlertRecord,
  BoostRecord,
  ConsumeRequest,
  ConsumeResult,
  CounterRecord,
  CounterTarget,
  FeatureDeletion,
  FeatureRecord,
  PackageAssignmentRecord,
  ReleaseRequest,
  ReleaseResult,
  TenantGrants,
} from './entitlement-records.js';

/** Input of `cancelPackage`. */
export interface PackageCancellation {
  readonly tenantId: string;
  readonly packageKey: string;
  readonly cancelledBy: string;
  readonly cancelledAt: Date;
}

/** Input of `setNamespaceLimit`; `limit: null` clears the namespace's own limit. */
export interface NamespaceLimitChange {
  readonly tenantId: string;
  readonly namespace: string;
  readonly featureKey: string;
  readonly limit: number | null;
}

/** A counter to read, without a limit. */
export type CounterKey = Pick<CounterTarget, 'featureKey' | 'namespace' | 'windowStart'>;

/**
 * Entitlement storage operations. `consume` and `release` are the atomic
 * heart: the guard (`used + amount <= limit` on every counter) and the write
 * are one step, all counters or none, never a read-then-write another writer
 * could interleave.
 */
export interface EntitlementOperations {
  /** Upserts feature rows (the catalog). Throws `FeatureNotFoundError` when a parent is missing. */
  syncFeatures(features: readonly FeatureRecord[]): Promise<void>;

  /** Every synced feature, ordered by key. */
  listFeatures(): Promise<readonly FeatureRecord[]>;

  /** Deletes a feature unless it has children or is referenced; see {@link FeatureDeletion}. */
  deleteFeature(featureKey: string): Promise<FeatureDeletion>;

  /**
   * Records an active package assignment. Throws `NotFoundError` for a missing
   * tenant and `AlreadyExistsError` (entity `package assignment`) when the
   * package is already active for the tenant.
   */
  assignPackage(assignment: PackageAssignmentRecord): Promise<void>;

  /** Marks the active assignment cancelled; resolves with it, or `undefined` when none was active. */
  cancelPackage(cancellation: PackageCancellation): Promise<PackageAssignmentRecord | undefined>;

  /** Records a boost. Throws `NotFoundError` (tenant) or `FeatureNotFoundError` (feature). */
  addBoost(boost: BoostRecord): Promise<void>;

  /** Sets or clears a namespace's own limit for a feature. */
  setNamespaceLimit(change: NamespaceLimitChange): Promise<void>;

  /** The tenant's active packages, boosts and namespace limits. */
  readGrants(tenantId: string): Promise<TenantGrants>;

  /** Atomically increments every counter if all stay within their limits; see {@link ConsumeResult}. */
  consume(request: ConsumeRequest): Promise<ConsumeResult>;

  /** Atomically decrements every counter if none would go below zero; see {@link ReleaseResult}. */
  release(request: ReleaseRequest): Promise<ReleaseResult>;

  /** Current values of the given counters (0 for a counter never written), in the same order. */
  readCounters(tenantId: string, counters: readonly CounterKey[]): Promise<readonly number[]>;

  /** Every counter of a tenant, ordered by feature, namespace and window. */
  listCounters(tenantId: string): Promise<readonly CounterRecord[]>;

  /** Records an alert once; resolves `true` when newly recorded, `false` when it already was. */
  recordAlert(alert: AlertRecord): Promise<boolean>;

  /** A tenant's alert history, oldest first. */
  listAlerts(tenantId: string): Promise<readonly AlertRecord[]>;
}
