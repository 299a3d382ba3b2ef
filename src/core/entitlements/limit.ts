import { ValidationError } from '../errors/index.js';

/**
 * A numeric limit: a non-negative safe integer in the feature's unit, or
 * `'unlimited'`. Amounts are integers so that counters stay exact in every
 * storage backend; pick a small unit (`mb`, not `gb`) for fractional things.
 */
export type Limit = number | 'unlimited';

/**
 * Throws {@link ValidationError} unless `value` is a non-negative safe
 * integer. The arithmetic functions call it on every count they receive, so a
 * corrupt counter or a negative amount fails loudly instead of skewing a limit.
 */
export function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(`Invalid ${what}: expected a non-negative safe integer.`, [
      { path: [what], message: 'Expected a non-negative safe integer.' },
    ]);
  }
}

/** Throws {@link ValidationError} unless `value` is a {@link Limit}. */
export function assertLimit(value: Limit, what: string): void {
  if (value !== 'unlimited') assertCount(value, what);
}

/** Throws {@link ValidationError} unless `value` is a valid `Date`. */
export function assertDate(value: Date, what: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(`Invalid ${what}: expected a valid Date.`, [{ path: [what], message: 'Expected a valid Date.' }]);
  }
}

/**
 * Orders limits: every number is below `'unlimited'`. Returns a negative
 * number, zero or a positive number like `Array.prototype.sort` comparators.
 */
export function compareLimits(a: Limit, b: Limit): number {
  if (a === b) return 0;
  if (a === 'unlimited') return 1;
  if (b === 'unlimited') return -1;
  return a - b;
}
