import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareLimits, type Limit } from '../../../src/core/entitlements/limit.js';
import { isGauge } from '../../../src/core/entitlements/reset-period.js';
import { limitArb } from './arbitraries.js';
import { features, propertyOptions } from './fixtures.js';

describe('compareLimits', () => {
  it('orders numbers numerically and unlimited above every number', () => {
    const limits: Limit[] = [5, 'unlimited', 0, 12];
    expect(limits.sort(compareLimits)).toEqual([0, 5, 12, 'unlimited']);
    expect(compareLimits('unlimited', 'unlimited')).toBe(0);
    expect(compareLimits(Number.MAX_SAFE_INTEGER, 'unlimited')).toBeLessThan(0);
  });

  it('is antisymmetric (property)', () => {
    fc.assert(
      fc.property(limitArb, limitArb, (a, b) => {
        expect(Math.sign(compareLimits(a, b)) + Math.sign(compareLimits(b, a))).toBe(0);
      }),
      propertyOptions,
    );
  });
});

describe('isGauge', () => {
  it('is true only for the reset period none', () => {
    const reset = (key: 'seats' | 'api.requests') => {
      const spec = features.get(key);
      return spec.kind === 'limit' ? spec.reset : 'none';
    };
    expect(isGauge(reset('seats'))).toBe(true);
    expect(isGauge(reset('api.requests'))).toBe(false);
  });
});
