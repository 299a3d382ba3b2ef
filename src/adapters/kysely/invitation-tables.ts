import type { ColumnType } from 'kysely';
import type { CountColumn, NullableTimestampColumn } from './entitlement-tables.js';
import type { TextColumn, TimestampColumn } from './tables.js';

/** A timestamp column that guarded writes update (the expiry a rotation resets). */
export type UpdatableTimestampColumn = ColumnType<unknown, Date | string, Date | string>;

/** Row type of the invitations table (`0008_invitations`). */
export interface InvitationsTable {
  id: TextColumn;
  tenant_id: TextColumn;
  email: TextColumn;
  /**
   * The email while the row is pending, `NULL` once accepted or revoked: the
   * unique (tenant_id, open_email) key is the one-pending rule on every
   * dialect (NULLs never collide), with no partial index MySQL lacks.
   */
  open_email: ColumnType<string | Uint8Array | null, string | null, string | null>;
  role: TextColumn;
  selector: TextColumn;
  verifier_hash: TextColumn;
  status: TextColumn;
  /** 0 or 1. */
  require_email_match: CountColumn;
  created_by_type: TextColumn;
  created_by: TextColumn;
  created_at: TimestampColumn;
  expires_at: UpdatableTimestampColumn;
  resend_count: CountColumn;
  accepted_by: ColumnType<string | Uint8Array | null, string | null, string | null>;
  settled_at: NullableTimestampColumn;
}
