import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossedThresholds } from '../../../src/core/entitlements/thresholds.js';
import { ValidationError } from '../../../src/core/errors/index.js';
import { propertyOptions } from './fixtures.js';

const DEFAULTS = [80, 90, 100];

describe('crossedThresholds', () => {
  it('fires when usage reaches a threshold from below', () => {
    expect(crossedThresholds(799, 800, 1000, DEFAULTS)).toBe(80);
    expect(crossedThresholds(0, 1000, 1000, DEFAULTS)).toBe(100);
  });

  it('returns only the highest threshold a jump crosses', () => {
    expect(crossedThresholds(700, 950, 1000, DEFAULTS)).toBe(90);
  });

  it('does not fire again for a threshold already reached', () => {
    expect(crossedThresholds(800, 850, 1000, DEFAULTS)).toBeNull();
    expect(crossedThresholds(950, 960, 1000, DEFAULTS)).toBeNull();
  });

  it('does not fire below the first threshold or when usage does not grow', () => {
    expect(crossedThresholds(0, 799, 1000, DEFAULTS)).toBeNull();
    expect(crossedThresholds(900, 900, 1000, DEFAULTS)).toBeNull();
    expect(crossedThresholds(1000, 100, 1000, DEFAULTS)).toBeNull();
  });

  it('compares exactly at the boundary, without floating-point rounding', () => {
    // 80 % of 3 is 2.4: 2 is below it, 3 reaches it (and 90 and 100).
    expect(crossedThresholds(0, 2, 3, DEFAULTS)).toBeNull();
    expect(crossedThresholds(2, 3, 3, DEFAULTS)).toBe(100);
    // 0.1 * 3 is 0.30000000000000004 in floating point; 10 % of 3 is reached by 1 with integer arithmetic.
    expect(crossedThresholds(0, 1, 3, [10])).toBe(10);
  });

  it('accepts thresholds in any order', () => {
    expect(crossedThresholds(0, 95, 100, [90, 50, 100])).toBe(90);
  });

  it('never fires for an unlimited limit, a limit of 0 or no thresholds', () => {
    expect(crossedThresholds(0, 1e9, 'unlimited', DEFAULTS)).toBeNull();
    expect(crossedThresholds(0, 5, 0, DEFAULTS)).toBeNull();
    expect(crossedThresholds(0, 1000, 1000, [])).toBeNull();
  });

  it('throws ValidationError for invalid counts', () => {
    expect(() => crossedThresholds(-1, 1, 10, DEFAULTS)).toThrow(ValidationError);
    expect(() => crossedThresholds(0, 1.5, 10, DEFAULTS)).toThrow(ValidationError);
    expect(() => crossedThresholds(0, 1, -10, DEFAULTS)).toThrow(ValidationError);
  });

  it('fires each threshold at most once, in increasing order, across any split of a consumption (property)', () => {
    const thresholdsArb = fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 6 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        thresholdsArb,
        fc.nat({ max: 12_000 }),
        fc.array(fc.nat({ max: 4_000 }), { maxLength: 12 }),
        (limit, thresholds, start, steps) => {
          const fired: number[] = [];
          let used = start;
          for (const step of steps) {
            const threshold = crossedThresholds(used, used + step, limit, thresholds);
            if (threshold !== null) fired.push(threshold);
            used += step;
          }
          const reached = (usage: number, t: number) => usage * 100 >= t * limit;
          for (let i = 1; i < fired.length; i += 1) expect(fired[i]).toBeGreaterThan(fired[i - 1] ?? 0);
          for (const t of fired) expect(!reached(start, t) && reached(used, t)).toBe(true);
          // Whatever the split, the highest threshold newly reached overall is the last one fired.
          const newlyReached = thresholds.filter((t) => !reached(start, t) && reached(used, t));
          const highest = newlyReached.length === 0 ? undefined : Math.max(...newlyReached);
          expect(fired.at(-1)).toBe(highest);
          // A single step fires exactly that highest threshold too.
          expect(crossedThresholds(start, used, limit, thresholds)).toBe(highest ?? null);
        },
      ),
      propertyOptions,
    );
  });
});
