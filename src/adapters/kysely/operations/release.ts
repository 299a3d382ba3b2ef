import type { CounterChange, ReleaseRequest, ReleaseResult } from '../../../store/entitlement-records.js';
import type { CounterKeyValues } from '../dialects/store-dialect.js';
import { atomicUnlessRefused, type Scope } from '../scope.js';
import { counterKeyOf, readCounterLatest } from './counter-reads.js';

/**
 * `Store.release`: one transaction (a savepoint inside the caller's), one
 * guarded decrement per counter (`used >= amount` in its `WHERE` clause).
 * When a decrement matches nothing, the counter is read under a lock: if it
 * holds less than the amount the whole release is refused and rolled back;
 * if a concurrent consumption has just raised it, the decrement is repeated
 * and, the row now being locked, applies.
 */
export function release(scope: Scope, request: ReleaseRequest): Promise<ReleaseResult> {
  const { tenantId, amount } = request;
  return atomicUnlessRefused<ReleaseResult>(scope, async (ctx, refuse) => {
    const decrement = (key: CounterKeyValues) => ctx.dialect.counters.decrement(ctx.q, ctx.tables.usage_counters, key, amount);
    const changes: CounterChange[] = [];
    for (const [index, target] of request.counters.entries()) {
      const key = counterKeyOf(ctx, tenantId, target);
      let after = await decrement(key);
      if (after === undefined) {
        const used = (await readCounterLatest(ctx, key)) ?? 0;
        if (used < amount) return refuse(Object.freeze({ outcome: 'insufficient', index, used }));
        after = await decrement(key);
        if (after === undefined) throw new Error(`Counter "${target.featureKey}" holds ${used} but its decrement by ${amount} was refused.`);
      }
      changes.push(Object.freeze({ before: after + amount, after }));
    }
    return Object.freeze({ outcome: 'released', counters: Object.freeze(changes) });
  });
}
