import { describe, expect, it, vi } from 'vitest';
import {
  AlreadyExistsError,
  ForbiddenError,
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
});
