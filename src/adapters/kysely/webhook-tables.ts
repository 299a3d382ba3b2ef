import type { ColumnType } from 'kysely';
import type { TextColumn, TimestampColumn } from './tables.js';

type NullableText = ColumnType<string | Uint8Array | null, string | null, string | null>;
type NullableTimestamp = ColumnType<unknown, Date | string | null, Date | string | null>;
type Count = ColumnType<number | bigint | string, number, number>;
type NullableCount = ColumnType<number | bigint | string | null, number | null, never>;
type UpdatableTimestamp = ColumnType<unknown, Date | string, Date | string>;

/** Row type of `webhook_endpoints` (`0010_webhooks`). `events` is a JSON array of event types. */
export interface WebhookEndpointsTable {
  id: TextColumn;
  tenant_id: TextColumn;
  url: TextColumn;
  events: TextColumn;
  description: NullableText;
  status: TextColumn;
  secret: TextColumn;
  previous_secret: NullableText;
  previous_secret_expires_at: NullableTimestamp;
  failing_since: NullableTimestamp;
  created_at: TimestampColumn;
  updated_at: UpdatableTimestamp;
}

/** Row type of `webhook_deliveries` (`0010_webhooks`): the outbox. */
export interface WebhookDeliveriesTable {
  id: TextColumn;
  tenant_id: TextColumn;
  endpoint_id: TextColumn;
  event_id: TextColumn;
  event_type: TextColumn;
  payload: TextColumn;
  status: TextColumn;
  attempts: Count;
  next_attempt_at: UpdatableTimestamp;
  claim_token: NullableText;
  claimed_until: NullableTimestamp;
  created_at: TimestampColumn;
  updated_at: UpdatableTimestamp;
}

/** Row type of `webhook_attempts` (`0010_webhooks`): one row per attempt. */
export interface WebhookAttemptsTable {
  delivery_id: TextColumn;
  attempt: Count;
  started_at: TimestampColumn;
  duration_ms: Count;
  response_status: NullableCount;
  response_body: NullableText;
  error_class: NullableText;
}
