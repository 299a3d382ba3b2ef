import { describe, expect, it } from 'vitest';
import {
  FeatureNotEnabledError,
  FeatureNotFoundError,
  isFeatureNotEnabledError,
  isFeatureNotFoundError,
  isLimitExceededError,
  isPackageNotFoundError,
  isTenantryError,
  LimitExceededError,
  PackageNotFoundError,
  TenantryError,
} from '../../../src/core/errors/index.js';

describe('entitlement errors', () => {
  const errors = [
    { error: new LimitExceededError('seats', 10, 9, 2), code: 'limit_exceeded', name: 'LimitExceededError' },
    { error: new FeatureNotFoundError('seatz'), code: 'feature_not_found', name: 'FeatureNotFoundError' },
    { error: new PackageNotFoundError('platinum'), code: 'package_not_found', name: 'PackageNotFoundError' },
    { error: new FeatureNotEnabledError('sso'), code: 'feature_not_enabled', name: 'FeatureNotEnabledError' },
  ] as const;

  it.each(errors)('$name is a TenantryError with code $code', ({ error, code, name }) => {
    expect(error).toBeInstanceOf(TenantryError);
    expect(error).toBeInstanceOf(Error);
    expect(isTenantryError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
  });

  it('each guard accepts its own error and rejects the others', () => {
    const guards = [isLimitExceededError, isFeatureNotFoundError, isPackageNotFoundError, isFeatureNotEnabledError];
    guards.forEach((guard, index) => {
      errors.forEach(({ error }, other) => {
        expect(guard(error)).toBe(index === other);
      });
      expect(guard(new Error('plain'))).toBe(false);
      expect(guard(null)).toBe(false);
    });
  });

  it('guards recognize an error from another copy of the package by its brand and code', () => {
    const foreign = Object.assign(new Error('copy'), { [Symbol.for('tenantry.error')]: true, code: 'limit_exceeded' });
    expect(isLimitExceededError(foreign)).toBe(true);
    expect(isFeatureNotFoundError(foreign)).toBe(false);
  });

  it('LimitExceededError carries feature, limit, used and requested, and a readable message', () => {
    const error = new LimitExceededError('ai.tokens', 1000, 950, 100);
    expect({ featureKey: error.featureKey, limit: error.limit, used: error.used, requested: error.requested }).toEqual({
      featureKey: 'ai.tokens',
      limit: 1000,
      used: 950,
      requested: 100,
    });
    expect(error.message).toBe('Limit of "ai.tokens" exceeded: 950 of 1000 used, 100 requested.');
  });

  it('keeps a cause and accepts a custom message', () => {
    const cause = new Error('root');
    const error = new FeatureNotEnabledError('sso', 'SSO needs the Pro plan.', { cause });
    expect(error.message).toBe('SSO needs the Pro plan.');
    expect(error.cause).toBe(cause);
    expect(error.featureKey).toBe('sso');
  });

  it('names the offending keys', () => {
    expect(new FeatureNotFoundError('seatz')).toMatchObject({ featureKey: 'seatz', message: expect.stringContaining('"seatz"') as unknown });
    expect(new PackageNotFoundError('platinum')).toMatchObject({
      packageKey: 'platinum',
      message: expect.stringContaining('"platinum"') as unknown,
    });
  });
});
