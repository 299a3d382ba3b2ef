/** Rows per table one `prune` call deletes at most unless told otherwise. */
export const DEFAULT_PRUNE_BATCH_SIZE = 1000;

/** Input of `prune`. */
export interface PruneRequest {
  /** The current time: idempotency records that expired by then and rate-limit windows that ended before it (plus their retention) go. */
  readonly now: Date;
  /** Also delete audit entries created before this instant. Default: keep the audit log for ever. */
  readonly auditOlderThan?: Date;
  /** At most this many rows per table in one call (a positive integer; default {@link DEFAULT_PRUNE_BATCH_SIZE}), so no call holds long locks. */
  readonly batchSize?: number;
}

/** How many rows one `prune` call deleted, per table; a count equal to the batch size means more may be left. */
export interface PruneResult {
  readonly idempotencyKeys: number;
  readonly rateLimitWindows: number;
  readonly auditEntries: number;
}

/** Retention: deleting rows nothing reads any more, in bounded batches. */
export interface RetentionOperations {
  /**
   * Deletes, per table, at most `batchSize` rows: idempotency records whose
   * `expiresAt` is at or before `now` (records without one are kept),
   * rate-limit windows that ended more than `RATE_LIMIT_RETENTION_MS` before
   * `now`, and, with `auditOlderThan`, audit entries created before it.
   * Nothing else: a live record, window or entry is never deleted.
   */
  prune(request: PruneRequest): Promise<PruneResult>;
}

/** Throws `RangeError` for a batch size that is not a positive safe integer: a programming error, never an outage. */
export function assertBatchSize(batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('prune(): batchSize must be a positive integer.');
}
