import type { StoreOperations } from './store-operations.js';
import type { TransactionOptions } from './store-adapter.js';

/**
 * The storage port services use: the semantic operations of
 * {@link StoreOperations} and transactions, with the guarantees the wrapper of
 * {@link defineStore} adds to any adapter. `memoryStore()` and
 * `kyselyStore(db)` return one; `defineStore(adapter)` makes one from your own
 * adapter.
 */
export interface Store extends StoreOperations {
  /** The adapter's name, e.g. `'memory'` or `'kysely:postgres'`. */
  readonly name: string;

  /**
   * Runs `work` in one transaction: either every operation it performs
   * through `tx` takes effect, or (when `work` throws) none does, and the
   * error is rethrown. With `options.tenantId`, the tenant is locked from the
   * start (and the transaction throws `NotFoundError` when it does not
   * exist); see {@link TransactionOptions}.
   *
   * Operations run one at a time even when `work` starts several without
   * awaiting; one that fails leaves nothing behind and the transaction stays
   * usable if `work` catches the error. `tx` must not be used after `work`
   * settles (such calls reject with `ConfigurationError`), and `work` must
   * use `tx`, not the store (on single-writer backends that would wait for
   * itself).
   */
  transaction<T>(work: (tx: StoreOperations) => Promise<T>, options?: TransactionOptions): Promise<T>;

  /**
   * Present when the adapter supports it (`StoreAdapter.hostTransaction`):
   * one transaction shared with the host, `store` a store running in it and
   * `db` the host's handle on it. See `tenantry.transaction()`.
   */
  readonly hostTransaction?: <T>(work: (store: Store, db: unknown) => Promise<T>) => Promise<T>;
}
