import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * A consumption would take usage past a limit. Nothing was consumed. When the
 * feature draws on a pool, `featureKey` names the level that had no room, which
 * may be an ancestor of the feature that was requested. Status 403, code
 * `limit_exceeded`.
 */
export class LimitExceededError extends TenantryError {
  readonly code = 'limit_exceeded' as const;

  /** The feature (or pool) whose limit would be exceeded. */
  readonly featureKey: string;
  /** The effective limit of that feature. */
  readonly limit: number;
  /** Usage before the refused consumption. */
  readonly used: number;
  /** The amount that was requested. */
  readonly requested: number;

  constructor(
    feature: string,
    limit: number,
    used: number,
    requested: number,
    message = `Limit of "${feature}" exceeded: ${used} of ${limit} used, ${requested} requested.`,
    options?: TenantryErrorOptions,
  ) {
    super(message, options);
    this.featureKey = feature;
    this.limit = limit;
    this.used = used;
    this.requested = requested;
  }
}

/**
 * A feature key that is not in the feature catalog reached the runtime: a
 * typo that escaped the type checker, a string built at run time, or stored
 * data that names a feature since removed from the catalog. A programming or
 * data error, thrown before any storage access. Status 500, code
 * `feature_not_found`.
 */
export class FeatureNotFoundError extends TenantryError {
  readonly code = 'feature_not_found' as const;

  /** The offending key, exactly as received. */
  readonly featureKey: string;

  constructor(feature: string, options?: TenantryErrorOptions) {
    super(`Unknown feature "${feature}". Declare it in defineFeatures() first.`, options);
    this.featureKey = feature;
  }
}

/** A package key that is not in the package catalog reached the runtime. Status 404, code `package_not_found`. */
export class PackageNotFoundError extends TenantryError {
  readonly code = 'package_not_found' as const;

  /** The offending key, exactly as received. */
  readonly packageKey: string;

  constructor(packageKey: string, options?: TenantryErrorOptions) {
    super(`Unknown package "${packageKey}". Declare it in definePackages() first.`, options);
    this.packageKey = packageKey;
  }
}

/**
 * The feature exists in the catalog, but none of the tenant's packages or
 * active boosts grants it (or, for a pooled feature, one of its pools).
 * Distinct from {@link LimitExceededError}: the remedy is a different plan,
 * not waiting for a reset or releasing usage. Status 403, code
 * `feature_not_enabled`.
 */
export class FeatureNotEnabledError extends TenantryError {
  readonly code = 'feature_not_enabled' as const;

  /** The feature (or pool) that is not enabled. */
  readonly featureKey: string;

  constructor(feature: string, message = `Feature "${feature}" is not enabled for this tenant.`, options?: TenantryErrorOptions) {
    super(message, options);
    this.featureKey = feature;
  }
}

/** True when `value` is a {@link LimitExceededError} from any copy of tenantry. */
export const isLimitExceededError = hasCode<LimitExceededError>('limit_exceeded');

/** True when `value` is a {@link FeatureNotFoundError} from any copy of tenantry. */
export const isFeatureNotFoundError = hasCode<FeatureNotFoundError>('feature_not_found');

/** True when `value` is a {@link PackageNotFoundError} from any copy of tenantry. */
export const isPackageNotFoundError = hasCode<PackageNotFoundError>('package_not_found');

/** True when `value` is a {@link FeatureNotEnabledError} from any copy of tenantry. */
export const isFeatureNotEnabledError = hasCode<FeatureNotEnabledError>('feature_not_enabled');
