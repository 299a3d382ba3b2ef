import { ConfigurationError } from '../core/errors/index.js';
import type { CounterKey } from './entitlement-operations.js';
import type { ConsumeResult, CounterChange, ReleaseResult } from './entitlement-records.js';
import type { GrantedConsumeResult, GrantedLimit } from './granted-consume.js';

/** `a` before `b` in UTF-16 code-unit order (what `<` on strings compares), as -1, 0 or 1. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The global lock order of counters: feature key, then namespace, then
 * window start, text in code-unit order. Every store takes a request's
 * counters in this one order, so two requests over overlapping counters
 * always lock their shared counters in the same sequence and cannot
 * deadlock each other.
 */
export function compareCounters(a: CounterKey, b: CounterKey): number {
  const x = a.windowStart.getTime();
  const y = b.windowStart.getTime();
  return compareText(a.featureKey, b.featureKey) || compareText(a.namespace, b.namespace) || (x < y ? -1 : x > y ? 1 : 0);
}

/** True when `a` and `b` name the same counter (an invalid window equals nothing, so it is left to the adapter to refuse). */
function sameCounter(a: CounterKey, b: CounterKey): boolean {
  return a.featureKey === b.featureKey && a.namespace === b.namespace && a.windowStart.getTime() === b.windowStart.getTime();
}

function duplicate(operation: string, first: number, second: number): ConfigurationError {
  return new ConfigurationError(
    `${operation}: counters ${String(first)} and ${String(second)} are the same counter; every counter of one request must be distinct.`,
  );
}

/**
 * The caller's index of each counter, in lock order ({@link compareCounters}),
 * or `undefined` when `counters` already are in lock order (the common case:
 * no copy is made then). Throws `ConfigurationError` when a counter appears
 * twice: one request would then count it twice, which no service means to do.
 */
export function lockOrderOf(operation: string, counters: readonly CounterKey[]): readonly number[] | undefined {
  const count = counters.length;
  let ordered = true;
  for (let i = 1; i < count && ordered; i += 1) {
    const previous = counters[i - 1] as CounterKey;
    const current = counters[i] as CounterKey;
    const order = compareCounters(previous, current);
    if (order === 0 && sameCounter(previous, current)) throw duplicate(operation, i - 1, i);
    ordered = order < 0;
  }
  if (ordered) return undefined;
  const callerIndex = Array.from({ length: count }, (_, i) => i).sort((i, j) => compareCounters(counters[i] as CounterKey, counters[j] as CounterKey) || i - j);
  for (let k = 1; k < count; k += 1) {
    const i = callerIndex[k - 1] as number;
    const j = callerIndex[k] as number;
    if (sameCounter(counters[i] as CounterKey, counters[j] as CounterKey)) throw duplicate(operation, Math.min(i, j), Math.max(i, j));
  }
  return callerIndex;
}

/** `items` (one per counter, in lock order) in the caller's order; as they are when their count does not match. */
export function inCallerOrder<T>(items: readonly T[], callerIndex: readonly number[]): readonly T[] {
  if (items.length !== callerIndex.length) return items;
  const result = new Array<T>(items.length);
  for (let k = 0; k < items.length; k += 1) result[callerIndex[k] as number] = items[k] as T;
  return Object.freeze(result);
}

/**
 * A consume result of counters in lock order, in the caller's order:
 * `counters` (and a replay's `limits`) permuted, `exceeded.index` mapped.
 * A replayed record whose number of counters differs from the request's
 * (the catalog changed since) is returned as it was recorded.
 */
export function consumeInCallerOrder(result: ConsumeResult, callerIndex: readonly number[]): ConsumeResult {
  switch (result.outcome) {
    case 'consumed':
      return Object.freeze({ outcome: 'consumed', counters: inCallerOrder<CounterChange>(result.counters, callerIndex) });
    case 'replayed':
      return Object.freeze({
        outcome: 'replayed',
        counters: inCallerOrder<CounterChange>(result.counters, callerIndex),
        ...(result.limits === undefined ? {} : { limits: inCallerOrder(result.limits, callerIndex) }),
      });
    case 'exceeded':
      return Object.freeze({ outcome: 'exceeded', index: callerIndex[result.index] ?? result.index, used: result.used });
    default:
      return result;
  }
}

/** A `consumeGranted` result of levels in lock order, in the caller's order (`levels` permuted as well). */
export function grantedInCallerOrder(result: GrantedConsumeResult, callerIndex: readonly number[]): GrantedConsumeResult {
  if (result.outcome === 'anchor_moved' || result.outcome === 'unresolved') return result;
  const { levels, ...rest } = result;
  return Object.freeze({ ...consumeInCallerOrder(rest, callerIndex), levels: inCallerOrder<GrantedLimit>(levels, callerIndex) });
}

/** A release result of counters in lock order, in the caller's order. */
export function releaseInCallerOrder(result: ReleaseResult, callerIndex: readonly number[]): ReleaseResult {
  return result.outcome === 'released'
    ? Object.freeze({ outcome: 'released', counters: inCallerOrder<CounterChange>(result.counters, callerIndex) })
    : Object.freeze({ outcome: 'insufficient', index: callerIndex[result.index] ?? result.index, used: result.used });
}
