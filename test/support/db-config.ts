import type { Kysely, Logger } from 'kysely';
import type { StoreDialectName } from '../../src/kysely.js';

/** A Kysely instance typed for any schema: tests reach the store's tables through the store or raw SQL. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above.
export type TestKysely = Kysely<any>;

/** Options of {@link IsolatedDatabase.connect}. */
export interface ConnectOptions {
  /** Kysely's log hook, e.g. to count statements. */
  readonly log?: Logger;
  /** Pool size for server databases. Default is 10 (the drivers' default). */
  readonly maxConnections?: number;
}

/** A database created for one test file and dropped after it. */
export interface IsolatedDatabase {
  /** A URL naming this database for another process (`postgres://`, `mysql://`, `sqlite:<file>`); absent for in-memory SQLite. */
  readonly url?: string;
  /**
   * A new Kysely instance on this database. Server databases get their own
   * pool; a SQLite file its own connection; in-memory SQLite shares its single
   * connection. Every instance is destroyed by {@link drop}.
   */
  connect(options?: ConnectOptions): TestKysely;
  /** Destroys every instance and removes the database. */
  drop(): Promise<void>;
}

/** How to reach one SQL database under test. */
export interface SqlDatabaseConfig {
  readonly kind: 'sql';
  readonly dialect: StoreDialectName;
  /** Why the database cannot be used here, or `undefined` when it can. */
  probe(): Promise<string | undefined>;
  /** Creates a uniquely named, empty database. */
  create(): Promise<IsolatedDatabase>;
}

/** The in-process memory store: nothing to reach. */
export interface MemoryDatabaseConfig {
  readonly kind: 'memory';
}

/** A name unique to this process and call, valid as a database name everywhere. */
export function uniqueDatabaseName(): string {
  return `tenantry_t${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Short reason for a failed probe. */
export function describeFailure(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeFailure(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
