import type { ColumnType } from 'kysely';
import type { TextColumn, TimestampColumn } from './tables.js';

/** A timestamp column that updates may write (read through the dialect's codec). */
type WritableTimestamp = ColumnType<unknown, Date | string, Date | string>;

/** An integer column: `pg` returns `bigint` as a string, MySQL drivers numbers or bigints. */
type IntegerColumn = ColumnType<number | string | bigint, number, number>;

/** Row type of the two-factor table (`0009_two_factor`). */
export interface TwoFactorTable {
  user_id: TextColumn;
  /** `pending` or `active`. */
  status: TextColumn;
  /** base64 AES-256-GCM ciphertext with the 16-byte tag appended. */
  ciphertext: TextColumn;
  /** base64 96-bit nonce. */
  nonce: TextColumn;
  key_id: TextColumn;
  algorithm: TextColumn;
  digits: IntegerColumn;
  period: IntegerColumn;
  /** The last accepted time step; -1 before any. */
  last_step: IntegerColumn;
  /** Rewritten by a re-enrolment, which starts a new factor. */
  created_at: WritableTimestamp;
  updated_at: WritableTimestamp;
}

/** Row type of the recovery codes table (`0009_two_factor`). */
export interface RecoveryCodesTable {
  id: TextColumn;
  user_id: TextColumn;
  /** argon2id PHC string. */
  hash: TextColumn;
  created_at: TimestampColumn;
  used_at: ColumnType<unknown, Date | string | null, Date | string | null>;
}
