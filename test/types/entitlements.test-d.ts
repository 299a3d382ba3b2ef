import { describe, expectTypeOf, it } from 'vitest';
import {
  defineFeatures,
  definePackages,
  effectiveEntitlements,
  periodWindow,
  simulatePackageChange,
  type BooleanEntitlement,
  type EffectiveEntitlements,
  type FeatureCatalog,
  type FeatureOf,
  type Limit,
  type LimitEntitlement,
  type LimitFeatureOf,
  type PackageCatalog,
  type PackageOf,
} from '../../src/core/entitlements/index.js';

const features = defineFeatures({
  sso: { kind: 'boolean' },
  seats: { kind: 'limit', unit: 'seats', reset: 'none' },
  'ai.tokens': { kind: 'limit', unit: 'tokens', reset: { every: 'month', anchor: 'cycle' } },
  'ai.tokens.images': { kind: 'limit', unit: 'tokens', reset: 'month', parent: 'ai.tokens' },
});

const packages = definePackages(features, {
  free: { grants: { seats: 3, 'ai.tokens': 1000 } },
  pro: { grants: { sso: true, seats: 'unlimited', 'ai.tokens.images': 50 } },
});

const now = new Date();

describe('feature catalog types', () => {
  it('derives literal unions of feature keys and limit-feature keys', () => {
    expectTypeOf<FeatureOf<typeof features>>().toEqualTypeOf<'sso' | 'seats' | 'ai.tokens' | 'ai.tokens.images'>();
    expectTypeOf<LimitFeatureOf<typeof features>>().toEqualTypeOf<'seats' | 'ai.tokens' | 'ai.tokens.images'>();
    expectTypeOf(features.keys()).toEqualTypeOf<readonly ('sso' | 'seats' | 'ai.tokens' | 'ai.tokens.images')[]>();
    expectTypeOf(features.chainOf('ai.tokens.images')).toEqualTypeOf<readonly ('seats' | 'ai.tokens' | 'ai.tokens.images')[]>();
  });

  it('rejects a typo in a feature key', () => {
    // @ts-expect-error 'seatz' is not a declared feature
    features.get('seatz');
    // @ts-expect-error 'seatz' is not a declared feature
    features.chainOf('seatz');
    // @ts-expect-error 'seatz' is not a declared feature
    features.lockOrder(['seats', 'seatz']);
  });

  it('narrows unchecked strings through has(), assert() and isLimit()', () => {
    const input: string = 'seats';
    expectTypeOf(features.assert(input)).toEqualTypeOf<'sso' | 'seats' | 'ai.tokens' | 'ai.tokens.images'>();
    if (features.isLimit(input)) expectTypeOf(input).toEqualTypeOf<'seats' | 'ai.tokens' | 'ai.tokens.images'>();
  });

  it('rejects a typo in a parent and limit-only options on a boolean feature', () => {
    defineFeatures({
      // @ts-expect-error the parent must be a key of the same catalog
      seats: { kind: 'limit', unit: 'seats', reset: 'none', parent: 'seatz' },
    });
    defineFeatures({
      // @ts-expect-error a boolean feature cannot have a unit
      sso: { kind: 'boolean', unit: 'seats' },
    });
    defineFeatures({
      // @ts-expect-error a limit feature needs a reset period
      seats: { kind: 'limit', unit: 'seats' },
    });
    defineFeatures({
      // @ts-expect-error 'fortnight' is not a period unit
      calls: { kind: 'limit', unit: 'calls', reset: 'fortnight' },
    });
  });

  it('is assignable to the plain catalog type used by generic code', () => {
    expectTypeOf(features).toExtend<FeatureCatalog>();
    expectTypeOf(packages).toExtend<PackageCatalog>();
  });
});

describe('package catalog types', () => {
  it('derives a literal union of package keys', () => {
    expectTypeOf<PackageOf<typeof packages>>().toEqualTypeOf<'free' | 'pro'>();
    // @ts-expect-error 'fre' is not a declared package
    packages.get('fre');
  });

  it('rejects grants of undeclared features and grants of the wrong kind', () => {
    definePackages(features, {
      // @ts-expect-error 'seatz' is not a declared feature
      free: { grants: { seatz: 3 } },
    });
    definePackages(features, {
      // @ts-expect-error a boolean feature is granted with true, not a number
      free: { grants: { sso: 1 } },
    });
    definePackages(features, {
      // @ts-expect-error a limit feature is granted a number or 'unlimited', not true
      free: { grants: { seats: true } },
    });
  });
});

describe('entitlement types', () => {
  it('types each feature of the result by its kind', () => {
    const effective = effectiveEntitlements(packages, { packages: ['free'] }, now);
    expectTypeOf(effective.features.seats).toEqualTypeOf<LimitEntitlement<'seats'>>();
    expectTypeOf(effective.features.sso).toEqualTypeOf<BooleanEntitlement<'sso'>>();
    if (effective.features.seats.enabled) expectTypeOf(effective.features.seats.limit).toEqualTypeOf<Limit>();
    expectTypeOf(effective).toExtend<EffectiveEntitlements>();
    expectTypeOf(effective.features).toHaveProperty('ai.tokens.images');
    expectTypeOf(effective.features).not.toHaveProperty('seatz');
  });

  it('rejects typos in assigned packages and boosts, and boost amounts of the wrong kind', () => {
    // @ts-expect-error 'platinum' is not a declared package
    effectiveEntitlements(packages, { packages: ['platinum'] }, now);
    // @ts-expect-error 'seatz' is not a declared feature
    effectiveEntitlements(packages, { packages: [], boosts: [{ feature: 'seatz', amount: 1 }] }, now);
    // @ts-expect-error a limit feature is boosted by a number or 'unlimited'
    effectiveEntitlements(packages, { packages: [], boosts: [{ feature: 'seats', amount: true }] }, now);
    effectiveEntitlements(packages, { packages: [], boosts: [{ feature: 'sso', amount: true, expiresAt: now }] }, now);
  });

  it('only accepts usage of limit features in a simulation', () => {
    simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['free'] }, { seats: 3 }, now);
    // @ts-expect-error 'sso' is a boolean feature and has no usage
    simulatePackageChange(packages, { packages: ['pro'] }, { packages: ['free'] }, { sso: 3 }, now);
  });

  it('only computes windows of recurring periods', () => {
    // @ts-expect-error a gauge has no window
    periodWindow('none', now);
    expectTypeOf(periodWindow({ every: 'day', anchor: 'calendar' }, now).start).toEqualTypeOf<Date>();
  });
});
