import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { z } from 'zod';
import { parseConfig } from '../../../core/validation/parse-input.js';
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
 * every start-up is cheap and safe). Concurrent calls from several instances
 * are serialised by the migrator's lock table.
 *
 * Rejects with the error of the failing migration. On PostgreSQL each
 * migration runs in a transaction and is rolled back as a whole; Kysely runs
 * SQLite and MySQL/MariaDB migrations without one, so there a failure can
 * leave the statements before it applied.
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
  const parsed = parseConfig(optionsSchema, options ?? {}, 'migrateToLatest() options');
  const tables = withTableDefaults(parsed);
  const migrationTableName = parsed.migrationTableName ?? `${tables.tablePrefix === '' ? 'tenantry_' : tables.tablePrefix}migration`;
  const migrator = new Migrator({
    db,
    provider: tenantryMigrations({ tablePrefix: tables.tablePrefix, ...(tables.dialect === undefined ? {} : { dialect: tables.dialect }) }),
    migrationTableName,
    migrationLockTableName: parsed.migrationLockTableName ?? `${migrationTableName}_lock`,
    ...(parsed.migrationTableSchema === undefined ? {} : { migrationTableSchema: parsed.migrationTableSchema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error('A tenantry migration failed.', { cause: error });
  return Object.freeze(results.filter((result) => result.status !== 'NotExecuted'));
}
