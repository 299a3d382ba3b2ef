import { Migrator, sql, type Kysely, type MigrationResult, type MigrationResultSet } from 'kysely';
import { z } from 'zod';
import { parseConfig } from '../../../core/validation/parse-input.js';
import { beginImmediate } from '../dialects/sqlite-begin-immediate.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreQueries } from '../dialects/store-dialect.js';
import { tableOptionsShape, withTableDefaults, type KyselyTableOptions } from '../kysely-store-options.js';
import { tenantryMigrations } from './tenantry-migrations.js';

/** Options of {@link migrateToLatest}. */
export interface MigrateToLatestOptions extends KyselyTableOptions {
  /**
   * Table where the migrator records which tenantry migrations ran. Kept
   * apart from your own migrations' table so the two histories never mix.
   * Default is `` `${tablePrefix}migration` `` (`tenantry_migration`), or
   * `tenantry_migration` when the prefix is empty.
   */
  readonly migrationTableName?: string;
  /** Table of the migrator's lock. Default is the migration table's name followed by `_lock`. */
  readonly migrationLockTableName?: string;
  /** PostgreSQL schema of those two tables. Default is the connection's default schema. */
  readonly migrationTableSchema?: string;
}

const optionsSchema = z
  .object({
    ...tableOptionsShape,
    migrationTableName: z.string().min(1).max(63).optional(),
    migrationLockTableName: z.string().min(1).max(63).optional(),
    migrationTableSchema: z.string().min(1).max(63).optional(),
  })
  .strict();

/**
 * Brings tenantry's tables up to date on `db` with Kysely's `Migrator`:
 * runs every migration that has not run yet, in order, and resolves with what
 * ran (an empty list when the schema was already current, so calling it on
 * every start-up is cheap and safe).
 *
 * Concurrent calls are serialised on every dialect, so several app processes
 * may start (and migrate) at once: PostgreSQL and MySQL/MariaDB through the
 * migrator's own lock (an advisory lock, `GET_LOCK`), SQLite by running the
 * whole migration in one `BEGIN IMMEDIATE` transaction, which holds the
 * database's write lock from before the migrator reads what already ran
 * until it has recorded what it ran (Kysely's SQLite adapter takes no lock of
 * its own). Waiting for that lock follows the connection's busy timeout
 * (better-sqlite3's `timeout` option, 5000 ms by default).
 *
 * Rejects with the error of the failing migration. On PostgreSQL and SQLite
 * the run is transactional: a failing migration is rolled back as a whole
 * (on SQLite, the whole run is). Kysely runs MySQL/MariaDB migrations
 * without a transaction (MySQL commits DDL implicitly), so there a failure
 * can leave the statements before it applied.
 *
 * @example
 * ```ts
 * import { kyselyStore, migrateToLatest } from 'tenantry/kysely';
 *
 * await migrateToLatest(db, { tablePrefix: 'app_' });
 * const store = kyselyStore(db, { tablePrefix: 'app_' });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts an instance typed with any host schema.
export async function migrateToLatest(db: Kysely<any>, options?: MigrateToLatestOptions): Promise<readonly MigrationResult[]> {
  return runMigrator(db, options, 'migrateToLatest() options', (migrator) => migrator.migrateToLatest());
}

/** One tenantry migration and whether it has run on a database; see {@link tenantryMigrationStatus}. */
export interface TenantryMigrationState {
  /** The migration's name, e.g. `0003_entitlements`. */
  readonly name: string;
  /** When it ran, or `undefined` while it is pending. */
  readonly executedAt: Date | undefined;
}

