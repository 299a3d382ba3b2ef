import {
  isDelegationDeniedError,
  isFeatureNotEnabledError,
  isForbiddenError,
  isLimitExceededError,
  isOwnerRequiredError,
  isSecondFactorRequiredError,
  isUnsafeUrlError,
  isValidationError,
  isWebhookVerificationError,
  type TenantryError,
  type ValidationIssue,
} from '../../core/errors/index.js';

/**
 * Every extension member name a tenantry problem can carry, whatever its
 * code: a problem handler's `extend` hook may not add members of these
 * names, so a client that reads `issues` or `featureKey` only ever reads
 * tenantry's.
 */
export const EXTENSION_MEMBERS: ReadonlySet<string> = new Set(['issues', 'capability', 'reason', 'featureKey', 'limit', 'used', 'requested']);

/**
 * The extension members a tenantry error adds to its problem body, or
 * `undefined` for none. Only fields that are safe to show the caller are
 * copied, member by member, so a field added to an error class later never
 * leaks by default:
 *
 * - `validation_failed`: `issues`, each rebuilt from its `path` and `message`
 *   only (see {@link renderedIssue});
 * - `forbidden`: `capability`, the declared capability the member lacks;
 * - `owner_required`: `reason` (`owner_role` or `not_owner`);
 * - `delegation_denied`: `reason` and `capability` (the declared capability
 *   the actor lacks, `null` for `own_role`);
 * - `limit_exceeded`: `featureKey`, `limit`, `used`, `requested`;
 * - `feature_not_enabled`: `featureKey`;
 * - `second_factor_required`: `capability`, the declared capability that needs a step-up.
 * - `unsafe_url`, `webhook_verification_failed`: `reason` (a fixed code, never the address or a signature).
 *
 * Programming errors (`unknown_capability`, `feature_not_found`) add nothing:
 * the string they carry may have been built at run time from anything.
 */
export function problemExtensionsOf(error: TenantryError): Readonly<Record<string, unknown>> | undefined {
  if (isValidationError(error)) return { issues: error.issues.map(renderedIssue) };
  if (isForbiddenError(error)) return { capability: error.capability };
  if (isOwnerRequiredError(error)) return { reason: error.reason };
  if (isDelegationDeniedError(error)) return { reason: error.reason, capability: error.capability };
  if (isLimitExceededError(error)) {
    return { featureKey: error.featureKey, limit: error.limit, used: error.used, requested: error.requested };
  }
  if (isFeatureNotEnabledError(error)) return { featureKey: error.featureKey };
  if (isSecondFactorRequiredError(error)) return { capability: error.capability };
  if (isUnsafeUrlError(error) || isWebhookVerificationError(error)) return { reason: error.reason };
  return undefined;
}

/** Said for an issue whose message is not a string: only a plain JavaScript caller can build one. */
const UNREADABLE_MESSAGE = 'Invalid value.';

/**
 * The body form of one validation issue: a new object with exactly `path`
 * and `message`. Whatever else the issue carries never reaches the body:
 * a `ValidationError` keeps extra fields a caller put on its issues (zod's
 * `keys`, `input`, `received`, `params`, ...), and those may hold what the
 * client sent. Path elements that are not strings or finite numbers (a
 * symbol, an object with fields of its own) are dropped for the same
 * reason, as the core's zod conversion drops symbols.
 */
function renderedIssue(issue: ValidationIssue): { path: (string | number)[]; message: string } {
  const path = issue.path.filter((key) => typeof key === 'string' || (typeof key === 'number' && Number.isFinite(key)));
  const message = typeof issue.message === 'string' ? issue.message : UNREADABLE_MESSAGE;
  return { path, message };
}
