import { describe, expect, it } from 'vitest';
import { defineFeatures } from '../../../src/core/entitlements/define-features.js';
import { DEFAULT_THRESHOLDS } from '../../../src/core/entitlements/feature-types.js';
import { ConfigurationError, FeatureNotFoundError, isFeatureNotFoundError } from '../../../src/core/errors/index.js';
import { features, thrownBy } from './fixtures.js';

/** Calls defineFeatures with a definition the types would reject, to test the run-time checks. */
function defineUnchecked(definitions: unknown) {
  return () => defineFeatures(definitions as Parameters<typeof defineFeatures>[0]);
}

function expectConfigurationError(definitions: unknown, message: RegExp): void {
  const define = defineUnchecked(definitions);
  expect(define).toThrow(ConfigurationError);
  expect(define).toThrow(message);
}

describe('defineFeatures', () => {
  it('lists keys in declaration order and answers has()', () => {
    expect(features.keys()).toEqual(['sso', 'audit', 'seats', 'ai.tokens', 'ai.tokens.images', 'ai.tokens.images.hd', 'api.requests']);
    expect(features.has('seats')).toBe(true);
    expect(features.has('seatz')).toBe(false);
  });

  it('normalizes specs: shorthand periods, default thresholds, null parent for roots', () => {
    expect(features.get('seats')).toEqual({
      key: 'seats',
      kind: 'limit',
      unit: 'seats',
      reset: 'none',
      parent: null,
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(features.get('api.requests')).toMatchObject({ reset: { every: 'day', anchor: 'calendar' }, thresholds: [] });
    expect(features.get('ai.tokens')).toMatchObject({ reset: { every: 'month', anchor: 'cycle' } });
    expect(features.get('audit')).toEqual({ key: 'audit', kind: 'boolean', description: 'Audit log export' });
    expect(DEFAULT_THRESHOLDS).toEqual([80, 90, 100]);
  });

  it('sorts and freezes thresholds', () => {
    const catalog = defineFeatures({ calls: { kind: 'limit', unit: 'calls', reset: 'month', thresholds: [100, 50, 75] } });
    const spec = catalog.get('calls');
    expect(spec.kind === 'limit' && spec.thresholds).toEqual([50, 75, 100]);
    expect(Object.isFrozen(spec)).toBe(true);
  });

  it('defaults the anchor of the object form to calendar', () => {
    const catalog = defineFeatures({ calls: { kind: 'limit', unit: 'calls', reset: { every: 'week' } } });
    expect(catalog.get('calls')).toMatchObject({ reset: { every: 'week', anchor: 'calendar' } });
  });

  it('freezes the catalog and its lists', () => {
    expect(Object.isFrozen(features)).toBe(true);
    expect(Object.isFrozen(features.keys())).toBe(true);
    expect(Object.isFrozen(features.chainOf('ai.tokens.images'))).toBe(true);
  });

  it('isLimit() separates limit features from boolean ones and unknown strings', () => {
    expect(features.isLimit('seats')).toBe(true);
    expect(features.isLimit('sso')).toBe(false);
    expect(features.isLimit('nope')).toBe(false);
  });

  describe('assert() and get() on unchecked strings', () => {
    it('returns a declared key', () => {
      expect(features.assert('seats')).toBe('seats');
    });

    it('throws FeatureNotFoundError naming the string', () => {
      const error = thrownBy(() => features.assert('seatz'));
      expect(error).toBeInstanceOf(FeatureNotFoundError);
      expect(isFeatureNotFoundError(error) && error.featureKey).toBe('seatz');
      expect(() => features.get('seatz' as 'seats')).toThrow(FeatureNotFoundError);
      expect(() => features.ancestorsOf('seatz' as 'seats')).toThrow(FeatureNotFoundError);
      expect(() => features.chainOf('seatz' as 'seats')).toThrow(FeatureNotFoundError);
      expect(() => features.childrenOf('seatz' as 'seats')).toThrow(FeatureNotFoundError);
      expect(() => features.lockOrder(['seatz' as 'seats'])).toThrow(FeatureNotFoundError);
    });
  });

  describe('pools', () => {
    it('ancestorsOf() is ordered child -> root and excludes the feature', () => {
      expect(features.ancestorsOf('ai.tokens.images.hd')).toEqual(['ai.tokens.images', 'ai.tokens']);
      expect(features.ancestorsOf('ai.tokens')).toEqual([]);
      expect(features.ancestorsOf('sso')).toEqual([]);
    });

    it('chainOf() is the feature then its ancestors, empty for booleans', () => {
      expect(features.chainOf('ai.tokens.images.hd')).toEqual(['ai.tokens.images.hd', 'ai.tokens.images', 'ai.tokens']);
      expect(features.chainOf('seats')).toEqual(['seats']);
      expect(features.chainOf('sso')).toEqual([]);
    });

    it('childrenOf() lists direct children only', () => {
      expect(features.childrenOf('ai.tokens')).toEqual(['ai.tokens.images']);
      expect(features.childrenOf('ai.tokens.images')).toEqual(['ai.tokens.images.hd']);
      expect(features.childrenOf('seats')).toEqual([]);
      expect(features.childrenOf('sso')).toEqual([]);
    });

    it('lockOrder() adds ancestors, dedupes, drops booleans and sorts by code unit', () => {
      expect(features.lockOrder(['seats', 'ai.tokens.images.hd', 'sso', 'ai.tokens'])).toEqual([
        'ai.tokens',
        'ai.tokens.images',
        'ai.tokens.images.hd',
        'seats',
      ]);
      expect(features.lockOrder([])).toEqual([]);
    });

    it('lockOrder() does not depend on the order of the request', () => {
      const forward = features.lockOrder(['api.requests', 'seats', 'ai.tokens.images']);
      const backward = features.lockOrder(['ai.tokens.images', 'seats', 'api.requests']);
      expect(forward).toEqual(backward);
    });

    it('lockOrder() uses code-unit order, not locale order', () => {
      const catalog = defineFeatures({
        b: { kind: 'limit', unit: 'x', reset: 'none' },
        'a-z': { kind: 'limit', unit: 'x', reset: 'none' },
        a_z: { kind: 'limit', unit: 'x', reset: 'none' },
      });
      // '-' (0x2d) < '_' (0x5f) < 'b' in code units.
      expect(catalog.lockOrder(['b', 'a_z', 'a-z'])).toEqual(['a-z', 'a_z', 'b']);
    });

    it('allows a child with another recurring period than its parent', () => {
      expect(features.get('ai.tokens.images.hd')).toMatchObject({ reset: { every: 'day', anchor: 'calendar' } });
    });
  });

  describe('validation', () => {
    const gauge = { kind: 'limit', unit: 'seats', reset: 'none' } as const;
    const monthly = { kind: 'limit', unit: 'calls', reset: 'month' } as const;

    it.each([
      ['an empty catalog', {}, /at least one feature/],
      ['a non-object', null, /needs an object/],
      ['an upper-case key', { Seats: gauge }, /Invalid feature key "Seats"/],
      ['a key with a space', { 'my seats': gauge }, /Invalid feature key "my seats"/],
      ['a key with an empty segment', { 'ai..tokens': gauge }, /Invalid feature key/],
      ['a key that is too long', { ['a'.repeat(129)]: gauge }, /at most 128/],
      ['a definition that is not an object', { seats: 'limit' }, /must be an object/],
      ['an unknown kind', { seats: { kind: 'counter' } }, /kind "counter"/],
    ])('rejects %s', (_name, definitions, message) => {
      expectConfigurationError(definitions, message);
    });

    it.each([
      ['limit', { kind: 'boolean', limit: 5 }],
      ['unit', { kind: 'boolean', unit: 'seats' }],
      ['reset', { kind: 'boolean', reset: 'month' }],
      ['parent', { kind: 'boolean', parent: 'seats' }],
      ['thresholds', { kind: 'boolean', thresholds: [80] }],
    ])('rejects a boolean feature with a %s', (option, definition) => {
      expectConfigurationError({ seats: gauge, sso: definition }, new RegExp(`Boolean feature "sso" cannot have a ${option}`));
    });

    it.each([
      ['no unit', { kind: 'limit', reset: 'none' }, /needs a unit/],
      ['a unit with spaces', { kind: 'limit', unit: 'api calls', reset: 'none' }, /needs a unit/],
      ['no reset period', { kind: 'limit', unit: 'seats' }, /needs a reset period/],
      ['an unknown reset period', { kind: 'limit', unit: 'seats', reset: 'fortnight' }, /invalid reset period "fortnight"/],
      ['a catalog-level limit', { kind: 'limit', unit: 'seats', reset: 'none', limit: 10 }, /limits are granted by packages/],
      ['a non-string parent', { kind: 'limit', unit: 'seats', reset: 'none', parent: 3 }, /parent must be a feature key/],
      ['a non-string description', { kind: 'limit', unit: 'seats', reset: 'none', description: 1 }, /description must be a string/],
      ['thresholds that are not an array', { ...monthly, thresholds: 80 }, /thresholds must be an array/],
      ['a threshold of 0', { ...monthly, thresholds: [0] }, /threshold 0 is not an integer percentage/],
      ['a threshold above 100', { ...monthly, thresholds: [101] }, /threshold 101/],
      ['a fractional threshold', { ...monthly, thresholds: [99.5] }, /threshold 99.5/],
      ['a duplicate threshold', { ...monthly, thresholds: [80, 80] }, /threshold 80 is listed twice/],
    ])('rejects a limit feature with %s', (_name, definition, message) => {
      expectConfigurationError({ x: definition }, message);
    });

    it('rejects a limit feature with an unknown anchor', () => {
      const reset: unknown = { every: 'month', anchor: 'billing' };
      expectConfigurationError({ x: { kind: 'limit', unit: 'seats', reset } }, /invalid reset period/);
    });

    it('rejects an unknown parent', () => {
      expectConfigurationError({ child: { ...gauge, parent: 'pool' } }, /"child" has parent "pool", which is not a declared feature/);
    });

    it('rejects a boolean parent', () => {
      expectConfigurationError({ sso: { kind: 'boolean' }, child: { ...gauge, parent: 'sso' } }, /a parent pool must be a limit feature/);
    });

    it('rejects a parent with another unit', () => {
      expectConfigurationError(
        { pool: { kind: 'limit', unit: 'tokens', reset: 'none' }, child: { ...gauge, parent: 'pool' } },
        /counts "seats" but its parent "pool" counts "tokens"/,
      );
    });

    it.each([
      ['a gauge child under a resetting parent', 'none', 'month'],
      ['a resetting child under a gauge parent', 'month', 'none'],
    ])('rejects %s', (_name, childReset, parentReset) => {
      expectConfigurationError(
        { pool: { kind: 'limit', unit: 'x', reset: parentReset }, child: { kind: 'limit', unit: 'x', reset: childReset, parent: 'pool' } },
        /must both be gauges/,
      );
    });

    it('rejects a feature that is its own parent', () => {
      expectConfigurationError({ pool: { ...gauge, parent: 'pool' } }, /parent cycle: pool -> pool/);
    });

    it('rejects a longer cycle and names its path', () => {
      expectConfigurationError({ a: { ...gauge, parent: 'b' }, b: { ...gauge, parent: 'c' }, c: { ...gauge, parent: 'a' } }, /parent cycle: a -> b -> c -> a/);
    });

    it('rejects a cycle above a chain that leads into it', () => {
      expectConfigurationError(
        { leaf: { ...gauge, parent: 'a' }, a: { ...gauge, parent: 'b' }, b: { ...gauge, parent: 'a' } },
        /parent cycle: leaf -> a -> b -> a/,
      );
    });
  });
});
