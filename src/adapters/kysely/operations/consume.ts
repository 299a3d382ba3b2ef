import { NotFoundError } from '../../../core/errors/index.js';
import { counterCeiling, type ConsumeRequest, type ConsumeResult, type CounterChange, type CounterTarget } from '../../../store/entitlement-records.js';
import type { CounterKeyValues } from '../dialects/store-dialect.js';
import { atomicUnlessRefused, type Scope } from '../scope.js';
import { counterKeyOf, readCounterLatest, readCounters } from './counter-reads.js';
import { claimKey, completeClaim, keyRecorded } from './idempotency.js';
import { namingMissingParent } from './parents.js';
import type { QueryContext } from './query-context.js';
import { tenantExists } from './reads.js';

const CONFLICT: ConsumeResult = Object.freeze({ outcome: 'idempotency_conflict' });

function consumed(counters: readonly CounterChange[]): ConsumeResult {
  return Object.freeze({ outcome: 'consumed', counters: Object.freeze(counters) });
}

/** Whether `amount` can never fit under `target`'s limit (or the counter ceiling), whatever the counter holds. */
const tooLarge = (target: CounterTarget, amount: number) => amount > counterCeiling(target.limit);

/**
 * The one-statement path: one counter, no idempotency key, outside any
 * transaction, on a dialect that writes without one (PostgreSQL, MySQL).
 * Resolves `undefined` when the path does not apply or the counter had no
 * room: the transactional path then decides, reading the refusing value
 * under the row lock.
 */
async function consumeInOneStatement(scope: Scope, request: ConsumeRequest): Promise<ConsumeResult | undefined> {
  const [target, ...others] = request.counters;
  if (target === undefined || others.length > 0 || request.idempotency !== undefined) return undefined;
  if (scope.transaction !== undefined || scope.dialect.singleWritesNeedTransaction || tooLarge(target, request.amount)) return undefined;
  const ctx = { q: scope.db, dialect: scope.dialect, tables: scope.tables };
  const after = await scope.dialect.counters.increment(
    scope.db,
    scope.tables.usage_counters,
    counterKeyOf(ctx, request.tenantId, target),
    request.amount,
    target.limit,
  );
  return after === undefined ? undefined : consumed([Object.freeze({ before: after - request.amount, after })]);
}

/** The `exceeded` result for counter `index`, read under the lock its refused write took. */
async function exceeded(ctx: QueryContext, tenantId: string, index: number, key: CounterKeyValues): Promise<ConsumeResult> {
  const used = await readCounterLatest(ctx, key);
  // A counter that exists belongs to an existing tenant (foreign key); only an
  // absent one can hide a missing tenant, which the memory store reports first.
  if (used === undefined && !(await tenantExists(ctx, tenantId))) throw new NotFoundError();
  return Object.freeze({ outcome: 'exceeded', index, used: used ?? 0 });
}

/**
 * Every step of a consumption inside one atomic unit: claim the idempotency
 * key (or return the earlier result), then one guarded write per counter in
 * the given (global lock) order, then complete the key's record. The first
 * counter without room refuses the unit, which rolls back every write.
 */
export async function consumeAll(ctx: QueryContext, request: ConsumeRequest, refuse: (result: ConsumeResult) => never): Promise<ConsumeResult> {
  const { tenantId, amount, idempotency } = request;
  if (idempotency !== undefined) {
    const earlier = await claimKey(ctx, tenantId, idempotency, request.now);
    if (earlier !== undefined) {
      if (earlier.fingerprint !== idempotency.fingerprint) return CONFLICT;
      return Object.freeze({ outcome: 'replayed', counters: earlier.counters, ...(earlier.limits === undefined ? {} : { limits: earlier.limits }) });
    }
  }
  // With no counter to write (and no key to claim) no foreign key checks the tenant.
  if (request.counters.length === 0 && idempotency === undefined && !(await tenantExists(ctx, tenantId))) throw new NotFoundError();
  const changes: CounterChange[] = [];
  for (const [index, target] of request.counters.entries()) {
    const key = counterKeyOf(ctx, tenantId, target);
    const after = tooLarge(target, amount) ? undefined : await ctx.dialect.counters.increment(ctx.q, ctx.tables.usage_counters, key, amount, target.limit);
    if (after === undefined) return refuse(await exceeded(ctx, tenantId, index, key));
    changes.push(Object.freeze({ before: after - amount, after }));
  }
  if (idempotency !== undefined) await completeClaim(ctx, tenantId, idempotency.key, changes, request.counters);
  return consumed(changes);
}

/**
 * The answer to a consumption that lost a deadlock, if a plain read can give
 * it without writing: `exceeded` when a counter cannot take the amount.
 * One statement reads every counter, so the values are one consistent
 * instant, at which the consumption would indeed have been refused at that
 * index. A consumption whose idempotency key is already recorded is left to
 * the retry, which replays it, as the memory store checks the key first.
 */
export async function refusedByRead(ctx: QueryContext, request: ConsumeRequest): Promise<ConsumeResult | undefined> {
  const used = await readCounters(ctx, request.tenantId, request.counters);
  const index = request.counters.findIndex((target, i) => request.amount > counterCeiling(target.limit) - (used[i] ?? 0));
  if (index < 0) return undefined;
  if (request.idempotency !== undefined && (await keyRecorded(ctx, request.tenantId, request.idempotency.key, request.now))) return undefined;
  if (!(await tenantExists(ctx, request.tenantId))) throw new NotFoundError();
  return Object.freeze({ outcome: 'exceeded', index, used: used[index] ?? 0 });
}

/**
 * `Store.consume`. The guard and the increment of each counter are one
 * statement (see the dialects' `counters`), never a read followed by a
 * write. One counter without an idempotency key, outside a transaction, is
 * that single statement; everything else is one transaction (a savepoint
 * inside the caller's), all counters or none. A missing tenant or feature,
 * found by the foreign keys, is reported as `NotFoundError` or
 * `FeatureNotFoundError` once the writes are rolled back.
 */
export function consume(scope: Scope, request: ConsumeRequest): Promise<ConsumeResult> {
  const features = request.counters.map((target) => target.featureKey);
  return namingMissingParent(scope, request.tenantId, features, async () => {
    return (
      (await consumeInOneStatement(scope, request)) ??
      atomicUnlessRefused(
        scope,
        (ctx, refuse) => consumeAll(ctx, request, refuse),
        (ctx) => refusedByRead(ctx, request),
      )
    );
  });
}
