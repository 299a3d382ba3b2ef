import type {
  LeaseAcquireRequest,
  LeaseAcquireResult,
  LeaseCheckpoint,
  LeaseReclaim,
  LeaseReclaimRequest,
  LeaseRecord,
  LeaseReturnRequest,
  LeaseReturnResult,
} from './lease-records.js';

/**
 * Quota lease storage. Acquiring is the store's all-or-nothing `consume` of
 * `granted` units through every counter plus the lease row, in one
 * transaction; returning and reclaiming are one guarded delete of the row
 * plus the `release` of the unused remainder, in one transaction, so two
 * instances reclaiming one lease give its units back once.
 */
export interface LeaseOperations {
  /**
   * Takes `granted` units from every counter (refused per level, like
   * `consume`) and records the lease. Counters reach the adapter in the
   * global lock order; `exceeded.index` refers to the caller's order. A
   * missing tenant throws `NotFoundError`, an unknown feature `FeatureNotFoundError`.
   */
  acquireLease(request: LeaseAcquireRequest): Promise<LeaseAcquireResult>;

  /**
   * Records the holder's consumed count. Resolves `false`, writing nothing,
   * when the lease is gone (returned, reclaimed, tenant deleted), held by
   * another holder, or the count is lower than the last checkpoint or
   * greater than `granted`.
   */
  checkpointLease(checkpoint: LeaseCheckpoint): Promise<boolean>;

  /** Deletes the holder's lease and releases `granted - consumed` (the holder's exact final count) from every counter, atomically. */
  returnLease(request: LeaseReturnRequest): Promise<LeaseReturnResult>;

  /**
   * Deletes every expired lease of the feature and releases
   * `granted - checkpoint` of each (the checkpoint is claimed before the
   * units are served, so every served unit stays counted). Each lease is deleted by a guarded delete in the
   * transaction of its release, so concurrent reclaimers release it once.
   */
  reclaimLeases(request: LeaseReclaimRequest): Promise<readonly LeaseReclaim[]>;

  /** The tenant's outstanding leases, ordered by feature, then id. */
  listLeases(tenantId: string): Promise<readonly LeaseRecord[]>;
}
