import { describe, expect, it, vi } from 'vitest';
import {
  ActorNotAllowedError,
  AlreadyExistsError,
  ConfigurationError,
  DelegationDeniedError,
  ERROR_STATUS,
  FeatureNotEnabledError,
  FeatureNotFoundError,
  ForbiddenError,
  IdempotencyConflictError,
  isActorNotAllowedError,
  isDelegationDeniedError,
  isOwnerRequiredError,
  LastOwnerError,
  LimitExceededError,
  OwnerRequiredError,
  PackageNotFoundError,
  UnknownCapabilityError,
  UnknownRoleError,
  isAlreadyExistsError,
  isForbiddenError,
  isNotFoundError,
  isStorageUnavailableError,
  isTenantryError,
  isValidationError,
  NotFoundError,
  StorageUnavailableError,
  TenantryError,
  ValidationError,
} from 'tenantry';

describe('errors', () => {
  it('carry a stable code, their class name, and the ES2022 cause', () => {
    const cause = new Error('socket hang up');
    const error = new StorageUnavailableError(undefined, { cause });
    expect(error.code).toBe('storage_unavailable');
    expect(error.name).toBe('StorageUnavailableError');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(TenantryError);
    expect(error).toBeInstanceOf(Error);
  });

  it.each([
    [new NotFoundError(), 'not_found', isNotFoundError],
    [new ForbiddenError('billing.read'), 'forbidden', isForbiddenError],
    [new ValidationError('bad', [{ path: ['userId'], message: 'Required' }]), 'validation_failed', isValidationError],
    [new AlreadyExistsError('membership'), 'already_exists', isAlreadyExistsError],
  ] as const)('%s has code %s and only its own guard accepts it', (error, code, guard) => {
    expect(error.code).toBe(code);
    expect(guard(error)).toBe(true);
    expect(isTenantryError(error)).toBe(true);
    expect(isStorageUnavailableError(error)).toBe(false);
  });

  it('guards reject look-alikes that are not tenantry errors', () => {
    expect(isNotFoundError({ code: 'not_found' })).toBe(false);
    expect(isTenantryError(new Error('not_found'))).toBe(false);
    expect(isTenantryError(null)).toBe(false);
    expect(isTenantryError('not_found')).toBe(false);
  });

  it('guards recognise errors from a second loaded copy of the package, where instanceof fails', async () => {
    vi.resetModules();
    // The query string makes the module system load and evaluate the file a second time.
    const path = '../../../src/core/errors/index.js?second-copy';
    const copy = (await import(/* @vite-ignore */ path)) as typeof import('../../../src/core/errors/index.js');
    const foreign = new copy.NotFoundError();
    expect(copy.NotFoundError).not.toBe(NotFoundError);
    expect(foreign).not.toBeInstanceOf(NotFoundError);
    expect(isNotFoundError(foreign)).toBe(true);
    expect(isTenantryError(foreign)).toBe(true);
  });

  it('ValidationError freezes its issues', () => {
    const error = new ValidationError('bad', [{ path: ['a', 0], message: 'x' }]);
    expect(Object.isFrozen(error.issues)).toBe(true);
    expect(Object.isFrozen(error.issues[0]?.path)).toBe(true);
  });

  it('map every code to its documented status, in one table', () => {
    // Written by hand from the design, not derived: a changed status fails here.
    expect(ERROR_STATUS).toEqual({
      not_found: 404,
      forbidden: 403,
      owner_required: 403,
      delegation_denied: 403,
      actor_not_allowed: 403,
      validation_failed: 400,
      unknown_role: 400,
      unknown_capability: 500,
      already_exists: 409,
      invalid_token: 404,
      too_many_attempts: 429,
      invalid_snapshot: 400,
      role_in_use: 409,
      last_owner: 409,
      idempotency_conflict: 409,
      idempotent_replay: 409,
      idempotency_in_progress: 409,
      tenant_archived: 409,
      limit_exceeded: 403,
      feature_not_enabled: 403,
      feature_not_found: 500,
      package_not_found: 404,
      configuration_invalid: 500,
      storage_unavailable: 503,
      invalid_code: 401,
      two_factor_not_enrolled: 409,
      two_factor_active: 409,
      two_factor_locked: 429,
      second_factor_required: 401,
      storage_integrity: 500,
      unsafe_url: 400,
      webhook_verification_failed: 401,
    });
    expect(Object.isFrozen(ERROR_STATUS)).toBe(true);
  });

  it.each([
    new NotFoundError(),
    new ForbiddenError('billing.read'),
    new OwnerRequiredError('owner_role'),
    new DelegationDeniedError('own_role', null),
    new ActorNotAllowedError('system'),
    new ValidationError('bad'),
    new UnknownRoleError('admin'),
    new UnknownCapabilityError('x.y'),
    new AlreadyExistsError('membership'),
    new LastOwnerError(),
    new IdempotencyConflictError(),
    new LimitExceededError('seats', 3, 3, 1),
    new FeatureNotEnabledError('sso'),
    new FeatureNotFoundError('seatz'),
    new PackageNotFoundError('gold'),
    new ConfigurationError('bad option'),
    new StorageUnavailableError(),
  ])('$name carries the status of its code', (error) => {
    expect(error.status).toBe(ERROR_STATUS[error.code]);
  });

  it('tell the three 403 refusals of a membership write apart: capability, owner only, delegation', () => {
    const owner = new OwnerRequiredError('not_owner');
    const delegation = new DelegationDeniedError('role_exceeds_actor', 'billing.manage');
    const actor = new ActorNotAllowedError('user');
    expect(owner).toMatchObject({ code: 'owner_required', reason: 'not_owner', name: 'OwnerRequiredError' });
    expect(delegation).toMatchObject({ code: 'delegation_denied', reason: 'role_exceeds_actor', capability: 'billing.manage', name: 'DelegationDeniedError' });
    expect(actor).toMatchObject({ code: 'actor_not_allowed', required: 'user', name: 'ActorNotAllowedError' });
    const guards = [isForbiddenError, isOwnerRequiredError, isDelegationDeniedError, isActorNotAllowedError];
    const errors = [new ForbiddenError('billing.read'), owner, delegation, actor];
    guards.forEach((guard, index) => {
      errors.forEach((error, other) => {
        expect(guard(error)).toBe(index === other);
      });
    });
    for (const error of errors.slice(1)) expect(error).not.toBeInstanceOf(ForbiddenError);
  });
});
