import { z } from 'zod';
import { parseConfig } from '../../core/validation/parse-input.js';
import { STORE_DIALECT_NAMES, type StoreDialectName } from './dialects/store-dialect.js';

/** Table prefix used when none is given: tables `tenantry_tenants`, `tenantry_memberships`, ... */
export const DEFAULT_TABLE_PREFIX = 'tenantry_';

/**
 * Lower-case so that names mean the same on case-folding and case-sensitive
 * servers, and at most 30 characters so that every derived table, index and
 * constraint name stays within PostgreSQL's 63 and MySQL's 64 character limits.
 */
const TABLE_PREFIX = /^(?:[a-z][a-z0-9_]{0,29})?$/;

/** Options shared by {@link kyselyStore}, `migrateToLatest` and `tenantryMigrations`. */
export interface KyselyTableOptions {
  /**
   * Prepended to the name of every table, index and constraint tenantry
   * creates. Use the same value for the migrations and the store. Lower-case
   * letters, digits and `_`, starting with a letter, at most 30 characters;
   * `''` gives bare names (`tenants`, `memberships`).
   * Default is `'tenantry_'`.
   */
  readonly tablePrefix?: string;
  /**
   * Which SQL dialect the Kysely instance speaks. Default is detected from
   * its adapter (`PostgresAdapter`, `MysqlAdapter`, `SqliteAdapter` or a
   * subclass); set it for a third-party dialect with its own adapter.
   */
  readonly dialect?: StoreDialectName;
}

/** Options of {@link kyselyStore}. */
export interface KyselyStoreOptions extends KyselyTableOptions {
  /**
   * PostgreSQL through `pg` only: send the membership lookup behind every
   * cold access decision as a named prepared statement, parsed and planned
   * once per connection. Turn it off behind a transaction-mode pooler that
   * cannot keep prepared statements (PgBouncer before 1.21), or with a
   * PostgreSQL driver other than `pg` that requires the SQL as a primitive
   * string (see docs/storage.md). Ignored on MySQL/MariaDB and SQLite.
   * Default is `true`.
   */
  readonly preparedStatements?: boolean;
}

/** Options after validation, with defaults applied. */
export interface ResolvedTableOptions {
  readonly tablePrefix: string;
  readonly dialect: StoreDialectName | undefined;
}

/** {@link KyselyStoreOptions} after validation, with defaults applied. */
export interface ResolvedStoreOptions extends ResolvedTableOptions {
  readonly preparedStatements: boolean;
}

/** Zod shape of {@link KyselyTableOptions}, for functions that accept more options. */
export const tableOptionsShape = {
  tablePrefix: z.string().regex(TABLE_PREFIX, { message: 'Use lower-case letters, digits and "_", starting with a letter, at most 30 characters.' }).optional(),
  dialect: z.enum(STORE_DIALECT_NAMES).optional(),
};

const tableOptionsSchema = z.object(tableOptionsShape).strict();

/** Applies the defaults to validated table options. */
export function withTableDefaults(options: {
  readonly tablePrefix?: string | undefined;
  readonly dialect?: StoreDialectName | undefined;
}): ResolvedTableOptions {
  return Object.freeze({ tablePrefix: options.tablePrefix ?? DEFAULT_TABLE_PREFIX, dialect: options.dialect });
}

/**
 * Validates table options (unknown keys included) and applies defaults.
 * Throws `ConfigurationError` naming the offending option.
 */
export function resolveTableOptions(options: KyselyTableOptions | undefined, what: string): ResolvedTableOptions {
  return withTableDefaults(parseConfig(tableOptionsSchema, options ?? {}, what));
}

const storeOptionsSchema = z.object({ ...tableOptionsShape, preparedStatements: z.boolean().optional() }).strict();

/**
 * Validates {@link kyselyStore} options (unknown keys included) and applies
 * defaults. Throws `ConfigurationError` naming the offending option.
 */
export function resolveStoreOptions(options: KyselyStoreOptions | undefined): ResolvedStoreOptions {
  const parsed = parseConfig(storeOptionsSchema, options ?? {}, 'kyselyStore() options');
  return Object.freeze({ ...withTableDefaults(parsed), preparedStatements: parsed.preparedStatements ?? true });
}
