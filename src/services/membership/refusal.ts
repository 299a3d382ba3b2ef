import type { TenantryError } from '../../core/errors/index.js';

/**
 * A refusal decided inside a transaction whose audit entry must commit even
 * though the operation fails: the transaction returns it normally, and
 * {@link committed} throws `error` once the commit is done.
 */
export class Refusal {
  readonly error: TenantryError;

  constructor(error: TenantryError) {
    this.error = error;
  }
}

/** Unwraps a committed transaction's result, throwing the error of a (now audited) refusal. */
export function committed<T>(result: T | Refusal): T {
  if (result instanceof Refusal) throw result.error;
  return result;
}
