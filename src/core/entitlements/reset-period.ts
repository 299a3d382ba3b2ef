import { ConfigurationError } from '../errors/index.js';

/** Every period unit, for validation and exhaustive tests. */
export const PERIOD_UNITS = Object.freeze(['day', 'week', 'month', 'year'] as const);

/**
 * Length of a recurring period.
 *
 * - `day`: 24 hours.
 * - `week`: 7 days; calendar weeks start on Monday (ISO 8601).
 * - `month`: one calendar month; anchored months keep the anchor's day, clamped to short months.
 * - `year`: twelve months, with the same clamping (an anchor on Feb 29 falls on Feb 28 in common years).
 */
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

/**
 * Where the windows of a recurring period start.
 *
 * - `calendar`: at UTC calendar boundaries (midnight, Monday, the 1st, January 1st).
 * - `cycle`: at the tenant's billing-cycle anchor, then every period after (and before) it.
 */
export type PeriodAnchor = 'calendar' | 'cycle';

/** A period after which usage starts again from zero. */
export interface RecurringPeriod {
  /** The length of one window. */
  readonly every: PeriodUnit;
  /** Where windows start. */
  readonly anchor: PeriodAnchor;
}

/**
 * When usage of a limit feature resets.
 *
 * - `'none'`: never. The feature is a gauge (seats, projects): usage goes up on
 *   consume and down on release.
 * - a {@link RecurringPeriod}: usage counts within a window and starts from zero
 *   in the next one; it is never released.
 */
export type ResetPeriod = 'none' | RecurringPeriod;

/**
 * What a feature definition may say for its reset period: `'none'`, a unit as
 * shorthand for a calendar period (`'month'` is `{ every: 'month', anchor: 'calendar' }`),
 * or the object form. The object's `anchor` defaults to `'calendar'`.
 */
export type ResetPeriodInput = 'none' | PeriodUnit | { readonly every: PeriodUnit; readonly anchor?: PeriodAnchor };

function isUnit(value: unknown): value is PeriodUnit {
  return typeof value === 'string' && (PERIOD_UNITS as readonly string[]).includes(value);
}

function isAnchor(value: unknown): value is PeriodAnchor {
  return value === 'calendar' || value === 'cycle';
}

/**
 * Normalizes a reset period to its canonical, frozen form. Throws
 * {@link ConfigurationError} naming the feature for anything else.
 */
export function normalizeResetPeriod(input: ResetPeriodInput, feature: string): ResetPeriod {
  if (input === 'none') return 'none';
  if (isUnit(input)) return Object.freeze({ every: input, anchor: 'calendar' });
  if (typeof input === 'object' && (input as unknown) !== null && isUnit(input.every)) {
    const anchor: unknown = input.anchor ?? 'calendar';
    if (isAnchor(anchor)) return Object.freeze({ every: input.every, anchor });
  }
  throw new ConfigurationError(
    `Feature "${feature}" has an invalid reset period ${JSON.stringify(input)}: use 'none', one of ${PERIOD_UNITS.join(', ')}, or { every, anchor: 'calendar' | 'cycle' }.`,
  );
}

/** True when usage of a feature with this period never resets (a gauge). */
export function isGauge(period: ResetPeriod): period is 'none' {
  return period === 'none';
}
