import type { Kysely } from 'kysely';
import type { Store, StoreOperations } from '../../store/store.js';
import { resolveDialect } from './dialects/resolve-dialect.js';
import type { StoreDialect, StoreQueries } from './dialects/store-dialect.js';
import { resolveTableOptions, type KyselyStoreOptions } from './kysely-store-options.js';
import { operationsIn } from './operation-scope.js';
import { turnTaker, type Scope } from './scope.js';
import { toStoreError } from './storage-errors.js';
import { tableNames } from './tables.js';
import { runInTransaction } from './transactions.js';

/**
 * {@link Store} over a host-supplied Kysely instance (PostgreSQL, MySQL/MariaDB
 * or SQLite). Create it with {@link kyselyStore}; see `docs/storage.md` for
 * how each dialect makes the operations atomic.
 */
export class KyselyStore implements Store {
  readonly #scope: Scope;
  readonly #ops: StoreOperations;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host's own tables are irrelevant here.
  constructor(db: Kysely<any>, options?: KyselyStoreOptions) {
    const resolved = resolveTableOptions(options, 'kyselyStore() options');
    this.#scope = Object.freeze<Scope>({
      // The host's plugins (CamelCasePlugin, WithSchemaPlugin, ...) would rename
      // the store's identifiers and result keys; the migrations ignore them too.
      db: db.withoutPlugins() as StoreQueries,
      dialect: resolveDialect(db, resolved.dialect),
      tables: tableNames(resolved.tablePrefix),
      transaction: undefined,
      isOpen: () => true,
      // Outside a transaction each operation has a connection (and transaction) of its own.
      inTurn: (op) => op(),
    });
    this.#ops = operationsIn(this.#scope);
  }

  /** Which dialect the store uses, detected or given. */
  get dialect(): StoreDialect['name'] {
    return this.#scope.dialect.name;
  }

  createTenant: StoreOperations['createTenant'] = (...args) => this.#ops.createTenant(...args);
  findTenant: StoreOperations['findTenant'] = (...args) => this.#ops.findTenant(...args);
  lockTenant: StoreOperations['lockTenant'] = (...args) => this.#ops.lockTenant(...args);
  findMembership: StoreOperations['findMembership'] = (...args) => this.#ops.findMembership(...args);
  listMembershipsOfUser: StoreOperations['listMembershipsOfUser'] = (...args) => this.#ops.listMembershipsOfUser(...args);
  listMembers: StoreOperations['listMembers'] = (...args) => this.#ops.listMembers(...args);
  insertMembership: StoreOperations['insertMembership'] = (...args) => this.#ops.insertMembership(...args);
  updateMembershipRole: StoreOperations['updateMembershipRole'] = (...args) => this.#ops.updateMembershipRole(...args);
  deleteMembership: StoreOperations['deleteMembership'] = (...args) => this.#ops.deleteMembership(...args);
  appendAudit: StoreOperations['appendAudit'] = (...args) => this.#ops.appendAudit(...args);
  listAudit: StoreOperations['listAudit'] = (...args) => this.#ops.listAudit(...args);
  syncFeatures: StoreOperations['syncFeatures'] = (...args) => this.#ops.syncFeatures(...args);
  listFeatures: StoreOperations['listFeatures'] = (...args) => this.#ops.listFeatures(...args);
  deleteFeature: StoreOperations['deleteFeature'] = (...args) => this.#ops.deleteFeature(...args);
  assignPackage: StoreOperations['assignPackage'] = (...args) => this.#ops.assignPackage(...args);
  cancelPackage: StoreOperations['cancelPackage'] = (...args) => this.#ops.cancelPackage(...args);
  addBoost: StoreOperations['addBoost'] = (...args) => this.#ops.addBoost(...args);
  setNamespaceLimit: StoreOperations['setNamespaceLimit'] = (...args) => this.#ops.setNamespaceLimit(...args);
  readGrants: StoreOperations['readGrants'] = (...args) => this.#ops.readGrants(...args);
  consume: StoreOperations['consume'] = (...args) => this.#ops.consume(...args);
  release: StoreOperations['release'] = (...args) => this.#ops.release(...args);
  readCounters: StoreOperations['readCounters'] = (...args) => this.#ops.readCounters(...args);
  listCounters: StoreOperations['listCounters'] = (...args) => this.#ops.listCounters(...args);
  recordAlert: StoreOperations['recordAlert'] = (...args) => this.#ops.recordAlert(...args);
  listAlerts: StoreOperations['listAlerts'] = (...args) => this.#ops.listAlerts(...args);
  hitRateLimit: StoreOperations['hitRateLimit'] = (...args) => this.#ops.hitRateLimit(...args);

  /**
   * Runs `work` in one database transaction on one connection. Guarded
   * writes inside it lock their tenant until the transaction ends. When
   * `work` throws, the transaction is rolled back and that same error is
   * rethrown; a failure to begin or commit is a `StorageUnavailableError`.
   */
  async transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T> {
    let failure: { readonly error: unknown } | undefined;
    try {
      return await runInTransaction(this.#scope.db, this.#scope.dialect, async (connection) => {
        let open = true;
        const tx = operationsIn({ ...this.#scope, transaction: connection, isOpen: () => open, inTurn: turnTaker() });
        try {
          return await work(tx);
        } catch (error) {
          failure = { error };
          throw error;
        } finally {
          open = false;
        }
      });
    } catch (error) {
      // work's own errors (including the host's) pass through untouched.
      if (failure !== undefined && failure.error === error) throw error;
      throw toStoreError(this.#scope.dialect, error);
    }
  }
}

/**
 * Creates a {@link Store} over `db`, a Kysely instance the host owns
 * (the store never destroys it, and ignores its plugins). Run the migrations first
 * (`migrateToLatest(db)` or `tenantryMigrations()` in your own migrator),
 * with the same `tablePrefix`.
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
  return new KyselyStore(db, options);
}
