import type { Kysely } from 'kysely';
import { defineStore } from '../../store/define-store.js';
import type { Store } from '../../store/store.js';
import { KyselyAdapter } from './kysely-adapter.js';
import type { KyselyStoreOptions } from './kysely-store-options.js';

/** What {@link kyselyStore} returns: a plain {@link Store}, named `kysely:<dialect>`. */
export type KyselyStore = Store;

/**
 * Creates a {@link Store} over `db`, a Kysely instance the host owns
 * (the store never destroys it, and ignores its plugins):
 * `defineStore(new KyselyAdapter(db, options))`. Run the migrations first
 * (`migrateToLatest(db)` or `tenantryMigrations()` in your own migrator),
 * with the same `tablePrefix`. `store.name` tells the dialect in use
 * (`kysely:postgres`, `kysely:mysql`, `kysely:sqlite`).
 *
 * Throws `ConfigurationError` for an invalid option or when the dialect
 * cannot be detected.
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { kyselyStore, migrateToLatest } from 'tenantry/kysely';
 *
 * const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString }) }) });
 * await migrateToLatest(db);
 * const tenantry = createTenantry({ capabilities, roles, store: kyselyStore(db) });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts an instance typed with any host schema.
export function kyselyStore(db: Kysely<any>, options?: KyselyStoreOptions): KyselyStore {
  return defineStore(new KyselyAdapter(db, options));
}