/**
 * Every tenantry migration, in order, with when it ran on `db` (pending ones
 * have no `executedAt`). Reads the migration table only; writes nothing, so
 * it is safe against a production database (the `tenantry status` command).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts an instance typed with any host schema.
export async function tenantryMigrationStatus(db: Kysely<any>, options?: MigrateToLatestOptions): Promise<readonly TenantryMigrationState[]> {
  const { migrator } = tenantryMigrator(db, options, 'tenantryMigrationStatus() options');
  const migrations = await migrator.getMigrations();
  return Object.freeze(migrations.map((migration) => Object.freeze({ name: migration.name, executedAt: migration.executedAt })));
}

/**
 * Migrates `db` up or down to the migration named `target` (it and every
 * earlier migration applied, every later one reverted), with the same locking
 * as {@link migrateToLatest}. Rejects with `RangeError` for a name that is not
 * a tenantry migration. Going down drops tables and their data: the
 * `tenantry migrate --to` command asks for it explicitly.
 */
export async function migrateTenantryTo(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts an instance typed with any host schema.
  db: Kysely<any>,
  target: string,
  options?: MigrateToLatestOptions,
): Promise<readonly MigrationResult[]> {
  const names = (await tenantryMigrationStatus(db, options)).map((migration) => migration.name);
  if (!names.includes(target)) throw new RangeError(`"${target}" is not a tenantry migration; the migrations are ${names.join(', ')}.`);
  return runMigrator(db, options, 'migrateTenantryTo() options', (migrator) => migrator.migrateTo(target));
}

/** The migrator over tenantry's migrations with the resolved table names. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator is typed over any schema.
function tenantryMigrator(db: Kysely<any>, options: MigrateToLatestOptions | undefined, what: string) {
  const parsed = parseConfig(optionsSchema, options ?? {}, what);
  const tables = withTableDefaults(parsed);
  const migrationTableName = parsed.migrationTableName ?? `${tables.tablePrefix === '' ? 'tenantry_' : tables.tablePrefix}migration`;
  return {
    tables,
    migrator: new Migrator({
      db,
      provider: tenantryMigrations({ tablePrefix: tables.tablePrefix, ...(tables.dialect === undefined ? {} : { dialect: tables.dialect }) }),
      migrationTableName,
      migrationLockTableName: parsed.migrationLockTableName ?? `${migrationTableName}_lock`,
      ...(parsed.migrationTableSchema === undefined ? {} : { migrationTableSchema: parsed.migrationTableSchema }),
    }),
  };
}

/** Runs one migrator call on `db`, on SQLite under the write lock; rejects with the failing migration's error. */
async function runMigrator(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts an instance typed with any host schema.
  db: Kysely<any>,
  options: MigrateToLatestOptions | undefined,
  what: string,
  call: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<readonly MigrationResult[]> {
  const { tables } = tenantryMigrator(db, options, what);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator is typed over any schema.
  const migrate = async (target: Kysely<any>) => {
    const { error, results = [] } = await call(tenantryMigrator(target, options, what).migrator);
    if (error !== undefined) throw error instanceof Error ? error : new Error('A tenantry migration failed.', { cause: error });
    return Object.freeze(results.filter((result) => result.status !== 'NotExecuted'));
  };
  if (resolveDialect(db, tables.dialect).name !== 'sqlite') return migrate(db);
  return db.connection().execute((connection) => migrateUnderWriteLock(connection as StoreQueries, migrate));
}

/**
 * Runs `migrate` on `connection` inside `BEGIN IMMEDIATE ... COMMIT`. The
 * migrator, given this connection-bound instance, runs every statement on
 * the same connection, hence inside the transaction (on SQLite it opens none
 * of its own), so a second process waits at `BEGIN IMMEDIATE` and then finds
 * every migration recorded.
 */
async function migrateUnderWriteLock<T>(connection: StoreQueries, migrate: (target: StoreQueries) => Promise<T>): Promise<T> {
  await beginImmediate(connection);
  let result: T;
  try {
    result = await migrate(connection);
  } catch (error) {
    try {
      await sql`rollback`.execute(connection);
    } catch {
      // The failure that got us here is the one worth reporting.
    }
    throw error;
  }
  await sql`commit`.execute(connection);
  return result;
}
