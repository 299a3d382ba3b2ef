import { ValidationError } from '../errors/index.js';
import { assertDate } from './limit.js';
import type { RecurringPeriod } from './reset-period.js';

/**
 * One window of a recurring period, half-open: it contains `start` and every
 * instant before `end`. The next window starts exactly at `end`, so windows
 * tile time without gaps or overlaps.
 */
export interface PeriodWindow {
  /** First instant of the window. Key usage counters on it. */
  readonly start: Date;
  /** First instant after the window: the start of the next one. */
  readonly end: Date;
}

const DAY_MS = 86_400_000;

/**
 * Builds a UTC instant through `setUTCFullYear`, because `Date.UTC` maps years
 * 0-99 to 1900-1999. Month and day overflow roll over as usual.
 */
function utc(year: number, month: number, day: number, ms = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(0, 0, 0, ms);
  return date;
}

function daysInMonth(year: number, month: number): number {
  return utc(year, month + 1, 0).getUTCDate();
}

/** Milliseconds since midnight UTC of `date`. */
function timeOfDay(date: Date): number {
  return date.getTime() - utc(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()).getTime();
}

/**
 * `anchor` moved by `months`, keeping its day of month and time of day. The
 * day is clamped to the target month, and the result is always computed from
 * the anchor (never chained from the previous window), so an anchor on Jan 31
 * gives Feb 28 (29 in leap years) and then Mar 31 again, not Mar 28.
 */
function addMonthsClamped(anchor: Date, months: number): Date {
  const total = anchor.getUTCFullYear() * 12 + anchor.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  return utc(year, month, day, timeOfDay(anchor));
}

function checked(start: Date, end: Date): PeriodWindow {
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
    throw new ValidationError('Invalid period window: the instant is outside the range of Date.', []);
  }
  return Object.freeze({ start, end });
}

function calendarWindow(every: RecurringPeriod['every'], now: Date): PeriodWindow {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const day = now.getUTCDate();
  switch (every) {
    case 'day':
      return checked(utc(year, month, day), utc(year, month, day + 1));
    case 'week': {
      // getUTCDay() counts from Sunday; ISO weeks start on Monday.
      const sinceMonday = (now.getUTCDay() + 6) % 7;
      return checked(utc(year, month, day - sinceMonday), utc(year, month, day - sinceMonday + 7));
    }
    case 'month':
      return checked(utc(year, month, 1), utc(year, month + 1, 1));
    case 'year':
      return checked(utc(year, 0, 1), utc(year + 1, 0, 1));
  }
}

function cycleWindow(every: RecurringPeriod['every'], now: Date, anchor: Date): PeriodWindow {
  if (every === 'day' || every === 'week') {
    // Fixed-length steps: UTC has no daylight-saving shifts to account for.
    const step = every === 'day' ? DAY_MS : 7 * DAY_MS;
    const start = anchor.getTime() + Math.floor((now.getTime() - anchor.getTime()) / step) * step;
    return checked(new Date(start), new Date(start + step));
  }
  const step = every === 'month' ? 1 : 12;
  const monthsApart = (now.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (now.getUTCMonth() - anchor.getUTCMonth());
  // The candidate starts in now's month or earlier; it is one step too late
  // only when it falls later in now's own month than now itself.
  let index = Math.floor(monthsApart / step);
  if (addMonthsClamped(anchor, index * step).getTime() > now.getTime()) index -= 1;
  return checked(addMonthsClamped(anchor, index * step), addMonthsClamped(anchor, (index + 1) * step));
}

/**
 * The window of `period` that contains `now`, in UTC. Usage rolls over
 * lazily: key each counter on the window's `start`, and a new window simply
 * finds no counter yet, so nothing has to run at the period boundary.
 *
 * Calendar periods start at UTC midnight, on ISO Mondays, on the 1st and on
 * January 1st. Cycle-anchored periods start at `anchor` (the tenant's
 * billing-cycle start, time of day included) and every period before and
 * after it; monthly and yearly anchors late in a month are clamped to short
 * months without drifting (Jan 31 -> Feb 28/29 -> Mar 31).
 *
 * Throws {@link ValidationError} when `now` or `anchor` is not a valid date,
 * or when the period is cycle-anchored and `anchor` is missing.
 *
 * @example
 * ```ts
 * const cycle = { every: 'month', anchor: 'cycle' } as const;
 * periodWindow(cycle, new Date('2024-02-29T12:00:00Z'), new Date('2024-01-31T00:00:00Z'));
 * // { start: 2024-02-29T00:00:00Z, end: 2024-03-31T00:00:00Z }
 * ```
 */
export function periodWindow(period: RecurringPeriod, now: Date, anchor?: Date): PeriodWindow {
  assertDate(now, 'now');
  if (period.anchor === 'calendar') return calendarWindow(period.every, now);
  if (anchor === undefined) {
    throw new ValidationError('Invalid period: a cycle-anchored period needs the billing-cycle anchor.', [
      { path: ['anchor'], message: 'Required for cycle-anchored periods.' },
    ]);
  }
  assertDate(anchor, 'anchor');
  return cycleWindow(period.every, now, anchor);
}
