import { ValidationError } from '../errors/index.js';

/**
 * A numeric limit: a non-negative safe integer in the feature's unit, or
 * `'unlimited'`. Amounts are integers so that counters stay exact in every
 * storage backend; pick a small unit (`mb`, not `gb`) for fractional things.
 */
export type Limit = number | 'unlimited';

/**
 * The highest value a usage counter can hold: `Number.MAX_SAFE_INTEGER`
 * (2^53 - 1), the largest count every store and JavaScript itself represent
 * exactly. It caps unlimited counters too: a consumption that would take any
 * counter past it is refused (as `limit_exceeded`, with this number as the
 * limit) and counts nothing, so usage always reads back exactly.
 */
export const COUNTER_CEILING = Number.MAX_SAFE_INTEGER;

/**
 * The largest amount one consumption (or check, or release) may ask for:
 * 2^31 - 1 = 2_147_483_647. Larger amounts are a `ValidationError`.
 *
 * Amounts often come from request bodies (the tokens a call asks for); the
 * bound keeps one request from filling an unlimited counter up to
 * {@link COUNTER_CEILING} (it takes over four million maximal consumptions
 * in one window), and it fits a 32-bit integer in every language and column
 * type. It is far above what one operation consumes in a sensible unit
 * (tokens, requests, `MB`); count bulk quantities in a unit where one call
 * stays below it (2^31 - 1 bytes is only 2 GiB: use `MB`).
 */
export const MAX_CONSUME_AMOUNT = 2_147_483_647;

/**
 * Throws {@link ValidationError} unless `value` is a non-negative safe
 * integer. The arithmetic functions call it on every count they receive, so a
 * corrupt counter or a negative amount fails loudly instead of skewing a limit.
 */
export function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(`Invalid ${what}: expected a non-negative safe integer.`, [{ path: [what], message: 'Expected a non-negative safe integer.' }]);
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
