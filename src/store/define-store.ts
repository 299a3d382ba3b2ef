import { ConfigurationError, isTenantryError, StorageUnavailableError } from '../core/errors/index.js';
import { consumeInCallerOrder, grantedInCallerOrder, inCallerOrder, lockOrderOf, releaseInCallerOrder } from './counter-lock-order.js';
import type { LeaseAcquireRequest } from './lease-records.js';
import type { ConsumeRequest, ReleaseRequest } from './entitlement-records.js';
import type { GrantedConsumeRequest } from './granted-consume.js';
import type { StoreAdapter, TransactionOptions } from './store-adapter.js';
import { STORE_OPERATIONS, type StoreOperationName, type StoreOperations } from './store-operations.js';
import type { Store } from './store.js';

/**
 * Marks the stores {@link defineStore} makes. `Symbol.for` shares it with
 * every copy of tenantry loaded in the process. It is an enumerable own
 * property, so a spread copy of a store (`{ ...store, extra }`) is still a
 * store: its operations are the wrapped ones.
 */
const STORE_BRAND = Symbol.for('tenantry.store');

/** The message of every call on a transaction handle after its transaction settled. */
const ENDED = 'This transaction has already ended; use the store, not tx.';

const NO_OPTIONS: TransactionOptions = Object.freeze({});

/**
 * One operation called on some operations object (the adapter, or the
 * adapter's transaction handle). Every operation takes at most two
 * arguments (checked below), so the wrappers pass two and never allocate a
 * rest array on the hot path.
 */
type Invoke = (ops: StoreOperations, a: unknown, b: unknown) => Promise<unknown>;

/** The operations taking more than two arguments, which {@link Invoke} would cut short. */
type TooManyArguments = { [K in StoreOperationName]: Parameters<StoreOperations[K]>['length'] extends 0 | 1 | 2 ? never : K }[StoreOperationName];
/** Fails to compile when an operation gains a third parameter: widen {@link Invoke} first. */
type RequireNever<T extends never> = T;
type _AtMostTwoArguments = RequireNever<TooManyArguments>;

/** `consume` with its counters in lock order, the result mapped back to the caller's order. */
const consumeInLockOrder: Invoke = (ops, a) => {
  const request = a as ConsumeRequest;
  const callerIndex = lockOrderOf('consume', request.counters);
  if (callerIndex === undefined) return ops.consume(request);
  const counters = callerIndex.map((i) => request.counters[i] as ConsumeRequest['counters'][number]);
  return ops.consume({ ...request, counters }).then((result) => consumeInCallerOrder(result, callerIndex));
};

/** `consumeGranted` with its levels in lock order, the result mapped back to the caller's order. */
const consumeGrantedInLockOrder: Invoke = (ops, a) => {
  const request = a as GrantedConsumeRequest;
  const callerIndex = lockOrderOf('consumeGranted', request.levels);
  if (callerIndex === undefined) return ops.consumeGranted(request);
  const levels = callerIndex.map((i) => request.levels[i] as GrantedConsumeRequest['levels'][number]);
  return ops.consumeGranted({ ...request, levels }).then((result) => grantedInCallerOrder(result, callerIndex));
};

/** `release` with its counters in lock order, the result mapped back to the caller's order. */
const releaseInLockOrder: Invoke = (ops, a) => {
  const request = a as ReleaseRequest;
  const callerIndex = lockOrderOf('release', request.counters);
  if (callerIndex === undefined) return ops.release(request);
  const counters = callerIndex.map((i) => request.counters[i] as ReleaseRequest['counters'][number]);
  return ops.release({ ...request, counters }).then((result) => releaseInCallerOrder(result, callerIndex));
};

/** `acquireLease` with its counters in lock order (so the lease row stores them so), `exceeded.index` mapped back. */
const acquireLeaseInLockOrder: Invoke = (ops, a) => {
  const request = a as LeaseAcquireRequest;
  const callerIndex = lockOrderOf('acquireLease', request.counters);
  if (callerIndex === undefined) return ops.acquireLease(request);
  const counters = callerIndex.map((i) => request.counters[i] as LeaseAcquireRequest['counters'][number]);
  return ops.acquireLease({ ...request, counters }).then((result) => {
    if (result.outcome !== 'exceeded') return { ...result, counters: inCallerOrder(result.counters, callerIndex) };
    return Object.freeze({ ...result, index: callerIndex[result.index] ?? result.index });
  });
};

