import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateConsumption, evaluateRelease } from '../../../src/core/entitlements/evaluate-consumption.js';
import { ValidationError } from '../../../src/core/errors/index.js';
import { COUNTER_CEILING } from '../../../src/core/entitlements/limit.js';
import { limitArb } from './arbitraries.js';
import { propertyOptions } from './fixtures.js';

describe('evaluateConsumption', () => {
  it('allows a consumption that fits and reports what remains after it', () => {
    expect(evaluateConsumption({ limit: 10, used: 3, amount: 4 })).toEqual({ allowed: true, usedAfter: 7, remaining: 3, overage: 0 });
  });

  it('allows filling the limit exactly', () => {
    expect(evaluateConsumption({ limit: 10, used: 7, amount: 3 })).toEqual({ allowed: true, usedAfter: 10, remaining: 0, overage: 0 });
  });

  it('refuses all of a consumption that does not fit, consuming nothing', () => {
    expect(evaluateConsumption({ limit: 10, used: 8, amount: 3 })).toEqual({ allowed: false, usedAfter: 8, remaining: 2, overage: 1 });
  });

  it('refuses everything but 0 when usage is already over the limit (after a downgrade)', () => {
    expect(evaluateConsumption({ limit: 5, used: 8, amount: 1 })).toEqual({ allowed: false, usedAfter: 8, remaining: 0, overage: 4 });
    expect(evaluateConsumption({ limit: 5, used: 5, amount: 0 })).toMatchObject({ allowed: true });
    expect(evaluateConsumption({ limit: 5, used: 8, amount: 0 })).toMatchObject({ allowed: false, overage: 3 });
  });

  it('gives a limit of 0 no room at all', () => {
    expect(evaluateConsumption({ limit: 0, used: 0, amount: 1 })).toEqual({ allowed: false, usedAfter: 0, remaining: 0, overage: 1 });
  });

  it('always allows an unlimited limit', () => {
    expect(evaluateConsumption({ limit: 'unlimited', used: 1e9, amount: 1e9 })).toEqual({
      allowed: true,
      usedAfter: 2e9,
      remaining: 'unlimited',
      overage: 0,
    });
  });

  it('stops an unlimited limit at COUNTER_CEILING: up to it is allowed, past it refused with what is left below it', () => {
    expect(evaluateConsumption({ limit: 'unlimited', used: COUNTER_CEILING - 5, amount: 5 })).toEqual({
      allowed: true,
      usedAfter: COUNTER_CEILING,
      remaining: 'unlimited',
      overage: 0,
    });
    expect(evaluateConsumption({ limit: 'unlimited', used: COUNTER_CEILING - 5, amount: 6 })).toEqual({
      allowed: false,
      usedAfter: COUNTER_CEILING - 5,
      remaining: 5,
      overage: 1,
    });
    // The case: the second of two maximal consumptions.
    expect(evaluateConsumption({ limit: 'unlimited', used: Number.MAX_SAFE_INTEGER, amount: Number.MAX_SAFE_INTEGER })).toMatchObject({
      allowed: false,
      overage: Number.MAX_SAFE_INTEGER,
    });
  });

  it('allows an unlimited consumption exactly when the exact sum stays within COUNTER_CEILING, and reports safe integers (property)', () => {
    const nearCeiling = fc.oneof(fc.nat({ max: 1000 }), fc.integer({ min: COUNTER_CEILING - 1000, max: COUNTER_CEILING }));
    fc.assert(
      fc.property(nearCeiling, nearCeiling, (used, amount) => {
        const result = evaluateConsumption({ limit: 'unlimited', used, amount });
        expect(result.allowed).toBe(BigInt(used) + BigInt(amount) <= BigInt(COUNTER_CEILING));
        expect(Number.isSafeInteger(result.usedAfter)).toBe(true);
        expect(BigInt(result.overage)).toBe(result.allowed ? 0n : BigInt(used) + BigInt(amount) - BigInt(COUNTER_CEILING));
      }),
      propertyOptions,
    );
  });

  it('freezes the result', () => {
    expect(Object.isFrozen(evaluateConsumption({ limit: 1, used: 0, amount: 1 }))).toBe(true);
  });

  it.each([
    ['a negative amount', { limit: 10, used: 0, amount: -1 }],
    ['a fractional amount', { limit: 10, used: 0, amount: 0.5 }],
    ['a NaN usage', { limit: 10, used: Number.NaN, amount: 1 }],
    ['a negative limit', { limit: -1, used: 0, amount: 1 }],
    ['an infinite limit', { limit: Number.POSITIVE_INFINITY, used: 0, amount: 1 }],
  ])('throws ValidationError for %s', (_name, input) => {
    expect(() => evaluateConsumption(input)).toThrow(ValidationError);
  });

  it('allows exactly when used + amount <= limit (property)', () => {
    fc.assert(
      fc.property(limitArb, fc.nat({ max: 2_000_000 }), fc.nat({ max: 2_000_000 }), (limit, used, amount) => {
        const result = evaluateConsumption({ limit, used, amount });
        expect(result.allowed).toBe(limit === 'unlimited' || used + amount <= limit);
        expect(result.usedAfter).toBe(result.allowed ? used + amount : used);
        if (limit !== 'unlimited') {
          expect(result.remaining).toBe(Math.max(0, limit - result.usedAfter));
          expect(result.overage).toBe(result.allowed ? 0 : used + amount - limit);
        }
      }),
      propertyOptions,
    );
  });
});

describe('evaluateRelease', () => {
  it('gives usage back', () => {
    expect(evaluateRelease({ used: 5, amount: 2 })).toEqual({ usedAfter: 3, released: 2 });
  });

  it('never goes below zero and reports what was really released', () => {
    expect(evaluateRelease({ used: 2, amount: 5 })).toEqual({ usedAfter: 0, released: 2 });
  });

  it('throws ValidationError for an invalid count', () => {
    expect(() => evaluateRelease({ used: -1, amount: 1 })).toThrow(ValidationError);
    expect(() => evaluateRelease({ used: 1, amount: 1.5 })).toThrow(ValidationError);
  });

  it('restores the state after an allowed consumption (property)', () => {
    fc.assert(
      fc.property(limitArb, fc.nat({ max: 2_000_000 }), fc.nat({ max: 2_000_000 }), (limit, used, amount) => {
        const consumed = evaluateConsumption({ limit, used, amount });
        fc.pre(consumed.allowed);
        const released = evaluateRelease({ used: consumed.usedAfter, amount });
        expect(released).toEqual({ usedAfter: used, released: amount });
        expect(evaluateConsumption({ limit, used: released.usedAfter, amount: 0 }).remaining).toEqual(
          evaluateConsumption({ limit, used, amount: 0 }).remaining,
        );
      }),
      propertyOptions,
    );
  });
});
