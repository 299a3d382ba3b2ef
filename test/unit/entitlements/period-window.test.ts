import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodWindow } from '../../../src/core/entitlements/period-window.js';
import { PERIOD_UNITS, type RecurringPeriod } from '../../../src/core/entitlements/reset-period.js';
import { ValidationError } from '../../../src/core/errors/index.js';
import { propertyOptions } from './fixtures.js';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const window = (start: string, end: string) => ({ start: at(start), end: at(end) });
const cycleMonth: RecurringPeriod = { every: 'month', anchor: 'cycle' };
const cycleYear: RecurringPeriod = { every: 'year', anchor: 'cycle' };

/** A UTC date that, unlike Date.UTC, keeps years 0-99 as they are. Day and ms overflow roll over. */
function utcDate(year: number, month: number, day: number, ms = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(0, 0, 0, ms);
  return date;
}

describe('periodWindow', () => {
  describe('calendar periods (UTC)', () => {
    it.each([
      ['day', '2024-03-10T15:00:00Z', '2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z'],
      ['day', '2024-03-10T00:00:00Z', '2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z'],
      ['week', '2024-03-10T23:59:59.999Z', '2024-03-04T00:00:00Z', '2024-03-11T00:00:00Z'],
      ['week', '2024-03-11T00:00:00Z', '2024-03-11T00:00:00Z', '2024-03-18T00:00:00Z'],
      ['week', '2025-01-01T12:00:00Z', '2024-12-30T00:00:00Z', '2025-01-06T00:00:00Z'],
      ['month', '2024-02-15T12:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'],
      ['month', '2024-12-31T23:59:59.999Z', '2024-12-01T00:00:00Z', '2025-01-01T00:00:00Z'],
      ['year', '2024-07-01T00:00:00Z', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
    ] as const)('%s containing %s is [%s, %s)', (every, now, start, end) => {
      expect(periodWindow({ every, anchor: 'calendar' }, at(now))).toEqual(window(start, end));
    });

    it('ignores an anchor', () => {
      expect(periodWindow({ every: 'month', anchor: 'calendar' }, at('2024-02-15T00:00:00Z'), at('2020-01-17T00:00:00Z'))).toEqual(
        window('2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'),
      );
    });

    it('handles years below 100 (Date.UTC would map them to 19xx)', () => {
      const result = periodWindow({ every: 'month', anchor: 'calendar' }, utcDate(50, 5, 15));
      expect(result.start.getUTCFullYear()).toBe(50);
      expect(result.start.getUTCMonth()).toBe(5);
      expect(result.start.getUTCDate()).toBe(1);
    });
  });

  describe('cycle-anchored periods', () => {
    it('starts monthly windows on the anchor day and time', () => {
      expect(periodWindow(cycleMonth, at('2024-05-20T00:00:00Z'), at('2023-11-17T09:30:00Z'))).toEqual(window('2024-05-17T09:30:00Z', '2024-06-17T09:30:00Z'));
      expect(periodWindow(cycleMonth, at('2024-05-17T09:29:59.999Z'), at('2023-11-17T09:30:00Z'))).toEqual(
        window('2024-04-17T09:30:00Z', '2024-05-17T09:30:00Z'),
      );
    });

    it('clamps a Jan 31 anchor to Feb 29 in a leap year and returns to Mar 31', () => {
      const anchor = at('2024-01-31T10:00:00Z');
      expect(periodWindow(cycleMonth, at('2024-02-15T00:00:00Z'), anchor)).toEqual(window('2024-01-31T10:00:00Z', '2024-02-29T10:00:00Z'));
      expect(periodWindow(cycleMonth, at('2024-02-29T10:00:00Z'), anchor)).toEqual(window('2024-02-29T10:00:00Z', '2024-03-31T10:00:00Z'));
      expect(periodWindow(cycleMonth, at('2024-04-30T12:00:00Z'), anchor)).toEqual(window('2024-04-30T10:00:00Z', '2024-05-31T10:00:00Z'));
    });

    it('clamps a Jan 31 anchor to Feb 28 in a common year', () => {
      expect(periodWindow(cycleMonth, at('2025-03-01T00:00:00Z'), at('2024-01-31T10:00:00Z'))).toEqual(window('2025-02-28T10:00:00Z', '2025-03-31T10:00:00Z'));
    });

    it('moves a Feb 29 yearly anchor to Feb 28 in common years and back in leap years', () => {
      const anchor = at('2024-02-29T00:00:00Z');
      expect(periodWindow(cycleYear, at('2025-06-01T00:00:00Z'), anchor)).toEqual(window('2025-02-28T00:00:00Z', '2026-02-28T00:00:00Z'));
      expect(periodWindow(cycleYear, at('2028-03-01T00:00:00Z'), anchor)).toEqual(window('2028-02-29T00:00:00Z', '2029-02-28T00:00:00Z'));
    });

    it('steps days and weeks from the anchor instant', () => {
      const anchor = at('2024-01-03T06:30:00Z');
      expect(periodWindow({ every: 'day', anchor: 'cycle' }, at('2024-02-01T06:29:00Z'), anchor)).toEqual(
        window('2024-01-31T06:30:00Z', '2024-02-01T06:30:00Z'),
      );
      expect(periodWindow({ every: 'week', anchor: 'cycle' }, at('2024-01-20T00:00:00Z'), anchor)).toEqual(
        window('2024-01-17T06:30:00Z', '2024-01-24T06:30:00Z'),
      );
    });

    it('extends windows backwards before the anchor', () => {
      expect(periodWindow(cycleMonth, at('2023-12-01T00:00:00Z'), at('2024-01-31T00:00:00Z'))).toEqual(window('2023-11-30T00:00:00Z', '2023-12-31T00:00:00Z'));
    });
  });

  describe('errors', () => {
    it('throws ValidationError for a cycle period without an anchor', () => {
      expect(() => periodWindow(cycleMonth, at('2024-01-01T00:00:00Z'))).toThrow(ValidationError);
      expect(() => periodWindow(cycleMonth, at('2024-01-01T00:00:00Z'))).toThrow(/billing-cycle anchor/);
    });

    it('throws ValidationError for an invalid now or anchor', () => {
      expect(() => periodWindow({ every: 'day', anchor: 'calendar' }, new Date(Number.NaN))).toThrow(ValidationError);
      expect(() => periodWindow(cycleMonth, at('2024-01-01T00:00:00Z'), new Date(Number.NaN))).toThrow(ValidationError);
    });

    it('throws ValidationError when the window leaves the range of Date', () => {
      expect(() => periodWindow({ every: 'year', anchor: 'calendar' }, new Date(8.64e15))).toThrow(ValidationError);
    });
  });

  describe('properties', () => {
    // Years 1 to 9998: early years exercise the Date.UTC pitfall, and the
    // next window of a date in 9998 is still far from the end of Date's range.
    const MIN = utcDate(1, 0, 1).getTime();
    const MAX = utcDate(9998, 11, 31).getTime();
    const dateArb = fc.integer({ min: MIN, max: MAX }).map((ms) => new Date(ms));
    /** Anchors biased to the ends of months, where clamping happens. */
    const anchorArb = fc.oneof(
      dateArb,
      fc
        .record({
          year: fc.integer({ min: 1, max: 9998 }),
          month: fc.integer({ min: 0, max: 11 }),
          day: fc.integer({ min: 28, max: 31 }),
          ms: fc.integer({ min: 0, max: DAY - 1 }),
        })
        .map(({ year, month, day, ms }) => utcDate(year, month, Math.min(day, utcDate(year, month + 1, 0).getUTCDate()), ms)),
    );
    const periodArb = fc.record({ every: fc.constantFrom(...PERIOD_UNITS), anchor: fc.constantFrom('calendar' as const, 'cycle' as const) });

    it('returns a window that contains now', () => {
      fc.assert(
        fc.property(periodArb, dateArb, anchorArb, (period, now, anchor) => {
          const { start, end } = periodWindow(period, now, anchor);
          expect(start.getTime()).toBeLessThanOrEqual(now.getTime());
          expect(now.getTime()).toBeLessThan(end.getTime());
        }),
        propertyOptions,
      );
    });

    it('tiles time: consecutive windows meet exactly, with no gap or overlap', () => {
      fc.assert(
        fc.property(periodArb, dateArb, anchorArb, (period, now, anchor) => {
          let current = periodWindow(period, now, anchor);
          for (let i = 0; i < 4; i += 1) {
            const next = periodWindow(period, current.end, anchor);
            expect(next.start).toEqual(current.end);
            const previous = periodWindow(period, new Date(current.start.getTime() - 1), anchor);
            expect(previous.end).toEqual(current.start);
            // Any instant inside the window maps to the same window (a stable counter key).
            expect(periodWindow(period, current.start, anchor)).toEqual(current);
            expect(periodWindow(period, new Date(current.end.getTime() - 1), anchor)).toEqual(current);
            current = next;
          }
        }),
        propertyOptions,
      );
    });

    it('keeps windows to their nominal length', () => {
      const days = { day: [1, 1], week: [7, 7], month: [28, 31], year: [365, 366] } as const;
      fc.assert(
        fc.property(periodArb, dateArb, anchorArb, (period, now, anchor) => {
          const { start, end } = periodWindow(period, now, anchor);
          const length = (end.getTime() - start.getTime()) / DAY;
          const [min, max] = days[period.every];
          expect(length).toBeGreaterThanOrEqual(min);
          expect(length).toBeLessThanOrEqual(max);
        }),
        propertyOptions,
      );
    });

    it('starts anchored months on the anchor day clamped to the month, at the anchor time', () => {
      fc.assert(
        fc.property(dateArb, anchorArb, (now, anchor) => {
          const { start } = periodWindow(cycleMonth, now, anchor);
          const lastDay = utcDate(start.getUTCFullYear(), start.getUTCMonth() + 1, 0);
          expect(start.getUTCDate()).toBe(Math.min(anchor.getUTCDate(), lastDay.getUTCDate()));
          expect([start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()]).toEqual([
            anchor.getUTCHours(),
            anchor.getUTCMinutes(),
            anchor.getUTCSeconds(),
            anchor.getUTCMilliseconds(),
          ]);
        }),
        propertyOptions,
      );
    });
  });
});
