import type { StoreDialect, StoreQueries } from './dialects/store-dialect.js';
import type { ActiveMembershipLookup } from './operations/active-membership.js';
import type { QueryContext } from './operations/query-context.js';
import type { TableNames } from './tables.js';
import { runInTransaction, withSavepoint } from './transactions.js';

/**
 * Where a set of operations runs: directly on the host's instance, or on the
 * connection of a transaction the adapter opened. Inside a transaction the
 * store wrapper (`defineStore`) runs one operation at a time, so an
 * operation of several statements (a guarded write's lock, read and write;
 * createTenant's savepoint) never interleaves with another on the connection.
 */
export interface Scope {
  readonly db: StoreQueries;
  readonly dialect: StoreDialect;
  readonly tables: TableNames;
  /** The connection of the enclosing `transaction()`, or `undefined` outside one. */
  readonly transaction: StoreQueries | undefined;
  /** Statements compiled once per store and shared by its transactions. */
  readonly statements: { readonly activeMembership: ActiveMembershipLookup };
}

function contextOn(scope: Scope, q: StoreQueries): QueryContext {
  return { q, dialect: scope.dialect, tables: scope.tables };
}

/** Runs `work` as one atomic unit: in a transaction of its own, or inside the enclosing one. */
export function atomic<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  if (scope.transaction !== undefined) return work(contextOn(scope, scope.transaction));
  return runInTransaction(scope.db, scope.dialect, (connection) => work(contextOn(scope, connection)));
}

/** Like {@link atomic}, and inside an enclosing transaction a failure undoes only this operation. */
export function allOrNothing<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  const connection = scope.transaction;
  if (connection === undefined) return atomic(scope, work);
  return withSavepoint(connection, () => work(contextOn(scope, connection)));
}

/** A single statement: atomic on its own, except where the dialect needs a transaction to wait for its write lock. */
export function single<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  if (scope.transaction === undefined && !scope.dialect.singleWritesNeedTransaction) return work(contextOn(scope, scope.db));
  return atomic(scope, work);
}

/**
 * A single write that may fail (a constraint, a concurrent delete): like
 * {@link single} outside a transaction, under a savepoint inside one, so that
 * its failure leaves the caller's transaction usable (PostgreSQL aborts a
 * transaction on any failed statement).
 */
export function fallible<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  return scope.transaction === undefined ? single(scope, work) : allOrNothing(scope, work);
}

/** A read: on the enclosing transaction's connection, or on the host's instance. */
export function read<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  return work(contextOn(scope, scope.transaction ?? scope.db));
}

/** Thrown through an atomic unit to roll it back; carries no data of its own. */
class RolledBack extends Error {
  constructor() {
    super('The atomic unit was rolled back on purpose.');
    this.name = 'RolledBack';
  }
}

/**
 * How often a unit that ran in a transaction of its own is tried in all
 * after the server chose it as a deadlock victim, and the longest pause
 * before a retry.
 */
const DEADLOCK_ATTEMPTS = 10;
const MAX_DEADLOCK_PAUSE_MS = 50;

function pauseAfterDeadlock(attempt: number): Promise<void> {
  // Exponential back-off with jitter, so the transactions that deadlocked do not collide again in step.
  const ms = Math.min(2 ** attempt, MAX_DEADLOCK_PAUSE_MS) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `work` all or nothing (see {@link allOrNothing}). `work` may call
 * `refuse(result)`: everything it wrote is rolled back and the operation
 * resolves with `result`, which is how an exceeded limit undoes the counters
 * incremented before the one that had no room.
 *
 * A unit that ran in a transaction of its own and lost a deadlock is run
 * again after a short pause: the server rolled all of it back, so nothing
 * happened yet. Counters are always written in one global order, so this
 * only happens on InnoDB while counter rows are being created: when a
 * transaction that inserted a new counter rolls back (a later counter had no
 * room), the locks others were waiting with on that row become gap locks,
 * and two of them inserting into that gap deadlock. Before retrying,
 * `settleWithoutRetry` may answer from a plain read instead (a consumption
 * that a consistent read shows cannot fit is refused without writing, which
 * is what ends such a storm: it is the refusals' rollbacks that cause it).
 * Inside an enclosing transaction the deadlock propagates, as the whole
 * transaction is gone.
 */
export async function atomicUnlessRefused<T>(
  scope: Scope,
  work: (ctx: QueryContext, refuse: (result: T) => never) => Promise<T>,
  settleWithoutRetry?: (ctx: QueryContext) => Promise<T | undefined>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    let refusal: { readonly result: T } | undefined;
    const refuse = (result: T): never => {
      refusal = { result };
      throw new RolledBack();
    };
    try {
      return await allOrNothing(scope, (ctx) => work(ctx, refuse));
    } catch (error) {
      if (refusal !== undefined && error instanceof RolledBack) return refusal.result;
      if (scope.transaction !== undefined || attempt >= DEADLOCK_ATTEMPTS || !scope.dialect.isDeadlock(error)) throw error;
    }
    const settled = await read(scope, (ctx) => settleWithoutRetry?.(ctx) ?? Promise.resolve(undefined));
    if (settled !== undefined) return settled;
    await pauseAfterDeadlock(attempt);
  }
}
