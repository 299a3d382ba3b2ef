import type { StorageUnavailableReason } from '../core/errors/index.js';
import type { StoreOperations } from './store-operations.js';

/**
 * Options of a transaction.
 *
 * `tenantId`: lock this tenant for the whole transaction. The adapter takes
 * the lock when the transaction opens, before `work` runs, so everything
 * `work` reads about the tenant (the acting member's own role, the owners)
 * stays true until the commit: a concurrent transaction locking the same
 * tenant waits. When the tenant does not exist, the transaction throws
 * `NotFoundError` and `work` never runs. Transactions of other tenants are
 * not held up.
 */
export interface TransactionOptions {
  readonly tenantId?: string;
}

/**
 * What an adapter says about an error it does not understand itself: a
 * backend failure (the operation did not take effect, retrying is safe),
 * with the reason and the cause to keep. The cause must not carry SQL,
 * parameters or other request values (see `docs/storage.md`).
 */
export interface StorageFailure {
  readonly reason: StorageUnavailableReason;
  /** What to keep as the `StorageUnavailableError`'s `cause`: a sanitized copy of the driver error. */
  readonly cause?: unknown;
}

/**
 * The storage adapter contract: what an adapter author implements. The
 * semantic operations of {@link StoreOperations} (each atomic on its own,
 * guards and writes in one step), a transaction that can lock a tenant on
 * open, and a classifier for backend failures.
 *
 * Adapters do not need to order, serialise or police anything else:
 * {@link defineStore} wraps an adapter into the {@link Store} that services
 * use, and the wrapper
 *
 * - runs the operations of one transaction one at a time, in call order,
 *   even when `work` starts several without awaiting;
 * - refuses operations on a transaction that has settled;
 * - hands `consume` and `release` their counters in the global lock order
 *   (feature key, namespace, window; code-unit order), and maps the results
 *   back to the caller's order;
 * - classifies errors once: tenantry errors pass through; an error the
 *   adapter's {@link StoreAdapter.classifyError} recognises becomes
 *   `StorageUnavailableError` with its reason; anything else (a bug) surfaces
 *   as itself.
 *
 * Run the conformance suite from `tenantry/testing` against
 * `defineStore(yourAdapter)`.
 */
export interface StoreAdapter extends StoreOperations {
  /** A short name for logs and diagnostics, e.g. `'memory'` or `'kysely:postgres'`. */
  readonly name: string;

  /**
   * Runs `work` in one transaction: every operation it performs through `tx`
   * takes effect, or (when `work` throws) none does, and the error is
   * rethrown as it is. With `options.tenantId`, locks that tenant on open
   * (see {@link TransactionOptions}). Each operation stays all-or-nothing
   * inside the transaction: one that fails leaves nothing behind, and the
   * transaction stays usable if `work` catches the error.
   */
  transaction<T>(work: (tx: StoreOperations) => Promise<T>, options: TransactionOptions): Promise<T>;

  /**
   * Recognises backend failures among the errors the adapter's operations
   * throw (connection lost, timeout, deadlock, ...). Resolve `undefined` for
   * anything else: a programming error must surface as itself, never as a
   * retryable `StorageUnavailableError`. Default: nothing is a backend failure.
   */
  classifyError?(error: unknown): StorageFailure | undefined;

  /**
   * Optional: opens one transaction shared with the host. `work` receives an
   * adapter whose operations run in it (and whose `transaction()` nests,
   * all or nothing on its own) and the host's handle on the same transaction
   * (the Kysely adapter: the host's Kysely instance bound to its connection;
   * the memory adapter: `undefined`). Everything commits when `work`
   * resolves and rolls back when it throws. Behind `tenantry.transaction()`.
   */
  hostTransaction?<T>(work: (adapter: StoreAdapter, db: unknown) => Promise<T>): Promise<T>;
}
