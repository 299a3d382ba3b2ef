import fc from 'fast-check';
import type { Boost } from '../../../src/core/entitlements/grants.js';
import type { Limit } from '../../../src/core/entitlements/limit.js';
import { features, packages } from './fixtures.js';

/** Feature keys of the fixture catalog. */
export type Feature = ReturnType<typeof features.keys>[number];
/** Limit-feature keys of the fixture catalog. */
export type LimitFeature = ReturnType<typeof features.lockOrder>[number];
type PackageKey = ReturnType<typeof packages.keys>[number];

/** Fixed "now" of the grant properties; boosts expire around it. */
export const NOW = new Date('2025-06-15T12:00:00.000Z');

export const limitArb: fc.Arbitrary<Limit> = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.constant('unlimited' as const) },
);

export const packageListArb: fc.Arbitrary<PackageKey[]> = fc.array(fc.constantFrom(...packages.keys()), { maxLength: 5 });

const expiryArb: fc.Arbitrary<Date | undefined> = fc.option(
  fc.integer({ min: -10_000, max: 10_000 }).map((offset) => new Date(NOW.getTime() + offset)),
  { nil: undefined },
);

const limitFeatures = features.keys().filter((key): key is LimitFeature => features.isLimit(key));
const booleanFeatures = features.keys().filter((key) => !features.isLimit(key));

/** A boost of any catalog feature with a fitting amount, active or expired. */
export const boostArb: fc.Arbitrary<Boost<Feature, LimitFeature>> = fc
  .oneof(
    fc.record({ featureKey: fc.constantFrom(...limitFeatures), amount: limitArb, expiresAt: expiryArb }),
    fc.record({ featureKey: fc.constantFrom(...booleanFeatures), amount: fc.constant(true as const), expiresAt: expiryArb }),
  )
  .map(({ expiresAt, ...boost }) => (expiresAt === undefined ? boost : { ...boost, expiresAt }) as Boost<Feature, LimitFeature>);

export const grantsArb = fc.record({ packages: packageListArb, boosts: fc.array(boostArb, { maxLength: 5 }) });

/** Orders effective states: not enabled < any number < unlimited; for booleans, off < on. */
export function rank(entitlement: { enabled: boolean; limit?: Limit | null }): number {
  if (!entitlement.enabled) return -1;
  if (entitlement.limit === undefined) return 0;
  return entitlement.limit === 'unlimited' ? Number.POSITIVE_INFINITY : (entitlement.limit ?? -1);
}
