import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * `parseSnapshot()` (in `tenantry/client`) was given something that is not a
 * client snapshot this version understands: not JSON, the wrong version, or
 * a field of the wrong shape. Status 400, code `invalid_snapshot`. The
 * message names the field, never its value.
 */
export class InvalidSnapshotError extends TenantryError {
  readonly code = 'invalid_snapshot' as const;

  /** The field that failed (`v`, `tenantId`, `granted`, ...), or `''` for the input as a whole. */
  readonly field: string;

  constructor(field: string, options?: TenantryErrorOptions) {
    super(field === '' ? 'Not a client snapshot.' : `Not a client snapshot: "${field}" is missing or malformed.`, options);
    this.field = field;
  }
}

/** True when `value` is an {@link InvalidSnapshotError} from any copy of tenantry. */
export const isInvalidSnapshotError = hasCode<InvalidSnapshotError>('invalid_snapshot');