function invokerOf(name: StoreOperationName): Invoke {
  if (name === 'acquireLease') return acquireLeaseInLockOrder;
  if (name === 'consume') return consumeInLockOrder;
  if (name === 'release') return releaseInLockOrder;
  if (name === 'consumeGranted') return consumeGrantedInLockOrder;
  return (ops, a, b) => (ops[name] as (a: unknown, b: unknown) => Promise<unknown>).call(ops, a, b);
}

/** Every operation's invoker, built once: the wrappers of every store and transaction share them. */
const INVOKERS = Object.freeze(Object.fromEntries(STORE_OPERATIONS.map((name) => [name, invokerOf(name)]))) as Readonly<Record<StoreOperationName, Invoke>>;

/** Runs `invoke`, turning a synchronous throw into a rejection so that every operation fails the same way. */
function start(invoke: Invoke, ops: StoreOperations, a: unknown, b: unknown): Promise<unknown> {
  try {
    return Promise.resolve(invoke(ops, a, b));
  } catch (error) {
    // What the operation threw, unchanged: classifying it is the caller's job.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error);
  }
}

/**
 * The error a store operation rejects with for `error`: tenantry errors as
 * they are; what the adapter classifies as a backend failure as
 * `StorageUnavailableError` with its reason (and the sanitized cause it
 * chose, never the raw error); anything else (a bug, a misuse) unchanged.
 */
function classify(adapter: StoreAdapter, error: unknown): unknown {
  if (isTenantryError(error)) return error;
  const failure = adapter.classifyError?.(error);
  if (failure === undefined) return error;
  const message = `The ${adapter.name} backend is unavailable (${failure.reason}).`;
  return new StorageUnavailableError(message, failure.cause === undefined ? { reason: failure.reason } : { reason: failure.reason, cause: failure.cause });
}

/**
 * The state of one open transaction: its operations take turns (each starts
 * once every operation called before it has settled), and none starts once
 * `work` has settled.
 */
class Turns {
  settled = false;
  /** Operations called and not yet settled. */
  #pending = 0;
  /** Settles (never rejects) when the last operation called has settled. */
  #tail: Promise<void> = Promise.resolve();
  readonly #inner: StoreOperations;
  readonly #rethrow: (error: unknown) => never;
  readonly #done = (): void => {
    this.#pending -= 1;
  };

  constructor(inner: StoreOperations, rethrow: (error: unknown) => never) {
    this.#inner = inner;
    this.#rethrow = rethrow;
  }

  run(invoke: Invoke, a: unknown, b: unknown): Promise<unknown> {
    // Uncontended (the usual `await tx.op()` one after another): start at once, no extra tick.
    const started = this.#pending === 0 ? this.#start(invoke, a, b) : this.#tail.then(() => this.#start(invoke, a, b));
    const result = started.then(undefined, this.#rethrow);
    this.#pending += 1;
    this.#tail = result.then(this.#done, this.#done);
    return result;
  }

  /** Resolves once every operation called so far has settled. */
  drained(): Promise<void> {
    return this.#tail;
  }

  #start(invoke: Invoke, a: unknown, b: unknown): Promise<unknown> {
    // Checked when the operation's turn comes, so a call queued behind the
    // last one of `work` cannot run on a transaction the adapter is ending.
    if (this.settled) return Promise.reject(new ConfigurationError(ENDED));
    return start(invoke, this.#inner, a, b);
  }
}

/** The `tx` handed to `work`: every operation, taking turns on `turns`. */
function handleOf(turns: Turns): StoreOperations {
  const handle: Partial<Record<StoreOperationName, (a: unknown, b: unknown) => Promise<unknown>>> = {};
  for (const name of STORE_OPERATIONS) {
    const invoke = INVOKERS[name];
    handle[name] = (a, b) => turns.run(invoke, a, b);
  }
  return Object.freeze(handle) as unknown as StoreOperations;
}

