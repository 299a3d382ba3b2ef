import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveEntitlements, overflowingLimits } from '../../../src/core/entitlements/effective-entitlements.js';
import { COUNTER_CEILING } from '../../../src/core/entitlements/limit.js';
import type { Boost } from '../../../src/core/entitlements/grants.js';
import { FeatureNotFoundError, PackageNotFoundError, ValidationError } from '../../../src/core/errors/index.js';
import { boostArb, grantsArb, NOW, rank, type Feature, type LimitFeature } from './arbitraries.js';
import { features, packages, propertyOptions } from './fixtures.js';

/** Boosts as stored data may hold them, past the type checker. */
type AnyBoost = Boost<Feature, LimitFeature>;

describe('effectiveEntitlements', () => {
  it('reports every feature, ungranted ones as not enabled', () => {
    const effective = effectiveEntitlements(packages, { packages: [] }, NOW);
    expect(Object.keys(effective.features)).toEqual(features.keys());
    expect(effective.features.sso).toEqual({ featureKey: 'sso', kind: 'boolean', enabled: false });
    expect(effective.features.seats).toEqual({ featureKey: 'seats', kind: 'limit', enabled: false, limit: 0 });
    expect(effective.validUntil).toBeNull();
  });

  it('sums limits over packages and lists each assignment', () => {
    const effective = effectiveEntitlements(packages, { packages: ['free', 'extra-seats', 'extra-seats'] }, NOW);
    expect(effective.features.seats).toEqual({ featureKey: 'seats', kind: 'limit', enabled: true, limit: 23 });
    expect(effective.features['ai.tokens']).toMatchObject({ enabled: true, limit: 1000 });
  });

  it('lets unlimited from any source win over numbers', () => {
    const effective = effectiveEntitlements(packages, { packages: ['free', 'enterprise', 'extra-seats'] }, NOW);
    expect(effective.features.seats).toMatchObject({ enabled: true, limit: 'unlimited' });
    const boosted = effectiveEntitlements(packages, { packages: ['free'], boosts: [{ featureKey: 'seats', amount: 'unlimited' }] }, NOW);
    expect(boosted.features.seats).toMatchObject({ limit: 'unlimited' });
  });

  it('enables a boolean feature when any package grants it', () => {
    const effective = effectiveEntitlements(packages, { packages: ['free', 'pro'] }, NOW);
    expect(effective.features.sso.enabled).toBe(true);
    expect(effective.features.audit.enabled).toBe(false);
  });

  it('distinguishes a granted 0 (enabled, no room) from no grant (not enabled)', () => {
    const zero = effectiveEntitlements(packages, { packages: ['free'], boosts: [{ featureKey: 'api.requests', amount: 0 }] }, NOW);
    expect(zero.features['api.requests']).toEqual({ featureKey: 'api.requests', kind: 'limit', enabled: true, limit: 0 });
    const none = effectiveEntitlements(packages, { packages: ['free'] }, NOW);
    expect(none.features['api.requests']).toMatchObject({ enabled: false, limit: 0 });
  });

  it('adds active boosts and ignores expired ones (expiresAt is exclusive)', () => {
    const effective = effectiveEntitlements(
      packages,
      {
        packages: ['free'],
        boosts: [
          { featureKey: 'seats', amount: 2, expiresAt: new Date(NOW.getTime() + 1) },
          { featureKey: 'seats', amount: 100, expiresAt: NOW },
          { featureKey: 'seats', amount: 1000, expiresAt: new Date(NOW.getTime() - 1) },
          { featureKey: 'seats', amount: 5 },
        ],
      },
      NOW,
    );
    expect(effective.features.seats).toMatchObject({ limit: 3 + 2 + 5 });
  });

  it('lets a boost enable a boolean feature (a trial) until it expires', () => {
    const trial = { packages: ['free' as const], boosts: [{ featureKey: 'sso' as const, amount: true as const, expiresAt: new Date('2025-07-01') }] };
    expect(effectiveEntitlements(packages, trial, NOW).features.sso.enabled).toBe(true);
    expect(effectiveEntitlements(packages, trial, new Date('2025-07-01')).features.sso.enabled).toBe(false);
  });

  it('reports the earliest expiry of the boosts that counted as validUntil', () => {
    const effective = effectiveEntitlements(
      packages,
      {
        packages: [],
        boosts: [
          { featureKey: 'seats', amount: 1, expiresAt: new Date('2025-09-01') },
          { featureKey: 'seats', amount: 1, expiresAt: new Date('2025-08-01') },
          { featureKey: 'seats', amount: 1, expiresAt: new Date('2025-01-01') },
        ],
      },
      NOW,
    );
    expect(effective.validUntil).toEqual(new Date('2025-08-01'));
  });

  it('freezes the result', () => {
    const effective = effectiveEntitlements(packages, { packages: ['pro'] }, NOW);
    expect(Object.isFrozen(effective)).toBe(true);
    expect(Object.isFrozen(effective.features)).toBe(true);
    expect(Object.isFrozen(effective.features.seats)).toBe(true);
  });

  describe('errors', () => {
    it('throws PackageNotFoundError for an undeclared package', () => {
      expect(() => effectiveEntitlements(packages, { packages: ['platinum' as 'pro'] }, NOW)).toThrow(PackageNotFoundError);
    });

    it('throws FeatureNotFoundError for a boost of an undeclared feature', () => {
      const boosts = [{ featureKey: 'seatz', amount: 1 }] as unknown as AnyBoost[];
      expect(() => effectiveEntitlements(packages, { packages: [], boosts }, NOW)).toThrow(FeatureNotFoundError);
    });

    it.each([
      ['true for a limit feature', { featureKey: 'seats', amount: true }],
      ['a number for a boolean feature', { featureKey: 'sso', amount: 1 }],
      ['a negative amount', { featureKey: 'seats', amount: -1 }],
      ['an invalid expiry', { featureKey: 'seats', amount: 1, expiresAt: new Date('nope') }],
    ])('throws ValidationError for a boost with %s', (_name, boost) => {
      const boosts = [boost] as unknown as AnyBoost[];
      expect(() => effectiveEntitlements(packages, { packages: [], boosts }, NOW)).toThrow(ValidationError);
    });

    it('throws ValidationError for an invalid now', () => {
      expect(() => effectiveEntitlements(packages, { packages: [] }, new Date(Number.NaN))).toThrow(ValidationError);
    });
  });

  describe('sums past the counter ceiling', () => {
    const huge = [
      { featureKey: 'seats' as const, amount: Number.MAX_SAFE_INTEGER },
      { featureKey: 'seats' as const, amount: 1 },
    ];

    it('caps a sum past COUNTER_CEILING at it instead of failing, so stored grants never make a tenant unreadable', () => {
      const effective = effectiveEntitlements(packages, { packages: ['free'], boosts: huge }, NOW);
      expect(effective.features.seats).toEqual({ featureKey: 'seats', kind: 'limit', enabled: true, limit: COUNTER_CEILING });
      expect(effective.features['ai.tokens']).toMatchObject({ limit: 1000 });
    });

    it('overflowingLimits names the features whose sum passes COUNTER_CEILING, and only those', () => {
      expect(overflowingLimits(packages, { packages: ['free'], boosts: huge }, NOW)).toEqual(['seats']);
      // Exactly the ceiling fits; unlimited never overflows; an expired boost does not count.
      const exact = [{ featureKey: 'seats' as const, amount: COUNTER_CEILING - 3 }];
      expect(overflowingLimits(packages, { packages: ['free'], boosts: exact }, NOW)).toEqual([]);
      expect(overflowingLimits(packages, { packages: ['free', 'enterprise'], boosts: huge }, NOW)).toEqual([]);
      const expired = huge.map((boost) => ({ ...boost, expiresAt: NOW }));
      expect(overflowingLimits(packages, { packages: ['free'], boosts: expired }, NOW)).toEqual([]);
    });

    it('property: overflowingLimits is empty exactly when every limit is a safe integer below the ceiling, which effectiveEntitlements then reports unchanged', () => {
      const amountArb = fc.oneof(
        fc.integer({ min: 0, max: 1000 }),
        fc.constant(COUNTER_CEILING),
        fc.integer({ min: COUNTER_CEILING - 1000, max: COUNTER_CEILING }),
      );
      const boostsArb = fc.array(fc.record({ featureKey: fc.constantFrom('seats' as const, 'ai.tokens' as const), amount: amountArb }), { maxLength: 4 });
      fc.assert(
        fc.property(fc.subarray([...packages.keys()]), boostsArb, (assigned, boosts) => {
          const effective = effectiveEntitlements(packages, { packages: assigned, boosts }, NOW);
          const over = overflowingLimits(packages, { packages: assigned, boosts }, NOW);
          for (const feature of ['seats', 'ai.tokens'] as const) {
            const fromPackages = assigned.map((key) => packages.get(key).grants[feature]).filter((value) => value !== undefined);
            const granted = [...fromPackages, ...boosts.filter((b) => b.featureKey === feature).map((b) => b.amount)];
            if (granted.includes('unlimited')) continue;
            // BigInt: the exact sum, whatever floating point would round it to.
            const exact = granted.reduce<bigint>((sum, value) => sum + BigInt(value), 0n);
            expect(over.includes(feature)).toBe(exact > BigInt(COUNTER_CEILING));
            const limit = effective.features[feature].limit;
            if (granted.length > 0) expect(limit).toBe(exact > BigInt(COUNTER_CEILING) ? COUNTER_CEILING : Number(exact));
          }
        }),
        propertyOptions,
      );
    });
  });

  describe('properties', () => {
    it('is monotone: adding a package or a boost never lowers a limit or disables a feature', () => {
      const extraArb = fc.oneof(
        fc.constantFrom(...packages.keys()).map((key) => ({ packages: [key], boosts: [] })),
        boostArb.map((boost) => ({ packages: [], boosts: [boost] })),
      );
      fc.assert(
        fc.property(grantsArb, extraArb, (grants, extra) => {
          const before = effectiveEntitlements(packages, grants, NOW).features;
          const more = { packages: [...grants.packages, ...extra.packages], boosts: [...grants.boosts, ...extra.boosts] };
          const after = effectiveEntitlements(packages, more, NOW).features;
          for (const key of features.keys()) expect(rank(after[key])).toBeGreaterThanOrEqual(rank(before[key]));
        }),
        propertyOptions,
      );
    });

    it('matches the documented rule: unlimited from any active source wins, otherwise the sum, otherwise not enabled', () => {
      fc.assert(
        fc.property(grantsArb, (grants) => {
          const effective = effectiveEntitlements(packages, grants, NOW).features;
          for (const key of features.keys()) {
            const sources = [
              ...grants.packages.map((p) => (packages.get(p).grants as Record<string, unknown>)[key]),
              ...grants.boosts.filter((b) => b.featureKey === key && (b.expiresAt === undefined || b.expiresAt > NOW)).map((b) => b.amount),
            ].filter((value) => value !== undefined);
            const entitlement = effective[key];
            if (sources.length === 0) {
              expect(entitlement.enabled).toBe(false);
            } else if (entitlement.kind === 'boolean') {
              expect(entitlement.enabled).toBe(true);
            } else if (sources.includes('unlimited')) {
              expect(entitlement.limit).toBe('unlimited');
            } else {
              expect(entitlement.limit).toBe(sources.reduce<number>((sum, value) => sum + (value as number), 0));
            }
          }
        }),
        propertyOptions,
      );
    });

    it('lets unlimited win: one active unlimited source makes the limit unlimited, whatever else is granted', () => {
      const limitFeatureArb = fc.constantFrom(...features.lockOrder(features.keys()));
      fc.assert(
        fc.property(grantsArb, limitFeatureArb, fc.option(fc.nat({ max: 10_000 }), { nil: undefined }), (grants, feature, ttl) => {
          const unlimited = {
            featureKey: feature,
            amount: 'unlimited' as const,
            ...(ttl === undefined ? {} : { expiresAt: new Date(NOW.getTime() + ttl + 1) }),
          };
          const boosted = effectiveEntitlements(packages, { ...grants, boosts: [unlimited, ...grants.boosts] }, NOW);
          expect(boosted.features[feature]).toMatchObject({ enabled: true, limit: 'unlimited' });
        }),
        propertyOptions,
      );
    });

    it('ignores expired boosts entirely', () => {
      fc.assert(
        fc.property(grantsArb, boostArb, fc.nat({ max: 10_000 }), (grants, boost, ago) => {
          const expired = { ...boost, expiresAt: new Date(NOW.getTime() - ago) };
          const without = effectiveEntitlements(packages, grants, NOW);
          const withExpired = effectiveEntitlements(packages, { ...grants, boosts: [...grants.boosts, expired] }, NOW);
          expect(withExpired).toEqual(without);
        }),
        propertyOptions,
      );
    });
  });
});
