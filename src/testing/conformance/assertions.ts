import assert from 'node:assert/strict';
import { isTenantryError, type TenantryErrorCode } from '../../core/errors/index.js';

/** Asserts that `promise` rejects with a tenantry error of `code` (and, for `already_exists`, of `entity`). */
export async function rejectsWithCode(promise: Promise<unknown>, code: TenantryErrorCode, entity?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isTenantryError(error), `expected a tenantry error with code "${code}", got ${String(error)}`);
    assert.equal(error.code, code);
    if (entity !== undefined) assert.equal((error as { entity?: unknown }).entity, entity);
    return true;
  });
}

/** Code-unit order, as `Array.prototype.sort` does by default: the order every store must return. */
export function sortedByCodeUnit(values: readonly string[]): string[] {
  return [...values].sort();
}
