/**
 * `tenantry/kysely`: the SQL store over a host-supplied Kysely instance
 * (PostgreSQL, MySQL/MariaDB, SQLite) and its schema migrations.
 * See `docs/storage.md`.
 *
 * @packageDocumentation
 */
export { kyselyStore } from './adapters/kysely/kysely-store.js';
export type { KyselyStore } from './adapters/kysely/kysely-store.js';
export { KyselyAdapter } from './adapters/kysely/kysely-adapter.js';
export { DEFAULT_TABLE_PREFIX } from './adapters/kysely/kysely-store-options.js';
export type { KyselyStoreOptions, KyselyTableOptions } from './adapters/kysely/kysely-store-options.js';
export { STORE_DIALECT_NAMES } from './adapters/kysely/dialects/store-dialect.js';
export type { StoreDialectName } from './adapters/kysely/dialects/store-dialect.js';
export { migrateTenantryTo, migrateToLatest, tenantryMigrationStatus } from './adapters/kysely/migrations/migrate-to-latest.js';
export type { MigrateToLatestOptions, TenantryMigrationState } from './adapters/kysely/migrations/migrate-to-latest.js';
export { tenantryMigrations } from './adapters/kysely/migrations/tenantry-migrations.js';
export { whereTenantMember } from './adapters/kysely/where-tenant-member.js';
export type { TenantMemberSubject } from './adapters/kysely/where-tenant-member.js';
