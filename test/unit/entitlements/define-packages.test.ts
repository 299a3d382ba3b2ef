import { describe, expect, it } from 'vitest';
import { definePackages } from '../../../src/core/entitlements/define-packages.js';
import { ConfigurationError, FeatureNotFoundError, isPackageNotFoundError, PackageNotFoundError } from '../../../src/core/errors/index.js';
import { COUNTER_CEILING } from '../../../src/core/entitlements/limit.js';
import { features, packages, thrownBy } from './fixtures.js';

/** Calls definePackages with definitions the types would reject, to test the run-time checks. */
function defineUnchecked(definitions: unknown) {
  return () => definePackages(features, definitions as Parameters<typeof definePackages<string, string, never>>[1]);
}

describe('definePackages', () => {
  it('lists packages in declaration order and keeps the feature catalog', () => {
    expect(packages.keys()).toEqual(['free', 'pro', 'enterprise', 'extra-seats', 'empty']);
    expect(packages.features).toBe(features);
    expect(packages.has('pro')).toBe(true);
    expect(packages.has('platinum')).toBe(false);
  });

  it('returns frozen specs with their grants and description', () => {
    const spec = packages.get('extra-seats');
    expect(spec).toEqual({ key: 'extra-seats', grants: { seats: 10 }, description: 'Ten more seats' });
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.grants)).toBe(true);
    expect(Object.isFrozen(packages)).toBe(true);
  });

  it('copies grants, so later changes to the input do not leak in', () => {
    const grants: Record<string, number> = { seats: 3 };
    const catalog = definePackages(features, { small: { grants: grants as { seats: number } } });
    grants['seats'] = 1000;
    expect(catalog.get('small').grants).toEqual({ seats: 3 });
  });

  it('accepts a package that grants nothing and a limit of 0', () => {
    const catalog = definePackages(features, { none: { grants: {} }, zero: { grants: { seats: 0 } } });
    expect(catalog.get('zero').grants).toEqual({ seats: 0 });
  });

  it('assert() returns a declared key and throws PackageNotFoundError naming an unknown one', () => {
    expect(packages.assert('free')).toBe('free');
    const error = thrownBy(() => packages.assert('platinum'));
    expect(error).toBeInstanceOf(PackageNotFoundError);
    expect(isPackageNotFoundError(error) && error.packageKey).toBe('platinum');
    expect(() => packages.get('platinum' as 'free')).toThrow(PackageNotFoundError);
  });

  describe('validation', () => {
    it('throws FeatureNotFoundError for a grant of an undeclared feature', () => {
      const error = thrownBy(defineUnchecked({ free: { grants: { seatz: 3 } } }));
      expect(error).toBeInstanceOf(FeatureNotFoundError);
      expect((error as FeatureNotFoundError).featureKey).toBe('seatz');
    });

    it.each([
      ['a number for a boolean feature', { sso: 1 }, /boolean feature "sso" can only be granted with true/],
      ['false for a boolean feature', { sso: false }, /boolean feature "sso" can only be granted with true/],
      ['true for a limit feature', { seats: true }, /limit feature "seats" needs a non-negative integer or 'unlimited'/],
      ['a negative limit', { seats: -1 }, /limit feature "seats" needs a non-negative integer/],
      ['a fractional limit', { seats: 1.5 }, /limit feature "seats" needs a non-negative integer/],
      ['an unsafe integer limit', { seats: 2 ** 53 }, /limit feature "seats" needs a non-negative integer/],
      ['a string other than unlimited', { seats: 'infinite' }, /limit feature "seats" needs a non-negative integer/],
    ])('rejects %s', (_name, grants, message) => {
      const define = defineUnchecked({ free: { grants } });
      expect(define).toThrow(ConfigurationError);
      expect(define).toThrow(/Package "free"/);
      expect(define).toThrow(message);
    });

    it('rejects packages whose grants of one feature add up past COUNTER_CEILING, and accepts them up to it', () => {
      const half = 2 ** 52;
      const define = defineUnchecked({ a: { grants: { seats: half } }, b: { grants: { seats: half } } });
      expect(define).toThrow(ConfigurationError);
      expect(define).toThrow(/"seats" add up to more than Number.MAX_SAFE_INTEGER/);
      expect(defineUnchecked({ a: { grants: { seats: half } }, b: { grants: { seats: COUNTER_CEILING - half, 'ai.tokens': 'unlimited' } } })).not.toThrow();
      expect(defineUnchecked({ a: { grants: { seats: COUNTER_CEILING } }, b: { grants: { seats: 'unlimited' } } })).not.toThrow();
    });

    it.each([
      ['an empty catalog', {}, /at least one package/],
      ['a non-object', null, /needs an object/],
      ['a bad package key', { 'Free Plan': { grants: {} } }, /Invalid package key "Free Plan"/],
      ['a package without grants', { free: {} }, /Package "free" needs a grants object/],
      ['grants that are an array', { free: { grants: [] } }, /Package "free" needs a grants object/],
      ['a package that is not an object', { free: 3 }, /Package "free" needs a grants object/],
      ['a non-string description', { free: { grants: {}, description: 3 } }, /description must be a string/],
    ])('rejects %s', (_name, definitions, message) => {
      const define = defineUnchecked(definitions);
      expect(define).toThrow(ConfigurationError);
      expect(define).toThrow(message);
    });
  });
});
