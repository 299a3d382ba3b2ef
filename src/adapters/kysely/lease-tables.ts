import type { CountColumn } from './entitlement-tables.js';
import type { TextColumn, TimestampColumn } from './tables.js';

/** Row type of the quota leases table (`0013_quota_leases`). */
export interface QuotaLeasesTable {
  id: TextColumn;
  tenant_id: TextColumn;
  feature_key: TextColumn;
  holder_id: TextColumn;
  /** The counter keys the lease was drawn from, JSON: `[featureKey, namespace, windowStartMs][]`, in lock order. */
  counters: TextColumn;
  granted: CountColumn;
  /** The holder's last checkpoint. */
  consumed: CountColumn;
  acquired_at: TimestampColumn;
  expires_at: TimestampColumn;
}
