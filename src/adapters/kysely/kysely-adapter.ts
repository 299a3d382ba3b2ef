import type { Kysely } from 'kysely';
import type { StorageFailure, StoreAdapter, TransactionOptions } from '../../store/store-adapter.js';
import type { StoreOperations } from '../../store/store-operations.js';
import { resolveDialect } from './dialects/resolve-dialect.js';
import type { StoreQueries } from './dialects/store-dialect.js';
import { resolveStoreOptions, type KyselyStoreOptions } from './kysely-store-options.js';
import { operationsIn } from './operation-scope.js';
import { ActiveMembershipLookup } from './operations/active-membership.js';
import { lockTenantOnOpen } from './operations/reads.js';
import type { Scope } from './scope.js';
import { storageFailureOf } from './storage-errors.js';
import { tableNames } from './tables.js';
import { runInTransaction, runOnConnection, withSavepoint } from './transactions.js';

/**
 * The {@link StoreAdapter} over a host-supplied Kysely instance (PostgreSQL,
 * MySQL/MariaDB or SQLite); `kyselyStore(db)` wraps it with `defineStore`.
 * Use the adapter itself only to wrap it further (tracing, metrics) before
 * `defineStore`. See `docs/storage.md` for how each dialect makes the
 * operations atomic.
 */
// The operations are assigned in the constructor; the interface merge declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface KyselyAdapter extends StoreOperations {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class KyselyAdapter implements StoreAdapter {
  /** `kysely:postgres`, `kysely:mysql` or `kysely:sqlite`. */
  readonly name: string;
  readonly #scope: Scope;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host's own tables are irrelevant here.
  readonly #hostDb: Kysely<any>;

  /** Throws `ConfigurationError` for an invalid option or when the dialect cannot be detected. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host's own tables are irrelevant here.
  constructor(db: Kysely<any>, options?: KyselyStoreOptions) {
    const resolved = resolveStoreOptions(options);
    this.#hostDb = db;
    this.#scope = Object.freeze<Scope>({
      // The host's plugins (CamelCasePlugin, WithSchemaPlugin, ...) would rename
      // the store's identifiers and result keys; the migrations ignore them too.
      db: db.withoutPlugins() as StoreQueries,
      dialect: resolveDialect(db, resolved.dialect),
      tables: tableNames(resolved.tablePrefix),
      // Outside a transaction each operation has a connection (and transaction) of its own.
      transaction: undefined,
      statements: Object.freeze({ activeMembership: new ActiveMembershipLookup(resolved.preparedStatements) }),
    });
    this.name = `kysely:${this.#scope.dialect.name}`;
    // Every operation as an own property, so the adapter can be spread or wrapped.
    Object.assign(this, operationsIn(this.#scope));
  }

  /**
   * Runs `work` in one database transaction on one connection (`BEGIN
   * IMMEDIATE` on SQLite). With `options.tenantId`, the tenant row is locked
   * first, before `work` runs: `SELECT ... FOR NO KEY UPDATE` on PostgreSQL
   * (it does not conflict with the `KEY SHARE` lock a membership insert
   * takes through its foreign key), `FOR UPDATE` on MySQL/MariaDB; SQLite's
   * immediate transaction already excludes every other writer, so there it
   * is an existence check. A missing tenant rolls back with `NotFoundError`.
   * When `work` throws, the transaction is rolled back and that same error
   * is rethrown.
   */
  transaction<T>(work: (tx: StoreOperations) => Promise<T>, options: TransactionOptions): Promise<T> {
    const { tenantId } = options;
    return runInTransaction(this.#scope.db, this.#scope.dialect, async (connection) => {
      const scope: Scope = { ...this.#scope, transaction: connection };
      if (tenantId !== undefined) await lockTenantOnOpen({ q: connection, dialect: scope.dialect, tables: scope.tables }, tenantId);
      return work(operationsIn(scope));
    });
  }

  /**
   * Opens one database transaction and hands `work` an adapter bound to it
   * (its `transaction()` nests under a savepoint, locking the tenant the same
   * way) and the host's own Kysely instance bound to the same connection,
   * plugins included: both commit when `work` resolves and roll back together
   * when it throws. Behind `tenantry.transaction()`.
   */
  hostTransaction<T>(work: (adapter: StoreAdapter, db: unknown) => Promise<T>): Promise<T> {
    return this.#hostDb.connection().execute((hostConnection) =>
      runOnConnection(hostConnection.withoutPlugins() as StoreQueries, this.#scope.dialect, (connection) => {
        const scope: Scope = { ...this.#scope, transaction: connection };
        const nested: StoreAdapter = Object.freeze({
          ...operationsIn(scope),
          name: this.name,
          transaction: <R>(inner: (tx: StoreOperations) => Promise<R>, options: TransactionOptions) =>
            withSavepoint(
              connection,
              async () => {
                if (options.tenantId !== undefined) await lockTenantOnOpen({ q: connection, dialect: scope.dialect, tables: scope.tables }, options.tenantId);
                return inner(operationsIn(scope));
              },
              'tenantry_host_work',
            ),
          classifyError: (error: unknown) => this.classifyError(error),
        });
        return work(nested, hostConnection);
      }),
    );
  }

  /** Driver, network and server failures (see `docs/storage.md`), with a sanitized copy of the driver error as the cause. */
  classifyError(error: unknown): StorageFailure | undefined {
    return storageFailureOf(this.#scope.dialect, error);
  }
}
