import type { StoreConformanceCaseName } from 'tenantry/testing';
import { StorageUnavailableError } from '../../src/core/errors/index.js';
import type { CounterTarget } from '../../src/store/entitlement-records.js';
import type { StoreAdapter } from '../../src/store/store-adapter.js';
import { STORE_OPERATIONS, type StoreOperationName, type StoreOperations } from '../../src/store/store-operations.js';
import type { Store } from '../../src/store/store.js';
import { brokenAdapter, operationsOf, patched, type Patch } from './store-mutants.js';

/**
 * Stores broken in what the two-tier port adds: tenant locks on open,
 * honest error classification, the lock order of counters. Adapter-level
 * mutants (tier 1) run under the real `defineStore` wrapper; store-level
 * ones stand in for a broken wrapper.
 */

/** A transaction that ignores `tenantId`: no lock, no existence check. */
export function ignoringTenantId(adapter: StoreAdapter): Pick<StoreAdapter, 'transaction'> {
  return { transaction: (work) => adapter.transaction(work, {}) };
}

/** The operations that only read: a lazily locking transaction runs them outside any lock until its first write. */
const READS: ReadonlySet<StoreOperationName> = new Set<StoreOperationName>([
  'findTenant',
  'findMembership',
  'listMembershipsOfUser',
  'listMembers',
  'listAudit',
  'listFeatures',
  'readGrants',
  'readCounters',
  'listAlerts',
  'listActiveMembershipsOfUser',
]);

/**
 * A transaction that takes its lock at its first write instead of on open,
 * ignoring `tenantId`: what a SQL transaction without the tenant lock does
 * (it locks only the rows it writes). Reads before the first write see the
 * committed state and hold nothing, so another transaction can change what
 * they read before this one writes on the strength of it.
 */
export function lockedOnFirstWrite(adapter: StoreAdapter): Pick<StoreAdapter, 'transaction'> {
  return {
    async transaction(work) {
      let settle!: (outcome: { readonly failed: boolean; readonly error?: unknown }) => void;
      const outcome = new Promise<{ readonly failed: boolean; readonly error?: unknown }>((resolve) => (settle = resolve));
      let opened: Promise<StoreOperations> | undefined;
      let ended: Promise<void> | undefined;
      const open = () =>
        (opened ??= new Promise<StoreOperations>((resolve, reject) => {
          ended = adapter.transaction(async (inner) => {
            resolve(inner);
            const { failed, error } = await outcome;
            if (failed) throw error instanceof Error ? error : new Error(String(error));
          }, {});
          ended.catch(reject);
        }));
      const call = (ops: StoreOperations, name: StoreOperationName, args: unknown[]) => (ops[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      const tx = Object.fromEntries(
        STORE_OPERATIONS.map((name) => [
          name,
          async (...args: unknown[]) => (opened === undefined && READS.has(name) ? call(adapter, name, args) : call(await open(), name, args)),
        ]),
      ) as unknown as StoreOperations;
      try {
        const result = await work(tx);
        settle({ failed: false });
        await ended;
        return result;
      } catch (error) {
        settle({ failed: true, error });
        await ended?.catch(() => undefined);
        throw error;
      }
    },
  };
}

/** Classifies every error it sees as a backend failure: a bug then looks like a retryable outage. */
const everythingUnavailable: Pick<StoreAdapter, 'classifyError'> = { classifyError: () => ({ reason: 'server_error' }) };

/** After the transaction, its handle reports the released connection as an outage instead of a misuse. */
const releasedConnection =
  (base: Store): Store['transaction'] =>
  (work, options) =>
    base.transaction(async (tx) => {
      let open = true;
      const ops = operationsOf(tx);
      const guarded = Object.fromEntries(
        Object.entries(ops).map(([name, op]) => [
          name,
          (...args: unknown[]) =>
            open
              ? (op as (...a: unknown[]) => Promise<unknown>)(...args)
              : Promise.reject(new StorageUnavailableError('The connection was released.', { reason: 'closed' })),
        ]),
      ) as unknown as StoreOperations;
      try {
        return await work(guarded);
      } finally {
        open = false;
      }
    }, options);

const lockOrdered = (counters: readonly CounterTarget[]) =>
  [...counters].sort(
    (a, b) =>
      (a.featureKey < b.featureKey ? -1 : a.featureKey > b.featureKey ? 1 : 0) ||
      (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0) ||
      a.windowStart.getTime() - b.windowStart.getTime(),
  );

/** Puts counters into lock order, but answers in lock order too: indexes and changes no longer match the caller's counters. */
const unmappedLockOrder: Patch = (ops) => ({
  consume: (request) => ops.consume({ ...request, counters: lockOrdered(request.counters) }),
  release: (request) => ops.release({ ...request, counters: lockOrdered(request.counters) }),
});

/** Silently merges a counter named twice into one, instead of refusing the request. */
const mergedDuplicates: Patch = (ops) => {
  const distinct = (counters: readonly CounterTarget[]) => [
    ...new Map(counters.map((c) => [`${c.featureKey}\u0000${c.namespace}\u0000${String(c.windowStart.getTime())}`, c])).values(),
  ];
  return {
    consume: (request) => ops.consume({ ...request, counters: distinct(request.counters) }),
    release: (request) => ops.release({ ...request, counters: distinct(request.counters) }),
  };
};

/** For every case of the two-tier port, a store broken in the way that case exists to catch. */
export const PORT_MUTANTS = {
  'a transaction locking a missing tenant throws NotFoundError before work runs, and writes nothing': brokenAdapter(ignoringTenantId),
  'a transaction locking a tenant holds off another one on the same tenant until it ends: the member it read cannot be removed under it':
    brokenAdapter(lockedOnFirstWrite),
  'a record with an invalid Date is refused with an error that is not StorageUnavailableError, and nothing is written': brokenAdapter(
    () => everythingUnavailable,
  ),
  'tx used after its transaction settled rejects with ConfigurationError, never StorageUnavailableError, and writes nothing': patched(
    () => ({}),
    releasedConnection,
  ),
  "consume and release take counters in the global lock order and answer in the caller's order": patched(unmappedLockOrder),
  'consume and release naming the same counter twice are a ConfigurationError and write nothing': patched(mergedDuplicates),
} satisfies Partial<Record<StoreConformanceCaseName, () => Store>>;
