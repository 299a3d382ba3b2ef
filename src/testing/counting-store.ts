import { STORE_OPERATIONS, type StoreOperationName, type StoreOperations } from '../store/store-operations.js';
import type { TransactionOptions } from '../store/store-adapter.js';
import type { Store } from '../store/store.js';

/** What a {@link CountingStore} counts: every store operation, plus `transaction`. */
export type CountedOperationName = StoreOperationName | 'transaction';

/** A {@link Store} that counts calls; see {@link countingStore}. */
export interface CountingStore extends Store {
  /** Calls per operation since creation or the last `reset()`, including calls made through a transaction. */
  readonly counts: Readonly<Record<CountedOperationName, number>>;
  /** Sum of all operation calls (transactions themselves not included). */
  total(): number;
  /** Sets every count back to zero. */
  reset(): void;
}

/** Wraps every operation of `target` (the names of `STORE_OPERATIONS`) so each call bumps its counter in `counts`. */
function counted(target: StoreOperations, counts: Record<CountedOperationName, number>): StoreOperations {
  const wrapped: Partial<Record<StoreOperationName, unknown>> = {};
  for (const name of STORE_OPERATIONS) {
    wrapped[name] = (...args: unknown[]) => {
      counts[name] += 1;
      return (target[name] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
    };
  }
  return wrapped as StoreOperations;
}

/**
 * Wraps a store and counts calls per operation, so tests can assert query
 * economy ("100 checks cost one lookup", "a malformed id never reaches
 * storage") without a database log. It is a store itself, with `inner`'s
 * name and guarantees: results and errors pass through unchanged.
 *
 * @example
 * ```ts
 * const store = countingStore(memoryStore());
 * const tenantry = createTenantry({ capabilities, roles, store });
 * // ... 100 checks in one scope ...
 * expect(store.counts.findMembership).toBe(1);
 * ```
 */
export function countingStore(inner: Store): CountingStore {
  const counts = { transaction: 0 } as Record<CountedOperationName, number>;
  for (const name of STORE_OPERATIONS) counts[name] = 0;
  // Not frozen: tests replace an operation of the counting store to inject a failure.
  return {
    // Keeps what else `inner` carries (its name, the store brand of `defineStore`).
    ...inner,
    ...counted(inner, counts),
    transaction<T>(work: (tx: StoreOperations) => Promise<T>, options?: TransactionOptions): Promise<T> {
      counts.transaction += 1;
      return inner.transaction((tx) => work(counted(tx, counts)), options);
    },
    counts,
    total: () => STORE_OPERATIONS.reduce((sum, name) => sum + counts[name], 0),
    reset() {
      for (const name of Object.keys(counts) as CountedOperationName[]) counts[name] = 0;
    },
  };
}
