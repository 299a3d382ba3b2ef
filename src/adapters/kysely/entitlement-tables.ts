import type { ColumnType } from 'kysely';
import type { TextColumn, TimestampColumn } from './tables.js';

/**
 * A `bigint` or `integer` column as drivers return it: `pg` gives bigints as
 * strings, `mysql2` and `better-sqlite3` as numbers. Reads go through
 * `readCount`.
 */
export type CountColumn = ColumnType<number | string | bigint, number, number>;

/** A nullable timestamp column; see {@link TimestampColumn}. */
export type NullableTimestampColumn = ColumnType<unknown, Date | string | null, Date | string | null>;

/** Row type of the features table (`0003_entitlements`). */
export interface FeaturesTable {
  key: TextColumn;
  kind: TextColumn;
  parent_key: ColumnType<string | Uint8Array | null, string | null, string | null>;
}

/** Row type of the package assignments table. */
export interface PackageAssignmentsTable {
  id: TextColumn;
  tenant_id: TextColumn;
  package_key: TextColumn;
  assigned_by: TextColumn;
  assigned_at: TimestampColumn;
  cancelled_by: ColumnType<string | Uint8Array | null, string | null, string | null>;
  cancelled_at: NullableTimestampColumn;
}

/** Row type of the boosts table. */
export interface BoostsTable {
  id: TextColumn;
  tenant_id: TextColumn;
  feature_key: TextColumn;
  /** `null` for an unlimited boost. */
  amount: ColumnType<number | string | bigint | null, number | null, never>;
  expires_at: NullableTimestampColumn;
  created_by: TextColumn;
  created_at: TimestampColumn;
}

/** Row type of the namespace limits table. */
export interface NamespaceLimitsTable {
  tenant_id: TextColumn;
  namespace: TextColumn;
  feature_key: TextColumn;
  usage_limit: CountColumn;
}

/** Row type of the usage counters table. */
export interface UsageCountersTable {
  tenant_id: TextColumn;
  feature_key: TextColumn;
  namespace: TextColumn;
  window_start: TimestampColumn;
  used: CountColumn;
}

/** Row type of the idempotency records table. */
export interface IdempotencyKeysTable {
  tenant_id: TextColumn;
  idempotency_key: TextColumn;
  /** The request's fingerprint, JSON-encoded (fingerprints may hold characters PostgreSQL text cannot). */
  fingerprint: TextColumn;
  /** The counter changes as JSON; `null` only while the consumption that claimed the key is in flight. */
  result: ColumnType<string | Uint8Array | null, string | null, string | null>;
  created_at: ColumnType<unknown, Date | string, Date | string>;
  /** When the record stops counting (`0006_billing_cycles`); `null` for records written before, kept until pruned. */
  expires_at: NullableTimestampColumn;
  /** The response-replay helper's stored response as JSON (`0011_idempotent_responses`); `null` until saved. */
  response: ColumnType<string | Uint8Array | null, string | null, string | null>;
}

/** Row type of the billing cycles (`0006_billing_cycles`): each tenant's cycle anchor. */
export interface BillingCyclesTable {
  tenant_id: TextColumn;
  /** Updated when provisioning moves the anchor. */
  cycle_anchor: ColumnType<unknown, Date | string, Date | string>;
}

/** Row type of the usage alert history. */
/** Fixed-window rate-limit counters (migration 0004). */
export interface RateLimitsTable {
  limiter_key: TextColumn;
  window_start: TimestampColumn;
  hits: CountColumn;
  expires_at: TimestampColumn;
}

export interface UsageAlertsTable {
  tenant_id: TextColumn;
  feature_key: TextColumn;
  namespace: TextColumn;
  threshold: CountColumn;
  window_start: TimestampColumn;
  used: CountColumn;
  usage_limit: CountColumn;
  created_at: TimestampColumn;
}
