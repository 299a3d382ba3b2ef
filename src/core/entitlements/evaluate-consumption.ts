import { assertCount, assertLimit, COUNTER_CEILING, type Limit } from './limit.js';

/** Input of {@link evaluateConsumption}. */
export interface ConsumptionEvaluationInput {
  /** The effective limit. */
  readonly limit: Limit;
  /** Usage so far (in the current window, for a resetting feature). */
  readonly used: number;
  /** The amount to consume; `0` asks "is there room at all?" without a size. */
  readonly amount: number;
}

/** Outcome of {@link evaluateConsumption}. Frozen. */
export interface ConsumptionEvaluation {
  /**
   * True when `used + amount <= limit`; for `'unlimited'`, when
   * `used + amount <= COUNTER_CEILING` (no counter passes it).
   */
  readonly allowed: boolean;
  /** Usage after the consumption: `used + amount` when allowed, else `used` (nothing is consumed). */
  readonly usedAfter: number;
  /**
   * Room left once `usedAfter` is reached (never negative), or `'unlimited'`;
   * an unlimited level refused at the ceiling reports `COUNTER_CEILING - used`.
   */
  readonly remaining: Limit;
  /** How far the request goes past the limit (or the ceiling): `used + amount - limit` when refused, else `0`. */
  readonly overage: number;
}

/**
 * Decides one consumption against one limit. All or nothing: a request that
 * does not fit entirely is refused entirely, never partly granted. Usage can
 * already be above the limit (after a downgrade); then every non-zero amount is
 * refused and `remaining` is `0`. An unlimited limit still stops at
 * {@link COUNTER_CEILING}, as every store does.
 *
 * Throws `ValidationError` unless `used` and `amount` are non-negative safe
 * integers and `limit` is one or `'unlimited'`.
 *
 * @example
 * ```ts
 * evaluateConsumption({ limit: 10, used: 8, amount: 3 });
 * // { allowed: false, usedAfter: 8, remaining: 2, overage: 1 }
 * ```
 */
export function evaluateConsumption({ limit, used, amount }: ConsumptionEvaluationInput): ConsumptionEvaluation {
  assertLimit(limit, 'limit');
  assertCount(used, 'used');
  assertCount(amount, 'amount');
  // `amount - (limit - used)` rather than `used + amount - limit`: both
  // operands are safe integers, so the difference is exact even when the sum is not.
  const room = (limit === 'unlimited' ? COUNTER_CEILING : limit) - used;
  if (amount <= room) {
    return Object.freeze({ allowed: true, usedAfter: used + amount, remaining: limit === 'unlimited' ? 'unlimited' : room - amount, overage: 0 });
  }
  return Object.freeze({ allowed: false, usedAfter: used, remaining: Math.max(0, room), overage: amount - room });
}

/** Input of {@link evaluateRelease}. */
export interface ReleaseEvaluationInput {
  /** Current usage of the gauge. */
  readonly used: number;
  /** The amount to give back. */
  readonly amount: number;
}

/** Outcome of {@link evaluateRelease}. Frozen. */
export interface ReleaseEvaluation {
  /** Usage after the release. */
  readonly usedAfter: number;
  /** What was actually released: `amount`, or less when usage was lower. */
  readonly released: number;
}

/**
 * Gives usage of a gauge (a feature with reset `'none'`) back. Usage never
 * goes below zero: releasing more than is used releases what there is, so a
 * release after an administrative recount cannot leave a negative counter.
 * `released` reports the amount that counted.
 *
 * Throws `ValidationError` unless both numbers are non-negative safe integers.
 */
export function evaluateRelease({ used, amount }: ReleaseEvaluationInput): ReleaseEvaluation {
  assertCount(used, 'used');
  assertCount(amount, 'amount');
  const released = Math.min(used, amount);
  return Object.freeze({ usedAfter: used - released, released });
}
