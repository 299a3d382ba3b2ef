import type { AliasableExpression, Kysely, SelectQueryBuilder } from 'kysely';
import type { StorageUnavailableReason } from '../../../core/errors/index.js';
import type { TenantryDatabase } from '../tables.js';

/**
 * The SQL dialects `tenantry/kysely` supports.
 *
 * - `postgres`: PostgreSQL through Kysely's `PostgresDialect` (`pg`) or any dialect built on `PostgresAdapter`.
 * - `mysql`: MySQL 8 and MariaDB 10.5+ through `MysqlDialect` (`mysql2`) or any dialect built on `MysqlAdapter`.
 * - `sqlite`: SQLite through `SqliteDialect` (`better-sqlite3`) or any dialect built on `SqliteAdapter`.
 */
export const STORE_DIALECT_NAMES = ['postgres', 'mysql', 'sqlite'] as const;

/** See {@link STORE_DIALECT_NAMES}. */
export type StoreDialectName = (typeof STORE_DIALECT_NAMES)[number];

/**
 * What a driver error means to the store.
 *
 * - `unique_violation`: a unique or primary key rejected the row.
 * - `foreign_key_violation`: a referenced row does not exist.
 * - `unavailable`: the backend could not be reached, the connection was lost, or the transaction was aborted (deadlock, serialization failure, lock or statement timeout, busy timeout); nothing was written. Only errors that provably come from the driver, the network or the server: a Kysely `NoResultError` or a programming error is none of these kinds.
 */
export type DriverErrorKind = 'unique_violation' | 'foreign_key_violation' | 'unavailable';

/** A Kysely instance over the store's tables; either the host's instance or one bound to a single connection. */
export type StoreQueries = Kysely<TenantryDatabase>;

/** The timestamp columns of the store's tables, each read through {@link StoreDialect.selectTimestamp}. */
export type TimestampColumnName =
  | 'created_at'
  | 'assigned_at'
  | 'cancelled_at'
  | 'expires_at'
  | 'window_start'
  | 'updated_at'
  | 'previous_secret_expires_at'
  | 'failing_since'
  | 'next_attempt_at'
  | 'claimed_until'
  | 'started_at'
  | 'archived_at'
  | 'cycle_anchor'
  | 'settled_at'
  | 'acquired_at';

/** The primary key of one usage counter, with `windowStart` already in the dialect's written form. */
export interface CounterKeyValues {
  readonly tenantId: string;
  readonly featureKey: string;
  readonly namespace: string;
  readonly windowStart: Date | string;
}

/**
 * The guarded counter writes, one statement each: the `WHERE` clause that
 * selects the row is also the guard, and the arithmetic happens in SQL, so
 * no other writer can interleave between the check and the write.
 */
export interface CounterStatements {
  /**
   * Adds `amount` to the counter, creating it at `amount` when it does not
   * exist, provided the result stays within `counterCeiling(limit)`: the
   * limit, and never past `Number.MAX_SAFE_INTEGER` (the only bound of an
   * `'unlimited'` counter). Resolves with the value after the write, or
   * `undefined` when refused (nothing written; the existing row stays locked
   * until the transaction ends). The caller refuses `amount` above the
   * ceiling itself, so creating the row needs no guard.
   */
  increment(q: StoreQueries, table: string, key: CounterKeyValues, amount: number, limit: number | 'unlimited'): Promise<number | undefined>;
  /**
   * Subtracts `amount` from the counter if it holds at least that much.
   * Resolves with the value after the write, or `undefined` when the counter
   * is missing or holds less (nothing written).
   */
  decrement(q: StoreQueries, table: string, key: CounterKeyValues, amount: number): Promise<number | undefined>;
}

/**
 * Everything that differs between the SQL dialects, declared in one place per
 * dialect (`postgres.ts`, `mysql.ts`, `sqlite.ts`) so the operations read the
 * same on all of them. Internal to the adapter.
 */
export interface StoreDialect {
  readonly name: StoreDialectName;

  /**
   * The SQL text of a fixed, hot statement in the form that makes the driver
   * prepare it once per connection under `name` and only bind and execute
   * it afterwards; absent where the dialect has no such form (the text is
   * then sent as it is). See `named-statement.ts`.
   */
  readonly namedStatement?: (name: string, text: string) => string;

  /** Starts a transaction on `connection`, a Kysely bound to one connection. */
  begin(connection: StoreQueries): Promise<void>;

  /**
   * True when even a single-statement write outside a transaction must run in
   * one: SQLite takes its database-wide write lock there, and only an
   * explicit immediate transaction can wait for it without blocking the
   * event loop.
   */
  readonly singleWritesNeedTransaction: boolean;

  /**
   * How an insert that hits a unique key is detected.
   *
   * - `skip`: the insert carries `ON CONFLICT DO NOTHING` and a duplicate shows as zero inserted rows. Needed on PostgreSQL, where a failed statement aborts the whole transaction.
   * - `error`: the driver raises a unique violation that undoes only that statement.
   */
  readonly duplicateInserts: 'skip' | 'error';

  /**
   * How an insert turns into an update of the row with the same key.
   *
   * - `on_conflict`: `ON CONFLICT (key) DO UPDATE SET ...` (PostgreSQL, SQLite).
   * - `on_duplicate_key`: `ON DUPLICATE KEY UPDATE ...` (MySQL/MariaDB).
   */
  readonly upserts: 'on_conflict' | 'on_duplicate_key';

  /**
   * Makes a select of the tenant row lock it until the transaction ends, so
   * guarded writes to one tenant run one at a time.
   */
  lockTenant<O>(query: SelectQueryBuilder<TenantryDatabase, 'tenants', O>): SelectQueryBuilder<TenantryDatabase, 'tenants', O>;

  /**
   * Makes a select of membership rows read their latest committed version,
   * whatever snapshot the transaction started with.
   */
  readLatestMemberships<O>(query: SelectQueryBuilder<TenantryDatabase, 'memberships', O>): SelectQueryBuilder<TenantryDatabase, 'memberships', O>;

  /** The value to write into a timestamp column. */
  writeTimestamp(date: Date): Date | string;

  /**
   * Makes a select lock the rows it reads until the transaction ends and
   * read their latest committed version (`FOR UPDATE`; nothing on SQLite,
   * whose immediate transactions already exclude every other writer).
   */
  lockRows<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;

  /**
   * Makes a select read the latest committed version under a shared lock.
   * Used to read an idempotency record after a duplicate insert: on InnoDB
   * that insert leaves a shared lock, and two transactions holding one each
   * would deadlock if both asked for an exclusive lock.
   */
  readLatestShared<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;

  /** The dialect's guarded counter statements; see `docs/storage.md` for each one's SQL. */
  readonly counters: CounterStatements;

  /** True when `error` is a deadlock: the server rolled the whole transaction back, so running it again is safe. */
  isDeadlock(error: unknown): boolean;

  /** The expression that selects timestamp column `column` in the form {@link readTimestamp} parses. */
  selectTimestamp(column: TimestampColumnName): AliasableExpression<unknown>;

  /** Parses a timestamp read through {@link selectTimestamp}. */
  readTimestamp(value: unknown): Date;

  /** Classifies a driver error; `undefined` when it is none of the known kinds (a bug, rethrown as is). */
  classifyError(error: unknown): DriverErrorKind | undefined;

  /**
   * Why `error` means the backend is unavailable; `undefined` exactly when
   * {@link classifyError} does not answer `unavailable`.
   */
  unavailableReason(error: unknown): StorageUnavailableReason | undefined;
}