/** Throws `ConfigurationError` naming what `adapter` lacks. */
function assertAdapter(adapter: StoreAdapter): void {
  const shape = adapter as unknown as Partial<Record<string, unknown>> | null | undefined;
  if (typeof shape !== 'object' || shape === null) throw new ConfigurationError('defineStore() needs a store adapter object.');
  if (typeof shape.name !== 'string' || shape.name === '') throw new ConfigurationError('defineStore(): the adapter needs a non-empty "name".');
  const missing = [...STORE_OPERATIONS, 'transaction'].filter((name) => typeof shape[name] !== 'function');
  if (missing.length > 0)
    throw new ConfigurationError(`defineStore(): the adapter "${shape.name}" does not implement ${missing.map((name) => `"${name}"`).join(', ')}.`);
  if (shape.classifyError !== undefined && typeof shape.classifyError !== 'function') {
    throw new ConfigurationError(`defineStore(): "classifyError" of the adapter "${shape.name}" must be a function.`);
  }
}

/**
 * Makes the {@link Store} services use from a {@link StoreAdapter}: the
 * adapter's operations, with the guarantees listed on `StoreAdapter` added
 * once for every adapter. Throws `ConfigurationError` when `adapter` lacks
 * an operation, a name or `transaction`.
 *
 * The wrapper costs little on hot paths: no validation of records (services
 * validate), no allocation beyond the promise an operation needs; only
 * `consume` and `release` with counters out of lock order copy their request.
 *
 * @example
 * ```ts
 * import { defineStore, type StoreAdapter } from 'tenantry/store';
 *
 * class MyAdapter implements StoreAdapter {
 *   readonly name = 'my-backend';
 *   // ... every operation of STORE_OPERATIONS, transaction() and classifyError()
 * }
 *
 * const tenantry = createTenantry({ store: defineStore(new MyAdapter()), capabilities, roles });
 * ```
 */
export function defineStore(adapter: StoreAdapter): Store {
  assertAdapter(adapter);
  const rethrow = (error: unknown): never => {
    throw classify(adapter, error);
  };
  const store: Record<string | symbol, unknown> = { [STORE_BRAND]: true, name: adapter.name };
  for (const name of STORE_OPERATIONS) {
    const invoke = INVOKERS[name];
    store[name] = (a: unknown, b: unknown) => start(invoke, adapter, a, b).then(undefined, rethrow);
  }
  store.transaction = async function transaction<T>(work: (tx: StoreOperations) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (typeof work !== 'function') throw new ConfigurationError('transaction() needs a work function.');
    if (options?.tenantId !== undefined && typeof options.tenantId !== 'string') throw new ConfigurationError('transaction(): "tenantId" must be a string.');
    // The errors of `work` itself (the host's, or an operation's, already classified) pass through untouched.
    let own: { readonly error: unknown } | undefined;
    try {
      return await adapter.transaction(async (inner) => {
        const turns = new Turns(inner, rethrow);
        try {
          return await work(handleOf(turns));
        } catch (error) {
          own = { error };
          throw error;
        } finally {
          turns.settled = true;
          // Operations `work` started without awaiting finish before the adapter commits or rolls back.
          await turns.drained();
        }
      }, options ?? NO_OPTIONS);
    } catch (error) {
      if (own !== undefined && own.error === error) throw error;
      throw classify(adapter, error);
    }
  };
  if (adapter.hostTransaction !== undefined) {
    store.hostTransaction = <T>(work: (inner: Store, db: unknown) => Promise<T>): Promise<T> =>
      (adapter.hostTransaction as NonNullable<StoreAdapter['hostTransaction']>).call(adapter, (nested: StoreAdapter, db: unknown) =>
        work(defineStore(nested), db),
      ) as Promise<T>;
  }
  return Object.freeze(store) as unknown as Store;
}

/**
 * True when `value` is a store made by {@link defineStore} (`memoryStore()`,
 * `kyselyStore(db)`, or your adapter wrapped), in any copy of tenantry; a
 * bare {@link StoreAdapter} is not one.
 */
export function isStore(value: unknown): value is Store {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STORE_BRAND] === true;
}
