import type { Store, StoreOperations } from '../store/store.js';

/** The name of every store operation, kept complete by the compiler. */
const OPERATIONS: { readonly [K in keyof StoreOperations]: true } = {
  createTenant: true,
  findTenant: true,
  lockTenant: true,
  findMembership: true,
  listMembershipsOfUser: true,
  listMembers: true,
  insertMembership: true,
  updateMembershipRole: true,
  deleteMembership: true,
  appendAudit: true,
  listAudit: true,
  syncFeatures: true,
  listFeatures: true,
  deleteFeature: true,
  assignPackage: true,
  cancelPackage: true,
  addBoost: true,
  setNamespaceLimit: true,
  readGrants: true,
  consume: true,
  release: true,
  readCounters: true,
  listCounters: true,
  recordAlert: true,
  listAlerts: true,
  hitRateLimit: true,
};

/** Store operation names, plus `transaction`. */
export type StoreOperationName = keyof StoreOperations | 'transaction';

/** A {@link Store} that counts calls; see {@link countingStore}. */
export interface CountingStore extends Store {
  /** Calls per operation since creation or the last `reset()`, including calls made through a transaction. */
  readonly counts: Readonly<Record<StoreOperationName, number>>;
  /** Sum of all operation calls (transactions themselves not included). */
  total(): number;
  /** Sets every count back to zero. */
  reset(): void;
}

const OPERATION_NAMES = Object.keys(OPERATIONS) as (keyof StoreOperations)[];

/** Wraps every operation of `target` so each call bumps its counter in `counts`. */
function counted(target: StoreOperations, counts: Record<StoreOperationName, number>): StoreOperations {
  const wrapped: Partial<Record<keyof StoreOperations, unknown>> = {};
  for (const name of OPERATION_NAMES) {
    // Called with apply(target) below, so the method keeps its receiver.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const operation = target[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = (...args: unknown[]) => {
      counts[name] += 1;
      return operation.apply(target, args);
    };
  }
  return wrapped as StoreOperations;
}

/**
 * Wraps a store and counts calls per operation, so tests can assert query
 * economy ("100 checks cost one lookup", "a malformed id never reaches
 * storage") without a database log.
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
  const counts = { transaction: 0 } as Record<StoreOperationName, number>;
  for (const name of OPERATION_NAMES) counts[name] = 0;
  return {
    ...counted(inner, counts),
    transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T> {
      counts.transaction += 1;
      return inner.transaction((tx) => work(counted(tx, counts)));
    },
    counts,
    total: () => OPERATION_NAMES.reduce((sum, name) => sum + counts[name], 0),
    reset() {
      for (const name of Object.keys(counts) as StoreOperationName[]) counts[name] = 0;
    },
  };
}
