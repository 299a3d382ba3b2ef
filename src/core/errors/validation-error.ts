import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/** One reason an input was rejected. */
export interface ValidationIssue {
  /** Where in the input the problem is, e.g. `['userId']`. Empty for the input as a whole. */
  readonly path: readonly (string | number)[];
  /** Human-readable explanation. Never contains the rejected value. */
  readonly message: string;
}

/**
 * Input failed validation at the library boundary. Nothing was written.
 * The rejected values are never copied into the error, so it is safe to log.
 * Status 400, code `validation_failed`.
 */
export class ValidationError extends TenantryError {
  readonly code = 'validation_failed' as const;

  /** Every problem found, not just the first. */
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, issues: readonly ValidationIssue[] = [], options?: TenantryErrorOptions) {
    super(message, options);
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue, path: Object.freeze([...issue.path]) })));
  }
}

/** True when `value` is a {@link ValidationError} from any copy of tenantry. */
export const isValidationError = hasCode<ValidationError>('validation_failed');
