import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveEntitlements } from '../../../src/core/entitlements/effective-entitlements.js';
import { simulatePackageChange, type UsageByFeature } from '../../../src/core/entitlements/simulate-package-change.js';
import { FeatureNotFoundError, PackageNotFoundError, ValidationError } from '../../../src/core/errors/index.js';
import { grantsArb, NOW } from './arbitraries.js';
import { features, packages, propertyOptions } from './fixtures.js';

type Usage = UsageByFeature;

describe('simulatePackageChange', () => {
  it('reports current and proposed limits, usage and changes per feature for a downgrade', () => {
    const simulation = simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['free'] }, { seats: 12, 'ai.tokens': 400 }, NOW);
    const seats = simulation.features.find((entry) => entry.featureKey === 'seats');
    expect(seats).toEqual({
      featureKey: 'seats',
      current: { featureKey: 'seats', kind: 'limit', enabled: true, limit: 25 },
      proposed: { featureKey: 'seats', kind: 'limit', enabled: true, limit: 3 },
      used: 12,
      over: true,
      change: 'decreased',
    });
    expect(simulation.features.find((entry) => entry.featureKey === 'ai.tokens')).toMatchObject({ used: 400, over: false, change: 'decreased' });
    expect(simulation.lost).toEqual(['sso', 'api.requests']);
    expect(simulation.gained).toEqual([]);
    expect(simulation.over).toEqual(['seats']);
  });

  it('reports gains and increases for an upgrade, with nothing over', () => {
    const simulation = simulatePackageChange(packages, { packages: ['free'] }, { packages: ['enterprise'] }, { seats: 3 }, NOW);
    expect(simulation.gained).toEqual(['sso', 'audit']);
    expect(simulation.lost).toEqual([]);
    expect(simulation.over).toEqual([]);
    expect(simulation.features.find((entry) => entry.featureKey === 'seats')?.change).toBe('increased');
  });

  it('flags usage of a feature that would be lost as over, but not a lost feature without usage', () => {
    const simulation = simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['free'] }, { 'api.requests': 1 }, NOW);
    expect(simulation.over).toEqual(['api.requests']);
    const idle = simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['free'] }, {}, NOW);
    expect(idle.over).toEqual([]);
    expect(idle.lost).toContain('api.requests');
  });

  it('treats usage exactly at the proposed limit as full, not over', () => {
    const simulation = simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['free'] }, { seats: 3 }, NOW);
    expect(simulation.over).toEqual([]);
  });

  it('reports unchanged features, booleans with zero usage, and every feature in catalog order', () => {
    const simulation = simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['pro', 'empty'] }, {}, NOW);
    expect(simulation.features.map((entry) => entry.featureKey)).toEqual(features.keys());
    expect(simulation.features.every((entry) => entry.change === 'unchanged' && !entry.over)).toBe(true);
    expect(simulation.features.find((entry) => entry.featureKey === 'sso')?.used).toBe(0);
  });

  it('takes boosts into account on both sides', () => {
    const simulation = simulatePackageChange(
      packages,
      { packages: ['free'] },
      { packages: ['free'], boosts: [{ featureKey: 'seats', amount: 'unlimited' }] },
      { seats: 3 },
      NOW,
    );
    expect(simulation.features.find((entry) => entry.featureKey === 'seats')).toMatchObject({ change: 'increased', proposed: { limit: 'unlimited' } });
  });

  it('freezes the result', () => {
    const simulation = simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['free'] }, {}, NOW);
    expect(Object.isFrozen(simulation)).toBe(true);
    expect(Object.isFrozen(simulation.features)).toBe(true);
    expect(Object.isFrozen(simulation.features[0])).toBe(true);
  });

  describe('errors', () => {
    it('throws FeatureNotFoundError for usage of an undeclared feature', () => {
      const usage = { seatz: 1 } as Usage;
      expect(() => simulatePackageChange(packages, { packages: [] }, { packages: [] }, usage, NOW)).toThrow(FeatureNotFoundError);
    });

    it('throws ValidationError for usage of a boolean feature or an invalid count', () => {
      expect(() => simulatePackageChange(packages, { packages: [] }, { packages: [] }, { sso: 1 } as Usage, NOW)).toThrow(/boolean feature/);
      expect(() => simulatePackageChange(packages, { packages: [] }, { packages: [] }, { seats: -1 }, NOW)).toThrow(ValidationError);
    });

    it('throws PackageNotFoundError for an undeclared proposed package', () => {
      expect(() => simulatePackageChange(packages, { packages: [] }, { packages: ['platinum' as 'pro'] }, {}, NOW)).toThrow(PackageNotFoundError);
    });
  });

  it('agrees with effectiveEntitlements on both sides and with the over rule (property)', () => {
    const limitFeatures = features.lockOrder(features.keys());
    const usageArb = fc.dictionary(fc.constantFrom(...limitFeatures), fc.nat({ max: 20_000 }));
    fc.assert(
      fc.property(grantsArb, grantsArb, usageArb, (current, proposed, usage) => {
        const simulation = simulatePackageChange(packages, current, proposed, usage, NOW);
        const before = effectiveEntitlements(packages, current, NOW).features;
        const after = effectiveEntitlements(packages, proposed, NOW).features;
        for (const entry of simulation.features) {
          expect(entry.current).toEqual(before[entry.featureKey]);
          expect(entry.proposed).toEqual(after[entry.featureKey]);
          const used = (usage as Record<string, number | undefined>)[entry.featureKey] ?? 0;
          const { proposed: next } = entry;
          const expectedOver = next.kind === 'limit' && used > 0 && (!next.enabled || (next.limit !== 'unlimited' && used > next.limit));
          expect(entry.over).toBe(expectedOver);
          expect(simulation.over.includes(entry.featureKey as (typeof limitFeatures)[number])).toBe(expectedOver);
          expect(simulation.gained.includes(entry.featureKey)).toBe(!entry.current.enabled && entry.proposed.enabled);
          expect(simulation.lost.includes(entry.featureKey)).toBe(entry.current.enabled && !entry.proposed.enabled);
        }
        // Simulating no change changes nothing.
        const same = simulatePackageChange(packages, current, current, usage, NOW);
        expect(same.features.every((entry) => entry.change === 'unchanged')).toBe(true);
      }),
      propertyOptions,
    );
  });
});
