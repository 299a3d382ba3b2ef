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
import {
  createTenantry,
  defineCapabilities,
  defineRoles,
  systemActor,
  type EntitlementDecision,
  type FeatureUsage,
  type Page,
  type PackageAssignment,
  type UsageAlertEntry,
  type UsageReport,
} from 'tenantry';
import { memoryStore } from 'tenantry/memory';

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
    effectiveEntitlements(packages, { packages: [], boosts: [{ featureKey: 'seatz', amount: 1 }] }, now);
    // @ts-expect-error a limit feature is boosted by a number or 'unlimited'
    effectiveEntitlements(packages, { packages: [], boosts: [{ featureKey: 'seats', amount: true }] }, now);
    effectiveEntitlements(packages, { packages: [], boosts: [{ featureKey: 'sso', amount: true, expiresAt: now }] }, now);
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

describe('scope entitlement types', () => {
  const capabilities = defineCapabilities(['tenant.read'] as const);
  const roles = defineRoles(capabilities, { owner: ['tenant.read'] }, { ownerRole: 'owner' });
  const tenantry = createTenantry({ capabilities, roles, store: memoryStore(), entitlements: { packages, seats: 'seats' } });
  const scope = tenantry.forRequest({ userId: 'u' });
  const system = tenantry.as(systemActor('billing'));
  type Limits = 'seats' | 'ai.tokens' | 'ai.tokens.images';

  it('types usage by the catalog: any feature for check(), limit features for consumption', () => {
    expectTypeOf(scope.usage.check({ tenantId: 't', featureKey: 'sso' })).resolves.toEqualTypeOf<EntitlementDecision<'sso' | Limits>>();
    expectTypeOf(scope.usage.consume({ tenantId: 't', featureKey: 'seats', amount: 1 })).resolves.toEqualTypeOf<EntitlementDecision<Limits>>();
    expectTypeOf(scope.usage.release({ tenantId: 't', featureKey: 'seats', amount: 1 })).resolves.toEqualTypeOf<FeatureUsage<Limits>>();
    expectTypeOf(scope.usage.report({ tenantId: 't' })).resolves.toEqualTypeOf<UsageReport<Limits>>();
    expectTypeOf<EntitlementDecision['limit']>().toEqualTypeOf<Limit>();
    expectTypeOf<EntitlementDecision['enabled']>().toEqualTypeOf<boolean>();
    expectTypeOf<FeatureUsage['limit']>().toEqualTypeOf<Limit>();
    // @ts-expect-error 'seatz' is not a declared feature
    void scope.usage.check({ tenantId: 't', featureKey: 'seatz' });
    // @ts-expect-error a boolean feature cannot be consumed
    void scope.usage.consume({ tenantId: 't', featureKey: 'sso', amount: 1 });
    // @ts-expect-error a boolean feature cannot be consumed
    void scope.usage.tryConsume({ tenantId: 't', featureKey: 'sso', amount: 1 });
    // @ts-expect-error consumption needs an amount
    void scope.usage.consume({ tenantId: 't', featureKey: 'seats' });
    // @ts-expect-error 'fre' is not a declared package
    void scope.usage.simulate({ tenantId: 't', packageKeys: ['fre'] });
  });

  it('types provisioning by the catalog', () => {
    expectTypeOf(system.provisioning.assignPackage({ tenantId: 't', packageKey: 'pro' })).resolves.toEqualTypeOf<PackageAssignment<'free' | 'pro'>>();
    expectTypeOf(system.provisioning.alerts({ tenantId: 't' })).resolves.toEqualTypeOf<Page<UsageAlertEntry>>();
    // @ts-expect-error 'gold' is not a declared package
    void system.provisioning.assignPackage({ tenantId: 't', packageKey: 'gold' });
    // @ts-expect-error a boost is for a limit feature
    void system.provisioning.addBoost({ tenantId: 't', featureKey: 'sso', amount: 1 });
    // @ts-expect-error a namespace limit is for a limit feature
    void system.provisioning.setNamespaceLimit({ tenantId: 't', namespace: 'ns', featureKey: 'sso', limit: 1 });
    // @ts-expect-error the provisioning actor is bound by the scope
    void system.provisioning.cancelPackage({ actor: systemActor('billing'), tenantId: 't', packageKey: 'pro' });
  });

  it('takes a limit feature as the seats option', () => {
    // @ts-expect-error seats must be a limit feature of the catalog
    createTenantry({ capabilities, roles, store: memoryStore(), entitlements: { packages, seats: 'sso' } });
    // @ts-expect-error 'packagez' is not an entitlements option
    createTenantry({ capabilities, roles, store: memoryStore(), entitlements: { packages, packagez: packages } });
  });
});
