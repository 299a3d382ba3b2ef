import { assertCount, assertLimit, type Limit } from './limit.js';

/** True when `used` is at or above `percent` % of `limit`. Integer arithmetic: no rounding at the boundary. */
function reaches(used: number, percent: number, limit: number): boolean {
  return used * 100 >= percent * limit;
}

/**
 * The highest usage-alert threshold that a change of usage from `before` to
 * `after` newly reaches, or `null` when none is. A threshold `t` is reached
 * when usage is at least `t` % of the limit; it is newly reached when
 * `before` was below it and `after` is not.
 *
 * Only the highest one is returned: a jump from 70 % to 95 % alerts once, at
 * 90, not at 80 and 90. Because a threshold is only newly reached from below,
 * usage that only grows reaches each threshold at most once however the
 * consumption is split into steps. Recording "once per threshold per period"
 * (releases can make a gauge go down and up again) is the alert history's job.
 *
 * Never fires for an `'unlimited'` limit, a limit of `0` (there is nothing to
 * fill), or when usage does not grow.
 *
 * Throws `ValidationError` for a count that is not a non-negative safe integer.
 *
 * @example
 * ```ts
 * crossedThresholds(700, 950, 1000, [80, 90, 100]); // 90
 * crossedThresholds(950, 960, 1000, [80, 90, 100]); // null
 * ```
 */
export function crossedThresholds(before: number, after: number, limit: Limit, thresholds: readonly number[]): number | null {
  assertCount(before, 'before');
  assertCount(after, 'after');
  assertLimit(limit, 'limit');
  if (limit === 'unlimited' || limit === 0 || after <= before) return null;
  let highest: number | null = null;
  for (const threshold of thresholds) {
    if (!reaches(before, threshold, limit) && reaches(after, threshold, limit) && (highest === null || threshold > highest)) {
      highest = threshold;
    }
  }
  return highest;
}
