import { NotFoundError } from '../../core/errors/index.js';
import { tenantIdPredicate } from '../../core/ids/identifiers.js';

/**
 * The instance's one tenant-id rule (the identifier rule, at most 64
 * characters, then the instance's pattern). Every actor-facing call applies
 * it first: a malformed id is the same `NotFoundError` as an unknown tenant
 * or a tenant the actor is not a member of, decided before storage.
 */
export class TenantIdRule {
  /** True when `value` is a well-formed tenant id. */
  readonly isValid: (value: unknown) => value is string;

  constructor(pattern: RegExp) {
    this.isValid = tenantIdPredicate(pattern);
  }

  /** Returns `value` when well formed; otherwise throws the canonical `NotFoundError`. */
  require(value: unknown): string {
    if (!this.isValid(value)) throw new NotFoundError();
    return value;
  }
}
