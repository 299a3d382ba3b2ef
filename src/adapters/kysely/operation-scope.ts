import type { StoreOperations } from '../../store/store.js';
import type { StoreDialect, StoreQueries } from './dialects/store-dialect.js';
import { deleteMembership, updateMembershipRole } from './operations/guarded-writes.js';
import { createTenant, insertMembership } from './operations/inserts.js';
import type { QueryContext } from './operations/query-context.js';
import { findMembership, findTenant, listMembers, listMembershipsOfUser } from './operations/reads.js';
import { toStoreError } from './storage-errors.js';
import type { TableNames } from './tables.js';
import { runInTransaction, withSavepoint } from './transactions.js';

/**
 * Where a set of operations runs: directly on the host's instance, or on the
 * connection of a transaction the store opened.
 */
export interface Scope {
  readonly db: StoreQueries;
  readonly dialect: StoreDialect;
  readonly tables: TableNames;
  /** The connection of the enclosing `transaction()`, or `undefined` outside one. */
  readonly transaction: StoreQueries | undefined;
  /** False once the enclosing `transaction()` has settled. */
  isOpen(): boolean;
  /** Runs `op` once every operation started before it in this scope has settled. */
  inTurn<T>(op: () => Promise<T>): Promise<T>;
}

/**
 * One operation at a time on a transaction's connection. Operations of
 * several statements (a guarded write's lock, read and write; createTenant's
 * savepoint) must not interleave with each other inside one transaction:
 * two guarded writes would both count the same owners.
 */
export function turnTaker(): Scope['inTurn'] {
  let previous: Promise<unknown> = Promise.resolve();
  return (op) => {
    const current = previous.then(op, op);
    previous = current.catch(() => undefined);
    return current;
  };
}

function contextOn(scope: Scope, q: StoreQueries): QueryContext {
  return { q, dialect: scope.dialect, tables: scope.tables };
}

/** Runs `work` as one atomic unit: in a transaction of its own, or inside the enclosing one. */
function atomic<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  if (scope.transaction !== undefined) return work(contextOn(scope, scope.transaction));
  return runInTransaction(scope.db, scope.dialect, (connection) => work(contextOn(scope, connection)));
}

/** Like {@link atomic}, and inside an enclosing transaction a failure undoes only this operation. */
function allOrNothing<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  const connection = scope.transaction;
  if (connection === undefined) return atomic(scope, work);
  return withSavepoint(connection, () => work(contextOn(scope, connection)));
}

/** A single statement: atomic on its own, except where the dialect needs a transaction to wait for its write lock. */
function single<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  if (scope.transaction === undefined && !scope.dialect.singleWritesNeedTransaction) return work(contextOn(scope, scope.db));
  return atomic(scope, work);
}

/** A read: on the enclosing transaction's connection, or on the host's instance. */
function read<T>(scope: Scope, work: (ctx: QueryContext) => Promise<T>): Promise<T> {
  return work(contextOn(scope, scope.transaction ?? scope.db));
}

/** The store operations over `scope`, each mapping driver errors to tenantry errors. */
export function operationsIn(scope: Scope): StoreOperations {
  const run = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await scope.inTurn(() => {
        // Checked when the operation's turn comes, so a call queued behind the
        // last one of a transaction cannot run on a connection already released.
        if (!scope.isOpen()) throw new Error('This transaction has already ended; use the store, not tx.');
        return op();
      });
    } catch (error) {
      throw toStoreError(scope.dialect, error);
    }
  };
  return Object.freeze({
    createTenant: (tenant, owner) => run(() => allOrNothing(scope, (ctx) => createTenant(ctx, tenant, owner))),
    findTenant: (tenantId) => run(() => read(scope, (ctx) => findTenant(ctx, tenantId))),
    findMembership: (tenantId, userId) => run(() => read(scope, (ctx) => findMembership(ctx, tenantId, userId))),
    listMembershipsOfUser: (userId) => run(() => read(scope, (ctx) => listMembershipsOfUser(ctx, userId))),
    listMembers: (tenantId, page) => run(() => read(scope, (ctx) => listMembers(ctx, tenantId, page))),
    insertMembership: (membership) => run(() => single(scope, (ctx) => insertMembership(ctx, membership))),
    updateMembershipRole: (change) => run(() => atomic(scope, (ctx) => updateMembershipRole(ctx, change))),
    deleteMembership: (removal) => run(() => atomic(scope, (ctx) => deleteMembership(ctx, removal))),
  } satisfies StoreOperations);
}
