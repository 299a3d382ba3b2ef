export { DEFAULT_THRESHOLDS } from './feature-types.js';
export type {
  BooleanFeatureInput,
  BooleanFeatureSpec,
  FeatureDefinitions,
  FeatureInput,
  FeatureKind,
  FeatureSpec,
  LimitFeatureInput,
  LimitFeatureSpec,
  LimitKeysOf,
} from './feature-types.js';
export { MAX_CATALOG_KEY_LENGTH } from './catalog-keys.js';
export { PERIOD_UNITS, isGauge } from './reset-period.js';
export type { PeriodAnchor, PeriodUnit, RecurringPeriod, ResetPeriod, ResetPeriodInput } from './reset-period.js';
export { periodWindow } from './period-window.js';
export type { PeriodWindow } from './period-window.js';
export { defineFeatures } from './define-features.js';
export type { FeatureCatalog, FeatureOf, LimitFeatureOf } from './define-features.js';
export { definePackages } from './define-packages.js';
export type { GrantFor, PackageCatalog, PackageDefinitions, PackageGrants, PackageInput, PackageOf, PackageSpec } from './define-packages.js';
export type { BooleanEntitlement, Boost, EffectiveEntitlement, EntitlementGrants, EntitlementOf, LimitEntitlement } from './grants.js';
export { effectiveEntitlements, overflowingLimits } from './effective-entitlements.js';
export type { EffectiveEntitlements, EntitlementMap } from './effective-entitlements.js';
export { compareLimits, COUNTER_CEILING, MAX_CONSUME_AMOUNT } from './limit.js';
export type { Limit } from './limit.js';
export { evaluateConsumption, evaluateRelease } from './evaluate-consumption.js';
export type { ConsumptionEvaluation, ConsumptionEvaluationInput, ReleaseEvaluation, ReleaseEvaluationInput } from './evaluate-consumption.js';
export { evaluateHierarchicalConsumption, evaluateHierarchicalRelease } from './evaluate-hierarchy.js';
export type { HierarchyEvaluation, HierarchyReason, HierarchyRelease, LevelEvaluation, PoolLevel } from './evaluate-hierarchy.js';
export { crossedThresholds } from './thresholds.js';
export { simulatePackageChange } from './simulate-package-change.js';
export type { EntitlementChange, FeatureSimulation, PackageChangeSimulation, UsageByFeature } from './simulate-package-change.js';
