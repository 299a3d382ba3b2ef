import {
  isFeatureNotEnabledError,
  isForbiddenError,
  isLimitExceededError,
  isValidationError,
  type TenantryError,
} from '../../core/errors/index.js';

/**
 * The extension members a tenantry error adds to its problem body, or
 * `undefined` for none. Only fields that are safe to show the caller are
 * copied, member by member, so a field added to an error class later never
 * leaks by default:
 *
 * - `validation_failed`: `issues` (path and message; they never contain input values);
 * - `forbidden`: `capability`, the declared capability the member lacks;
 * - `limit_exceeded`: `feature`, `limit`, `used`, `requested`;
 * - `feature_not_enabled`: `feature`.
 *
 * Programming errors (`unknown_capability`, `feature_not_found`) add nothing:
 * the string they carry may have been built at run time from anything.
 */
export function problemExtensionsOf(error: TenantryError): Readonly<Record<string, unknown>> | undefined {
  if (isValidationError(error)) {
    return { issues: error.issues.map((issue) => ({ path: [...issue.path], message: issue.message })) };
  }
  if (isForbiddenError(error)) return { capability: error.capability };
  if (isLimitExceededError(error)) {
    return { feature: error.feature, limit: error.limit, used: error.used, requested: error.requested };
  }
  if (isFeatureNotEnabledError(error)) return { feature: error.feature };
  return undefined;
}
